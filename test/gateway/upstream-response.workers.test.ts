import { describe, expect, it } from "vitest";
import { upstreamToResponse } from "../../src/gateway";
import { RapiError } from "../../src/rapi/errors";

function upstream(status: number, contentType: string | null = "application/json", body = '{"a": 1}') {
  return { status, contentType, body: new TextEncoder().encode(body).buffer as ArrayBuffer, elapsedMs: 1 };
}

function statusThrown(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof RapiError ? error.status : -1;
  }
  return undefined;
}

describe("upstreamToResponse", () => {
  it("keeps status, Content-Type and body", async () => {
    const response = upstreamToResponse(upstream(404, "application/json", '{"code": 404}'));
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(await response.text()).toBe('{"code": 404}');
  });

  it("adds no Content-Type the daemon did not send", () => {
    expect(upstreamToResponse(upstream(200, null)).headers.get("Content-Type")).toBeNull();
  });

  it.each([401, 403])("turns the daemon's %i for the gateway's account into 502", (status) => {
    expect(statusThrown(() => upstreamToResponse(upstream(status)))).toBe(502);
  });

  it.each([301, 302, 303, 307, 308])("turns a redirect %i into 502", (status) => {
    expect(statusThrown(() => upstreamToResponse(upstream(status)))).toBe(502);
  });

  it("sends no body with a 204", async () => {
    const response = upstreamToResponse(upstream(204));
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});
