import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchGateway, type LaunchedGateway } from "../../src/cli/launch.ts";
import { formatReport, runFidelity, type Credentials } from "./fidelity.ts";

/**
 * Runs the fidelity corpus against a real ganeti-rapi, directly and through
 * the gateway, with the daemon's own users mirrored into the gateway's KV.
 * test/real/run.sh brings the daemon up and sets the variables below.
 */
function account(user: string, password: string): Credentials {
  const value = { user: process.env[user], password: process.env[password] };
  if (value.user === undefined || value.password === undefined) {
    throw new Error(`${user} and ${password} must be set; run this suite through test/real/run.sh`);
  }
  return { user: value.user, password: value.password };
}

const daemonUrl = process.env.RAPI_URL ?? "";
let gateway: LaunchedGateway;
let writer: Credentials;
let reader: Credentials;
let nobody: Credentials;

beforeAll(async () => {
  writer = account("RAPI_USER", "RAPI_PASSWORD");
  reader = account("RAPI_RO_USER", "RAPI_RO_PASSWORD");
  nobody = account("RAPI_NOBODY_USER", "RAPI_NOBODY_PASSWORD");
  gateway = await launchGateway({
    upstreamUrl: daemonUrl,
    usersFile: [`${writer.user} {cleartext}${writer.password} write`, `${reader.user} {cleartext}${reader.password} read`, `${nobody.user} {cleartext}${nobody.password}`].join("\n"),
    vars: {
      UPSTREAM_READ_USER: reader.user,
      UPSTREAM_READ_PASSWORD: reader.password,
      UPSTREAM_WRITE_USER: writer.user,
      UPSTREAM_WRITE_PASSWORD: writer.password,
      REQUIRE_AUTH: "true",
    },
  });
});

afterAll(async () => {
  await gateway?.close();
});

describe("fidelity against a real ganeti-rapi", () => {
  it("answers every corpus request as the daemon does, outside the intended differences", async () => {
    const report = await runFidelity({ direct: daemonUrl, gateway: gateway.url, writeUser: writer, readUser: reader, nobodyUser: nobody });
    console.log(formatReport(report));

    const unexpected = report.results.filter((result) => result.verdict === "different").map((result) => `${result.id} ${result.request}`);
    expect(unexpected).toEqual([]);
    expect(report.total).toBeGreaterThanOrEqual(80);
    expect(report.ok).toBe(true);
  });
});
