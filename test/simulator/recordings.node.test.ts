// Pins the simulator to responses recorded from a real ganeti-rapi 3.0.2.
// The recordings are read from ../shared/ganeti/responses; check.sh there shows each request.

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { RAPI_RESOURCES } from "./resources.ts";
import { type Simulator, startSimulator } from "./server.ts";
import {
  ADMIN,
  type ParsedReply,
  READER,
  type RequestOptions,
  TEST_USERS_FILE,
  request,
  requestJson,
  waitForFinalJob,
} from "./test-client.ts";

const SHARED = new URL("../../../shared/", import.meta.url);
const RESPONSES = new URL("ganeti/responses/", SHARED);

interface Recording {
  readonly statusLine: string;
  readonly headerNames: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function readRecording(name: string): Recording {
  const head = readFileSync(new URL(`${name}.hdr`, RESPONSES), "utf8").trimEnd();
  const [statusLine = "", ...lines] = head.split(/\r?\n/);
  const headers: Record<string, string> = {};
  const headerNames: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    headerNames.push(line.slice(0, colon));
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusLine, headerNames, headers, body: readFileSync(new URL(`${name}.body`, RESPONSES), "utf8") };
}

function recordedJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.body`, RESPONSES), "utf8"));
}

// Opcode dicts list every opcode parameter with its default in the daemon;
// the simulator lists only the parameters it was given.
const OPAQUE_PATHS = new Set(["$.ops[0]", "$[0].ops[0]"]);

/** Asserts that two JSON values have the same keys (in order) and value types, recursively. */
function expectSameShape(actual: unknown, recorded: unknown, path = "$"): void {
  if (OPAQUE_PATHS.has(path)) {
    expect(typeof actual, path).toBe(typeof recorded);
    return;
  }
  if (recorded === null) {
    expect(actual, path).toBeNull();
    return;
  }
  if (Array.isArray(recorded)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    const actualList = actual as unknown[];
    if (recorded.length > 0 && actualList.length > 0) {
      expectSameShape(actualList[0], recorded[0], `${path}[0]`);
    }
    return;
  }
  if (typeof recorded === "object") {
    expect(actual, path).toBeTypeOf("object");
    expect(actual, path).not.toBeNull();
    expect(Array.isArray(actual), `${path} is an array`).toBe(false);
    const actualObject = actual as Record<string, unknown>;
    expect(Object.keys(actualObject), `${path} keys`).toEqual(Object.keys(recorded));
    for (const [key, value] of Object.entries(recorded)) {
      expectSameShape(actualObject[key], value, `${path}.${key}`);
    }
    return;
  }
  expect(typeof actual, path).toBe(typeof recorded);
}

function expectMatchesRecording(reply: ParsedReply, recording: Recording): void {
  expect(reply.statusLine).toBe(recording.statusLine);
  expect(reply.headerList.map(([name]) => name)).toEqual(recording.headerNames);
  expect(reply.headers["content-type"]).toBe(recording.headers["content-type"]);
  expect(reply.headers["www-authenticate"]).toBe(recording.headers["www-authenticate"]);
  expect(reply.headers["connection"]).toBe("close");
  expect(reply.headers["server"]).toBe(recording.headers["server"]);
  expect(reply.headers["content-length"]).toBe(recording.headers["content-length"]);
  expect(reply.body).toBe(recording.body);
}

const INSTANCE_BODY = {
  __version__: 1,
  mode: "create",
  name: "inst1.ganeti.test",
  disk_template: "diskless",
  disks: [],
  nics: [{}],
  os_type: "noop",
  pnode: "vm.ganeti.test",
  name_check: false,
  ip_check: false,
  beparams: { memory: 128 },
};

describe("simulator against recorded daemon answers", () => {
  let simulator: Simulator;
  let port: number;
  let tagJob: number;

  beforeAll(async () => {
    simulator = await startSimulator({ usersFile: TEST_USERS_FILE, jobStepMs: 20 });
    port = simulator.port;
    tagJob = (await requestJson(port, { method: "PUT", path: "/2/tags?tag=foo", auth: ADMIN })) as number;
    await waitForFinalJob(port, tagJob);
  });

  afterAll(async () => {
    await simulator.close();
  });

  const errorCases: [string, () => RequestOptions][] = [
    ["err400_json", () => ({ method: "POST", path: "/2/instances", auth: ADMIN, body: "{bad" })],
    ["err400_v0", () => ({ method: "POST", path: "/2/instances", auth: ADMIN, body: "{}" })],
    ["err401_noauth", () => ({ path: "/2/info" })],
    ["err401_badpw", () => ({ path: "/2/info", auth: ["admin", "wrong"] })],
    ["err403_ro_write", () => ({ method: "PUT", path: "/2/tags?tag=nope", auth: READER })],
    ["err404_instance", () => ({ path: "/2/instances/nosuch.ganeti.test", auth: ADMIN })],
    ["err404_path", () => ({ path: "/2/nosuch", auth: ADMIN })],
    [
      "job_wait_no_ctype",
      () => ({
        path: `/2/jobs/${tagJob}/wait`,
        auth: ADMIN,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: '{"fields":["status"],"previous_job_info":null,"previous_log_serial":null}',
      }),
    ],
  ];

  it.each(errorCases)("answers %s as recorded", async (name, options) => {
    expectMatchesRecording(await request(port, options()), readRecording(name));
  });

  it.each([
    ["version", "/version"],
    ["features", "/2/features"],
    ["os", "/2/os"],
    ["tags_get", "/2/tags"],
  ])("answers %s exactly as recorded", async (name, path) => {
    expectMatchesRecording(await request(port, { path, auth: ADMIN }), readRecording(name));
  });

  it("answers tags to a read-only user as recorded", async () => {
    expectMatchesRecording(await request(port, { path: "/2/tags", auth: READER }), readRecording("ro_read"));
  });

  it.each([
    ["info", "/2/info"],
    ["nodes_bulk", "/2/nodes?bulk=1"],
  ])("answers %s in the recorded shape", async (name, path) => {
    const reply = await request(port, { path, auth: ADMIN });
    expect(reply.statusLine).toBe(readRecording(name).statusLine);
    expectSameShape(JSON.parse(reply.body), recordedJson(name));
  });

  it("reports the recorded cluster in /2/info", async () => {
    const info = (await requestJson(port, { path: "/2/info", auth: ADMIN })) as Record<string, unknown>;
    const recorded = recordedJson("info") as Record<string, unknown>;
    expect(info.name).toBe("cluster.ganeti.test");
    expect(info.master).toBe("vm.ganeti.test");
    expect(info.hvparams).toEqual(recorded.hvparams);
    expect(info.tags).toEqual(["foo"]);
  });

  it("answers a tag job as recorded in job_get", async () => {
    const reply = await request(port, { path: `/2/jobs/${tagJob}`, auth: ADMIN });
    const job = JSON.parse(reply.body) as Record<string, unknown>;
    const recorded = recordedJson("job_get") as Record<string, unknown>;
    expectSameShape(job, recorded);
    expect(job.status).toBe("success");
    expect(job.summary).toEqual(recorded.summary);
    expect(job.oplog).toEqual(recorded.oplog);
    expect(job.opresult).toEqual(recorded.opresult);
    const [op] = job.ops as Record<string, unknown>[];
    expect(op?.OP_ID).toBe("OP_TAGS_SET");
    expect(op?.tags).toEqual(["foo"]);
  });

  it("answers /wait on a finished job as recorded in job_wait", async () => {
    const reply = await request(port, {
      path: `/2/jobs/${tagJob}/wait`,
      auth: ADMIN,
      body: '{"fields":["status"],"previous_job_info":null,"previous_log_serial":null}',
    });
    expectMatchesRecording(reply, readRecording("job_wait"));
  });

  it("answers a new job id as a bare number like tag_put", async () => {
    const reply = await request(port, { method: "PUT", path: "/2/tags?tag=bar", auth: ADMIN });
    const recording = readRecording("tag_put");
    expect(reply.statusLine).toBe(recording.statusLine);
    expect(reply.body).toMatch(/^\d+\n$/);
    expect(Number(reply.body)).toBeGreaterThan(tagJob);
  });

  it("creates an instance in the recorded inst_get shape", async () => {
    const jobId = (await requestJson(port, { method: "POST", path: "/2/instances", auth: ADMIN, body: JSON.stringify(INSTANCE_BODY) })) as number;
    const job = await waitForFinalJob(port, jobId);
    const recordedJob = recordedJson("inst_create_job") as { opresult: unknown; oplog: unknown[][][] };
    expectSameShape(job, recordedJob);
    expect(job.opresult).toEqual(recordedJob.opresult);
    const messages = (oplog: unknown): unknown[] => ((oplog as unknown[][][])[0] ?? []).map((entry) => entry[3]);
    expect(messages(job.oplog)).toEqual(messages(recordedJob.oplog));

    const instance = (await requestJson(port, { path: "/2/instances/inst1.ganeti.test", auth: ADMIN })) as Record<string, unknown>;
    const recorded = recordedJson("inst_get") as Record<string, unknown>;
    expectSameShape(instance, recorded);
    for (const key of ["admin_state", "status", "beparams", "custom_beparams", "nic.links", "nic.modes", "disk_usage"]) {
      expect(instance[key], key).toEqual(recorded[key]);
    }
  });

  it("shuts an instance down and starts it again as recorded", async () => {
    const shutdown = (await requestJson(port, { method: "PUT", path: "/2/instances/inst1.ganeti.test/shutdown", auth: ADMIN })) as number;
    expect((await waitForFinalJob(port, shutdown)).status).toBe("success");
    const down = (await requestJson(port, { path: "/2/instances/inst1.ganeti.test", auth: ADMIN })) as Record<string, unknown>;
    const recordedDown = recordedJson("inst_get_down") as Record<string, unknown>;
    expectSameShape(down, recordedDown);
    for (const key of ["admin_state", "status", "oper_state", "oper_ram", "oper_vcpus"]) {
      expect(down[key], key).toEqual(recordedDown[key]);
    }

    const startup = (await requestJson(port, { method: "PUT", path: "/2/instances/inst1.ganeti.test/startup", auth: ADMIN })) as number;
    expect((await waitForFinalJob(port, startup)).status).toBe("success");
    const up = (await requestJson(port, { path: "/2/instances/inst1.ganeti.test", auth: ADMIN })) as Record<string, unknown>;
    expect(up.status).toBe((recordedJson("inst_get_up") as Record<string, unknown>).status);
    expect(up.serial_no).toBe((down.serial_no as number) + 1);
  });

  it("fails a startup of an unknown instance as recorded in job_failed", async () => {
    const jobId = (await requestJson(port, { method: "PUT", path: "/2/instances/nosuch.ganeti.test/startup", auth: ADMIN })) as number;
    const job = await waitForFinalJob(port, jobId);
    const recorded = recordedJson("job_failed") as Record<string, unknown>;
    expectSameShape(job, recorded);
    for (const key of ["status", "summary", "opstatus", "oplog", "opresult"]) {
      expect(job[key], key).toEqual(recorded[key]);
    }
  });

  it("fails a duplicate instance creation as recorded in job_dup", async () => {
    const { beparams: _beparams, ...duplicate } = INSTANCE_BODY;
    const jobId = (await requestJson(port, { method: "POST", path: "/2/instances", auth: ADMIN, body: JSON.stringify(duplicate) })) as number;
    const job = await waitForFinalJob(port, jobId);
    const recorded = recordedJson("job_dup") as Record<string, unknown>;
    for (const key of ["status", "summary", "opstatus", "opresult"]) {
      expect(job[key], key).toEqual(recorded[key]);
    }
  });
});

describe("resource table", () => {
  it("matches the project's resource list", () => {
    const listed = JSON.parse(readFileSync(new URL("rapi/resources.json", SHARED), "utf8")) as {
      resources: { path: string; methods: Record<string, string> }[];
    };
    const expected = listed.resources.map((entry) => [entry.path.replace(/\{(\w+)\}/g, "[$1]"), entry.methods]);
    const actual = RAPI_RESOURCES.map((entry) => [entry.pattern, entry.methods]);
    expect(actual).toEqual(expected);
  });
});
