import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RAPI_RESOURCES } from "../../src/rapi/resources";
import { matchRoute } from "../../src/rapi/route";

interface SharedResource {
  path: string;
  methods: Record<string, string>;
}

const shared = JSON.parse(readFileSync(new URL("../../../shared/rapi/resources.json", import.meta.url), "utf8")) as { resources: SharedResource[] };

function samplePath(pattern: string): string {
  return pattern.replace(/\{(job_id|disk)\}/g, "42").replace(/\{[a-z_]+\}/g, "web-1.example_org");
}

describe("resource table", () => {
  it("lists the same resources as the RAPI reference", () => {
    expect(RAPI_RESOURCES.map((resource) => resource.path).sort()).toEqual(shared.resources.map((resource) => resource.path).sort());
  });

  it("gives every resource and method the reference access level", () => {
    const table = new Map(RAPI_RESOURCES.map((resource) => [resource.path, resource.methods]));
    for (const resource of shared.resources) {
      expect(table.get(resource.path), resource.path).toEqual(resource.methods);
    }
  });

  it("routes a sample path of every resource and method to it", () => {
    let pairs = 0;
    for (const resource of shared.resources) {
      for (const [method, access] of Object.entries(resource.methods)) {
        const match = matchRoute(samplePath(resource.path), method);
        expect(match.kind, `${method} ${resource.path}`).toBe("found");
        if (match.kind === "found") {
          expect(match.resource.path).toBe(resource.path);
          expect(match.access).toBe(access);
        }
        pairs += 1;
      }
    }
    expect(pairs).toBe(shared.resources.reduce((total, resource) => total + Object.keys(resource.methods).length, 0));
  });
});

describe("matchRoute", () => {
  it.each([
    ["/2/nosuch"],
    ["/2/info/"],
    ["/2/%69nfo"],
    ["/2/instances/web%2e1"],
    ["/2/instances/%2e%2e/info"],
    ["/2/instances/../info"],
    ["/2/instances/./info"],
    ["/2/instances/web 1"],
    ["/2/instances/"],
    ["/2/jobs/abc"],
    ["/2/jobs/1a/wait"],
    ["/2/instances/web1/disk/x/grow"],
    ["//2/info"],
    ["2/info"],
    [""],
  ])("does not match %j", (path) => {
    expect(matchRoute(path, "GET").kind).toBe("not-found");
  });

  it("reports a known path with a missing method", () => {
    const match = matchRoute("/2/info", "POST");
    expect(match.kind).toBe("method-not-supported");
  });

  it.each(["HEAD", "OPTIONS", "PATCH", "TRACE", "get"])("treats %s on a GET resource as unsupported", (method) => {
    expect(matchRoute("/2/info", method).kind).toBe("method-not-supported");
  });

  it("captures path parameters", () => {
    const match = matchRoute("/2/instances/web1.example.org/disk/0/grow", "POST");
    expect(match).toMatchObject({ kind: "found", params: { instance: "web1.example.org", disk: "0" }, access: "write" });
  });

  it("matches names with dots, dashes and underscores", () => {
    expect(matchRoute("/2/nodes/node-1.ganeti_test/role", "PUT")).toMatchObject({ kind: "found", access: "write" });
  });
});
