import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectRapiError, gatewayFetch, resetSimulator, seedEdgeUsers, setSimulatorFault } from "../support/workers-helpers";
import { upstreamRequests, upstreamTotal, workerEnv } from "./job-helpers";
import { userKey } from "../../src/auth/users-file";

const TAGS = "/2/tags";
// Keys stay stored for the whole window, so each run uses keys of its own.
const RUN = crypto.randomUUID().slice(0, 8);

function putTag(tag: string, key: string | undefined, as: "operator" | "second" = "operator"): Promise<Response> {
  const headers: Record<string, string> = key === undefined ? {} : { "Idempotency-Key": `${RUN}-${key}` };
  if (as === "second") {
    headers.Authorization = `Basic ${btoa("second-operator:second-secret")}`;
    return gatewayFetch(`${TAGS}?tag=${tag}`, { method: "PUT", headers });
  }
  return gatewayFetch(`${TAGS}?tag=${tag}`, { as, method: "PUT", headers });
}

async function tagWrites(tag: string): Promise<number> {
  return (await upstreamRequests("PUT", TAGS)).filter((request) => request.query === `tag=${tag}`).length;
}

beforeAll(async () => {
  await seedEdgeUsers();
  await workerEnv.USERS.put(userKey("second-operator"), JSON.stringify({ password: "second-secret", options: ["write"] }));
});
beforeEach(resetSimulator);

afterEach(async () => {
  await setSimulatorFault({ mode: "none" });
});

describe("idempotency keys", () => {
  it("sends a retried write upstream once and replays the answer", async () => {
    const first = await putTag("idem-a", "key-1");
    const firstBody = await first.text();
    const retry = await putTag("idem-a", "key-1");

    expect(first.status).toBe(200);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
    expect(await retry.text()).toBe(firstBody);
    expect(await tagWrites("idem-a")).toBe(1);
  });

  it("sends concurrent retries upstream once", async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => putTag("idem-b", "key-2")));
    const bodies = await Promise.all(responses.map((response) => response.text()));

    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(new Set(bodies).size).toBe(1);
    expect(responses.filter((response) => response.headers.get("Idempotent-Replayed") === null)).toHaveLength(1);
    expect(await tagWrites("idem-b")).toBe(1);
  });

  it("returns 422 for the same key with a different request", async () => {
    await putTag("idem-c", "key-3");
    const other = await putTag("idem-d", "key-3");

    expect((await expectRapiError(other, 422)).message).toBe("Idempotency-Key was already used for a different request");
    expect(await tagWrites("idem-d")).toBe(0);
  });

  it("keeps keys apart per user", async () => {
    await putTag("idem-e", "shared-key");
    const second = await putTag("idem-e", "shared-key", "second");

    expect(second.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await tagWrites("idem-e")).toBe(2);
  });

  it("sends writes without a key every time", async () => {
    await putTag("idem-f", undefined);
    await putTag("idem-f", undefined);
    expect(await tagWrites("idem-f")).toBe(2);
  });

  it("returns 400 for an invalid key without asking the daemon", async () => {
    const before = await upstreamTotal();
    const response = await gatewayFetch(`${TAGS}?tag=idem-g`, { as: "operator", method: "PUT", headers: { "Idempotency-Key": "k".repeat(256) } });

    expect((await expectRapiError(response, 400)).message).toMatch(/^Invalid Idempotency-Key header/);
    expect(await upstreamTotal()).toBe(before);
  });

  it("replays a 502 so a retry never creates a second job", async () => {
    await setSimulatorFault({ mode: "close", count: 1 });
    const first = await putTag("idem-h", "key-4");
    await expectRapiError(first, 502);
    await setSimulatorFault({ mode: "none" });
    const before = await upstreamTotal();

    const retry = await putTag("idem-h", "key-4");

    await expectRapiError(retry, 502);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await upstreamTotal()).toBe(before);
  });

  it("ignores a key on reads", async () => {
    await gatewayFetch("/2/info", { as: "operator", headers: { "Idempotency-Key": "read-key" } });
    await gatewayFetch("/2/info", { as: "operator", headers: { "Idempotency-Key": "read-key" } });
    expect((await upstreamRequests("GET", "/2/info")).length).toBe(2);
  });
});
