// Jobs, their cancellation and /2/jobs/[job_id]/wait.

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type Simulator, startSimulator } from "./server.ts";
import { ADMIN, TEST_USERS_FILE, request, requestJson, waitForFinalJob } from "./test-client.ts";

const STEP_MS = 40;
const WAIT_TIMEOUT_MS = 400;

describe("jobs", () => {
  let simulator: Simulator;
  let port: number;

  beforeAll(async () => {
    simulator = await startSimulator({ usersFile: TEST_USERS_FILE, jobStepMs: STEP_MS, waitTimeoutMs: WAIT_TIMEOUT_MS });
    port = simulator.port;
  });

  afterAll(async () => {
    await simulator.close();
  });

  async function getJob(id: number): Promise<Record<string, unknown>> {
    return (await requestJson(port, { path: `/2/jobs/${id}`, auth: ADMIN })) as Record<string, unknown>;
  }

  async function wait(id: number, body: unknown): Promise<{ status: number; value: unknown; elapsedMs: number }> {
    const started = Date.now();
    const reply = await request(port, { path: `/2/jobs/${id}/wait`, auth: ADMIN, body: JSON.stringify(body) });
    return { status: reply.status, value: JSON.parse(reply.body), elapsedMs: Date.now() - started };
  }

  it("moves a job from queued through running to success with log entries", async () => {
    const id = simulator.createJob({ steps: 3 });
    const seen = new Set<string>();
    let job = await getJob(id);
    expect(job.status).toBe("queued");
    expect(job.start_ts).toBeNull();
    while (!["success", "error"].includes(String(job.status))) {
      seen.add(String(job.status));
      await new Promise((resolve) => setTimeout(resolve, STEP_MS / 4));
      job = await getJob(id);
    }
    expect([...seen]).toEqual(["queued", "running"]);
    expect(job.status).toBe("success");
    expect(job.opstatus).toEqual(["success"]);
    expect(job.end_ts).not.toBeNull();

    const [log] = job.oplog as unknown[][][];
    expect(log?.map((entry) => entry[0])).toEqual([1, 2, 3]);
    expect(log?.map((entry) => entry[2])).toEqual(["message", "message", "message"]);
    expect(log?.map((entry) => entry[3])).toEqual(["step 1 of 3", "step 2 of 3", "step 3 of 3"]);
    const [seconds, micros] = (log?.[0]?.[1] ?? []) as number[];
    expect(Number.isInteger(seconds)).toBe(true);
    expect(Number.isInteger(micros)).toBe(true);
    expect(micros).toBeLessThan(1_000_000);
  });

  it("ends a test job in error when asked", async () => {
    const job = await waitForFinalJob(port, simulator.createJob({ steps: 1, final: "error" }));
    expect(job.status).toBe("error");
    expect(job.opresult).toEqual([["OpExecError", ["Simulated failure"]]]);
  });

  it("creates test jobs through the control endpoint", async () => {
    const reply = await request(port, { method: "POST", path: "/__simulator/jobs", body: '{"steps": 1, "final": "success", "stepMs": 10}' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatch(/^\d+\n$/);
    expect((await waitForFinalJob(port, Number(reply.body))).status).toBe("success");
  });

  it("answers an unknown job with every field null", async () => {
    const job = await getJob(9999);
    expect(Object.keys(job)).toEqual(["id", "ops", "status", "summary", "opstatus", "received_ts", "start_ts", "end_ts", "oplog", "opresult"]);
    expect(Object.values(job).every((value) => value === null)).toBe(true);
  });

  it("counts job ids up as bare JSON integers", async () => {
    const first = await request(port, { method: "PUT", path: "/2/tags?tag=a1", auth: ADMIN });
    const second = await request(port, { method: "PUT", path: "/2/tags?tag=a2", auth: ADMIN });
    expect(first.body).toMatch(/^\d+\n$/);
    expect(Number(second.body)).toBe(Number(first.body) + 1);
  });

  it("lists jobs in id order, and in bulk", async () => {
    const list = (await requestJson(port, { path: "/2/jobs", auth: ADMIN })) as { id: number; uri: string }[];
    const ids = list.map((entry) => entry.id);
    expect(ids).toEqual([...ids].sort((left, right) => left - right));
    expect(list[0]).toEqual({ id: ids[0], uri: `/2/jobs/${ids[0]}` });

    const bulk = (await requestJson(port, { path: "/2/jobs?bulk=1", auth: ADMIN })) as Record<string, unknown>[];
    expect(Object.keys(bulk[0] ?? {})).toEqual(["id", "ops", "status", "summary", "opstatus", "received_ts", "start_ts", "end_ts"]);
  });

  it("cancels a queued job", async () => {
    const id = simulator.createJob({ steps: 2, stepMs: 200 });
    const answer = await requestJson(port, { method: "DELETE", path: `/2/jobs/${id}`, auth: ADMIN });
    expect(answer).toEqual([true, "Job successfully cancelled"]);
    const job = await getJob(id);
    expect(job.status).toBe("canceled");
    expect(job.opstatus).toEqual(["canceled"]);
  });

  it("only informs a running job of a cancel request", async () => {
    const id = simulator.createJob({ steps: 5 });
    await new Promise((resolve) => setTimeout(resolve, STEP_MS * 2));
    expect((await getJob(id)).status).toBe("running");
    const answer = await requestJson(port, { method: "DELETE", path: `/2/jobs/${id}`, auth: ADMIN });
    expect(answer).toEqual([false, "Job no longer waiting, can't cancel (informed it anyway)"]);
    expect((await waitForFinalJob(port, id)).status).toBe("success");
  });

  it("cancel of finished and unknown jobs", async () => {
    const id = simulator.createJob({ steps: 0 });
    await waitForFinalJob(port, id);
    expect(await requestJson(port, { method: "DELETE", path: `/2/jobs/${id}`, auth: ADMIN })).toEqual([true, `Job ${id} has been already dead`]);
    const unknown = await request(port, { method: "DELETE", path: "/2/jobs/9999", auth: ADMIN });
    expect(unknown.status).toBe(500);
    expect(JSON.parse(unknown.body).message).toBe("Can&#x27;t load job file");
  });

  it("answers /wait at once when previous_job_info is null", async () => {
    const id = simulator.createJob({ steps: 3 });
    const answer = await wait(id, { fields: ["status", "id"], previous_job_info: null, previous_log_serial: null });
    expect(answer.status).toBe(200);
    expect(answer.value).toEqual({ job_info: ["queued", id], log_entries: [] });
  });

  it("holds /wait until the requested fields change", async () => {
    const id = simulator.createJob({ steps: 3, stepMs: 150 });
    const answer = await wait(id, { fields: ["status"], previous_job_info: ["queued"], previous_log_serial: null });
    expect(answer.value).toEqual({ job_info: ["running"], log_entries: [] });
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(100);
    expect(answer.elapsedMs).toBeLessThan(WAIT_TIMEOUT_MS);
  });

  it("returns new log entries above previous_log_serial", async () => {
    const id = simulator.createJob({ steps: 3 });
    await waitForFinalJob(port, id);
    const all = await wait(id, { fields: ["status"], previous_job_info: ["success"], previous_log_serial: null });
    expect((all.value as { log_entries: unknown[][] }).log_entries.map((entry) => entry[0])).toEqual([1, 2, 3]);
    const newer = await wait(id, { fields: ["status"], previous_job_info: ["success"], previous_log_serial: 1 });
    expect((newer.value as { log_entries: unknown[][] }).log_entries.map((entry) => entry[0])).toEqual([2, 3]);
  });

  it("wakes /wait for a new log entry while the status stays running", async () => {
    const id = simulator.createJob({ steps: 4, stepMs: 100 });
    let serial: number | null = null;
    let info: unknown = null;
    const serials: number[] = [];
    for (let round = 0; round < 20 && serials.length < 4; round += 1) {
      const answer = (await wait(id, { fields: ["status"], previous_job_info: info, previous_log_serial: serial })).value as {
        job_info: unknown[];
        log_entries: [number][];
      };
      info = answer.job_info;
      for (const entry of answer.log_entries) {
        serials.push(entry[0]);
        serial = entry[0];
      }
    }
    expect(serials).toEqual([1, 2, 3, 4]);
  });

  it("answers the unchanged state with no log entries at the wait limit", async () => {
    const id = simulator.createJob({ steps: 2, stepMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const answer = await wait(id, { fields: ["status"], previous_job_info: ["queued"], previous_log_serial: null });
    expect(answer.status).toBe(200);
    expect(answer.value).toEqual({ job_info: ["queued"], log_entries: [] });
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(WAIT_TIMEOUT_MS - 20);
    expect(answer.elapsedMs).toBeLessThan(WAIT_TIMEOUT_MS + 1000);
  });

  it("answers /wait on a finished job at once even when nothing changed", async () => {
    const id = simulator.createJob({ steps: 0 });
    await waitForFinalJob(port, id);
    const answer = await wait(id, { fields: ["status"], previous_job_info: ["success"], previous_log_serial: 0 });
    expect(answer.value).toEqual({ job_info: ["success"], log_entries: [] });
    expect(answer.elapsedMs).toBeLessThan(WAIT_TIMEOUT_MS / 2);
  });

  it("answers nulls for a wait on an unknown field", async () => {
    const id = simulator.createJob({ steps: 0 });
    await waitForFinalJob(port, id);
    const answer = await wait(id, { fields: ["status", "no_such_field"], previous_job_info: null, previous_log_serial: null });
    expect(answer.value).toEqual({ job_info: [null, null], log_entries: [] });
  });

  it.each([
    [{ fields: "status" }, 400, "The &#x27;fields&#x27; parameter should be a list"],
    [{ fields: ["status"], previous_job_info: "x" }, 400, "The &#x27;previous_job_info&#x27; parameter should be a list"],
    [{ fields: ["status"], previous_log_serial: "1" }, 400, "The &#x27;previous_log_serial&#x27; parameter should be a number"],
    [{ fields: ["status"], previous_log_serial: 1.0 }, 400, "The &#x27;previous_log_serial&#x27; parameter should be a number"],
    [{}, 400, "Required parameter &#x27;fields&#x27; is missing"],
    [["status"], 500, "list indices must be integers or slices, not str"],
  ])("rejects the wait body %j with the daemon's message", async (body, status, message) => {
    const id = simulator.createJob({ steps: 0 });
    // JSON.stringify writes 1.0 as 1, so the float case is sent as written.
    const text = JSON.stringify(body).replace('"previous_log_serial":1}', '"previous_log_serial":1.0}');
    const reply = await request(port, { path: `/2/jobs/${id}/wait`, auth: ADMIN, body: text });
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.body).message).toBe(message);
  });

  it("rejects a wait without a body as the daemon does", async () => {
    const id = simulator.createJob({ steps: 0 });
    const reply = await request(port, { path: `/2/jobs/${id}/wait`, auth: ADMIN });
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body).message).toBe("&#x27;NoneType&#x27; object is not subscriptable");
  });

  it("answers a wait on an unknown job with 500", async () => {
    const reply = await request(port, { path: "/2/jobs/9999/wait", auth: ADMIN, body: '{"fields": ["status"]}' });
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({ code: 500, message: "Can&#x27;t load job file", explain: "Server got itself in trouble" });
  });
});

describe("jobs changing the cluster", () => {
  let simulator: Simulator;
  let port: number;

  beforeAll(async () => {
    simulator = await startSimulator({ usersFile: TEST_USERS_FILE, jobStepMs: 10 });
    port = simulator.port;
  });

  afterAll(async () => {
    await simulator.close();
  });

  async function runJob(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const id = (await requestJson(port, { method, path, auth: ADMIN, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })) as number;
    return waitForFinalJob(port, id);
  }

  it("applies tag changes only when the job succeeds", async () => {
    const id = (await requestJson(port, { method: "PUT", path: "/2/tags?tag=x&tag=y", auth: ADMIN })) as number;
    expect(await requestJson(port, { path: "/2/tags", auth: ADMIN })).toEqual([]);
    await waitForFinalJob(port, id);
    expect(await requestJson(port, { path: "/2/tags", auth: ADMIN })).toEqual(["x", "y"]);

    expect((await runJob("DELETE", "/2/tags?tag=x")).status).toBe("success");
    expect(await requestJson(port, { path: "/2/tags", auth: ADMIN })).toEqual(["y"]);
    const missing = await runJob("DELETE", "/2/tags?tag=nope");
    expect(missing.opresult).toEqual([["OpPrereqError", ["Tag(s) 'nope' not found", "unknown_entity"]]]);
    const invalid = await runJob("PUT", "/2/tags?tag=bad%20tag");
    expect(invalid.opresult).toEqual([["TagError", ["Tag contains invalid characters"]]]);
  });

  it("tags nodes and groups by name", async () => {
    expect((await runJob("PUT", "/2/nodes/vm.ganeti.test/tags?tag=rack1")).status).toBe("success");
    expect(await requestJson(port, { path: "/2/nodes/vm.ganeti.test/tags", auth: ADMIN })).toEqual(["rack1"]);
    expect((await runJob("PUT", "/2/groups/default/tags?tag=g1")).status).toBe("success");
    expect(await requestJson(port, { path: "/2/groups/default/tags", auth: ADMIN })).toEqual(["g1"]);
  });

  it("fails jobs on unknown instances with the recorded error", async () => {
    for (const [method, path] of [
      ["PUT", "/2/instances/ghost/startup"],
      ["DELETE", "/2/instances/ghost"],
      ["PUT", "/2/instances/ghost/tags?tag=a"],
      ["POST", "/2/instances/ghost/reboot"],
    ] as const) {
      const job = await runJob(method, path);
      expect(job.opresult, `${method} ${path}`).toEqual([["OpPrereqError", ["Instance 'ghost' not known", "unknown_entity"]]]);
    }
    const info = await runJob("GET", "/2/instances/ghost/info");
    expect(info.status).toBe("error");
  });

  it("answers instance tags of an unknown instance with an escaped 500", async () => {
    const reply = await request(port, { path: "/2/instances/ghost/tags", auth: ADMIN });
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body).message).toBe("(&#x27;Instance name ghost not found&#x27;, &#x27;unknown_entity&#x27;)");
  });

  it("creates, finds by short name, and deletes an instance", async () => {
    const created = await runJob("POST", "/2/instances", { __version__: 1, mode: "create", name: "inst3", disk_template: "diskless", disks: [], nics: [{}], os_type: "noop" });
    expect(created.status).toBe("success");
    const list = await requestJson(port, { path: "/2/instances", auth: ADMIN });
    expect(list).toEqual([{ id: "inst3.ganeti.test", uri: "/2/instances/inst3.ganeti.test" }]);
    const byShortName = (await requestJson(port, { path: "/2/instances/inst3", auth: ADMIN })) as Record<string, unknown>;
    expect(byShortName.name).toBe("inst3.ganeti.test");

    expect((await runJob("DELETE", "/2/instances/inst3.ganeti.test")).status).toBe("success");
    expect((await request(port, { path: "/2/instances/inst3.ganeti.test", auth: ADMIN })).status).toBe(404);
  });

  it.each([
    [{ __version__: 2 }, "Unsupported request data version 2"],
    [{ __version__: false }, "Instance creation request version 0 is no longer supported"],
    [{ __version__: 1 }, 'Invalid body parameters: (&quot;Parameter &#x27;OP_INSTANCE_CREATE.instance_name&#x27; fails validation&quot;, &#x27;wrong_input&#x27;)'],
    [{ __version__: 1, name: "a", instance_name: "b" }, "Parameter &#x27;name&#x27; was renamed to &#x27;instance_name&#x27;, but both are specified"],
    [{ __version__: 1, name: "a", disks: [], mode: "create", nics: [], reason: [] }, "Can&#x27;t overwrite static parameters {&#x27;reason&#x27;}"],
  ])("rejects the creation body %j", async (body, message) => {
    const reply = await request(port, { method: "POST", path: "/2/instances", auth: ADMIN, body: JSON.stringify(body) });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).message).toBe(message);
  });

  it("sets and validates node roles like rlib2", async () => {
    expect(await requestJson(port, { path: "/2/nodes/vm.ganeti.test/role", auth: ADMIN })).toBe("master");
    const bad = await request(port, { method: "PUT", path: "/2/nodes/vm.ganeti.test/role", auth: ADMIN, body: '"boss"' });
    expect(JSON.parse(bad.body).message).toBe("Can&#x27;t set &#x27;boss&#x27; role");
    const wrongType = await request(port, { method: "PUT", path: "/2/nodes/vm.ganeti.test/role", auth: ADMIN, body: '["drained"]' });
    expect(JSON.parse(wrongType.body).message).toBe("Body contents: Type is &#x27;list&#x27;, but &#x27;str&#x27; is expected");
    const job = await runJob("PUT", "/2/nodes/vm.ganeti.test/role", "drained");
    expect(job.opresult).toEqual([["OpPrereqError", ["The master role can be changed only via master-failover", "wrong_input"]]]);
  });

  it("adds, renames and removes groups and networks", async () => {
    expect((await runJob("POST", "/2/groups", { name: "rack2" })).status).toBe("success");
    expect((await runJob("PUT", "/2/groups/rack2/rename", { new_name: "rack3" })).status).toBe("success");
    expect(((await requestJson(port, { path: "/2/groups", auth: ADMIN })) as { name: string }[]).map((group) => group.name)).toEqual(["default", "rack3"]);
    expect((await runJob("DELETE", "/2/groups/rack3")).status).toBe("success");
    expect((await request(port, { path: "/2/groups/rack3", auth: ADMIN })).status).toBe(404);

    expect((await runJob("POST", "/2/networks", { name: "net1", network: "10.1.0.0/24", gateway: "10.1.0.1" })).status).toBe("success");
    const network = (await requestJson(port, { path: "/2/networks/net1", auth: ADMIN })) as Record<string, unknown>;
    expect(network.free_count).toBe(253);
    expect((await runJob("DELETE", "/2/networks/net1")).status).toBe("success");
    expect((await requestJson(port, { path: "/2/networks", auth: ADMIN }))).toEqual([]);
  });

  it("answers queries with fields and a name filter", async () => {
    const result = (await requestJson(port, {
      method: "PUT",
      path: "/2/query/node",
      auth: ADMIN,
      body: JSON.stringify({ fields: ["name", "role", "bogus"], qfilter: ["==", "name", "vm.ganeti.test"] }),
    })) as { fields: { name: string; kind: string }[]; data: unknown[][] };
    expect(result.fields.map((field) => [field.name, field.kind])).toEqual([["name", "text"], ["role", "text"], ["bogus", "unknown"]]);
    expect(result.data).toEqual([[[0, "vm.ganeti.test"], [0, "M"], [1, null]]]);

    const none = (await requestJson(port, { method: "PUT", path: "/2/query/node", auth: ADMIN, body: '{"fields": ["name"], "filter": ["==", "name", "x"]}' })) as { data: unknown[] };
    expect(none.data).toEqual([]);

    const jobs = (await requestJson(port, { method: "PUT", path: "/2/query/job", auth: ADMIN, body: '{"fields": ["id", "status"], "qfilter": ["==", "id", 1]}' })) as { data: unknown[][] };
    expect(jobs.data).toEqual([[[0, 1], [0, "success"]]]);

    const missing = await request(port, { path: "/2/query/node", auth: ADMIN });
    expect(JSON.parse(missing.body).message).toBe("Missing &#x27;fields&#x27; query argument");
  });

  it("answers every resource and method without crashing", async () => {
    const { RAPI_RESOURCES } = await import("./resources.ts");
    for (const resource of RAPI_RESOURCES) {
      const path = resource.pattern
        .replace("[node]", "vm.ganeti.test")
        .replace("[instance]", "ghost")
        .replace("[group]", "default")
        .replace("[network]", "nonet")
        .replace("[job_id]", "1")
        .replace("[disk]", "0")
        .replace("[uuid]", "00000000-0000-0000-0000-000000000000")
        .replace("[resource]", "node");
      for (const method of Object.keys(resource.methods)) {
        const reply = await request(port, { method, path: `${path}?fields=name`, auth: ADMIN, body: method === "GET" && !path.endsWith("/wait") ? undefined : "{}" });
        expect([200, 400, 404, 500, 503], `${method} ${path}: ${reply.body}`).toContain(reply.status);
        expect(reply.headers["content-type"]).toBe("application/json");
        expect(() => JSON.parse(reply.body) as unknown).not.toThrow();
      }
    }
  });
});
