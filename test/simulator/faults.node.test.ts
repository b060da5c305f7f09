// Fault injection: each mode misbehaves as documented, and only for RAPI requests.

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { type Simulator, startSimulator } from "./server.ts";
import { ADMIN, TEST_USERS_FILE, buildRequest, parseReply, request, sendRaw } from "./test-client.ts";

describe("faults", () => {
  let simulator: Simulator;
  let port: number;

  beforeEach(async () => {
    simulator = await startSimulator({ usersFile: TEST_USERS_FILE });
    port = simulator.port;
  });

  afterEach(async () => {
    await simulator.close();
  });

  function infoRequest(): string {
    return buildRequest(port, { path: "/2/info", auth: ADMIN });
  }

  async function setFault(body: unknown): Promise<number> {
    return (await request(port, { method: "POST", path: "/__simulator/faults", body: JSON.stringify(body) })).status;
  }

  it("resets the connection for refuse-after-accept", async () => {
    expect(await setFault({ mode: "refuse-after-accept", count: 1 })).toBe(200);
    const reply = await sendRaw(port, infoRequest());
    expect(reply.raw.length).toBe(0);
    expect(reply.ending).toBe("reset");
  });

  it("closes without a reply for close", async () => {
    simulator.setFault({ mode: "close", count: 1 });
    const reply = await sendRaw(port, infoRequest());
    expect(reply.raw.length).toBe(0);
    expect(reply.ending).not.toBe("timeout");
  });

  it("sends bytes that are not HTTP for garbage", async () => {
    simulator.setFault({ mode: "garbage", count: 1 });
    const reply = await sendRaw(port, infoRequest());
    expect(reply.raw.length).toBeGreaterThan(0);
    expect(reply.raw.toString("latin1").startsWith("HTTP/")).toBe(false);
  });

  it("promises more body than it sends for truncated", async () => {
    simulator.setFault({ mode: "truncated", count: 1 });
    const reply = parseReply(await sendRaw(port, infoRequest()));
    expect(reply.status).toBe(200);
    expect(Buffer.byteLength(reply.body)).toBeLessThan(Number(reply.headers["content-length"]));
    expect(reply.ending).toBe("closed");
  });

  it("never answers for hang", async () => {
    simulator.setFault({ mode: "hang" });
    const reply = await sendRaw(port, infoRequest(), 500);
    expect(reply.ending).toBe("timeout");
    expect(reply.raw.length).toBe(0);
  });

  it("answers normally after delayMs for slow", async () => {
    simulator.setFault({ mode: "slow", delayMs: 300, count: 1 });
    const started = Date.now();
    const reply = parseReply(await sendRaw(port, infoRequest()));
    expect(reply.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("applies a fault to count requests, then answers normally", async () => {
    await setFault({ mode: "close", count: 2 });
    expect((await sendRaw(port, infoRequest())).raw.length).toBe(0);
    expect((await sendRaw(port, infoRequest())).raw.length).toBe(0);
    expect(parseReply(await sendRaw(port, infoRequest())).status).toBe(200);
  });

  it("keeps a fault until it is replaced, and spares control requests", async () => {
    await setFault({ mode: "close" });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await sendRaw(port, infoRequest())).raw.length).toBe(0);
    }
    expect((await request(port, { path: "/__simulator/stats" })).status).toBe(200);
    expect(await setFault({ mode: "none" })).toBe(200);
    expect(parseReply(await sendRaw(port, infoRequest())).status).toBe(200);
    expect(simulator.stats().total).toBe(4);
  });

  it.each([{ mode: "explode" }, { mode: "slow", delayMs: -1 }, { mode: "close", count: 0 }, "close"])(
    "rejects the fault %j with 400",
    async (body) => {
      expect(await setFault(body)).toBe(400);
    },
  );
});
