import { describe, expect, it } from "vitest";
import { readJobAnswer } from "../../src/jobs/job-answer";
import { fieldsOutsideJobResource, jobQueryBody, parseJobQueryAnswer } from "../../src/jobs/job-query";
import { pythonEquals } from "../../src/jobs/python-equality";
import { evaluateWait, logEntriesAfter, selectJobInfo, type JobFields } from "../../src/jobs/wait";
import { parseWaitRequest, type WaitRequest } from "../../src/jobs/wait-request";
import type { NormalisedBody } from "../../src/rapi/body";
import { RapiError } from "../../src/rapi/errors";
import { dumpPythonJson } from "../../src/rapi/python-json";

function jsonBody(value: unknown): NormalisedBody {
  return { kind: "json", text: JSON.stringify(value), value };
}

function rejection(body: NormalisedBody): { status: number; message: string } {
  try {
    parseWaitRequest(body);
  } catch (error) {
    if (error instanceof RapiError) {
      return { status: error.status, message: error.message };
    }
    throw error;
  }
  throw new Error("parseWaitRequest accepted the body");
}

function runningJob(overrides: Partial<Record<string, unknown>> = {}): JobFields {
  return {
    id: 7,
    status: "running",
    opstatus: ["running"],
    oplog: [[[1, [1796413677, 100], "message", "step 1"], [2, [1796413678, 200], "message", "step 2"]], [[3, [1796413679, 300], "message", "step 3"]]],
    ...overrides,
  };
}

function waitRequest(overrides: Partial<WaitRequest> = {}): WaitRequest {
  return { fields: ["status"], previousJobInfo: ["running"], previousLogSerial: 3, ...overrides };
}

describe("wait body", () => {
  it("reads fields, previous info and serial", () => {
    const request = parseWaitRequest(jsonBody({ fields: ["status", "opstatus"], previous_job_info: ["queued", ["queued"]], previous_log_serial: 4 }));
    expect(request).toEqual({ fields: ["status", "opstatus"], previousJobInfo: ["queued", ["queued"]], previousLogSerial: 4 });
  });

  it("defaults the optional parameters to null", () => {
    expect(parseWaitRequest(jsonBody({ fields: [] }))).toEqual({ fields: [], previousJobInfo: null, previousLogSerial: null });
  });

  it("takes true and false as serials 1 and 0, as Python's isinstance(int) does", () => {
    expect(parseWaitRequest(jsonBody({ fields: [], previous_log_serial: true })).previousLogSerial).toBe(1);
    expect(parseWaitRequest(jsonBody({ fields: [], previous_log_serial: false })).previousLogSerial).toBe(0);
  });

  const cases: [string, NormalisedBody, string][] = [
    ["an empty body", { kind: "none" }, "Required parameter 'fields' is missing"],
    ["a null body", jsonBody(null), "Required parameter 'fields' is missing"],
    ["an object without fields", jsonBody({ previous_job_info: null }), "Required parameter 'fields' is missing"],
    ["a list body", jsonBody(["status"]), "Body contents: Type is 'list', but 'dict' is expected"],
    ["a string body", jsonBody("status"), "Body contents: Type is 'str', but 'dict' is expected"],
    ["a number body", jsonBody(3), "Body contents: Type is 'int', but 'dict' is expected"],
    ["fields as a string", jsonBody({ fields: "status" }), "The 'fields' parameter should be a list"],
    ["fields as null", jsonBody({ fields: null }), "The 'fields' parameter should be a list"],
    ["a field that is not a string", jsonBody({ fields: ["status", 3] }), "The 'fields' parameter should be a list of field names"],
    ["previous_job_info as an object", jsonBody({ fields: [], previous_job_info: { status: "running" } }), "The 'previous_job_info' parameter should be a list"],
    ["previous_job_info as a string", jsonBody({ fields: [], previous_job_info: "running" }), "The 'previous_job_info' parameter should be a list"],
    ["previous_log_serial as a string", jsonBody({ fields: [], previous_log_serial: "3" }), "The 'previous_log_serial' parameter should be a number"],
    ["previous_log_serial as a fraction", jsonBody({ fields: [], previous_log_serial: 2.5 }), "The 'previous_log_serial' parameter should be a number"],
    ["previous_log_serial as a list", jsonBody({ fields: [], previous_log_serial: [3] }), "The 'previous_log_serial' parameter should be a number"],
  ];
  for (const [name, body, message] of cases) {
    it(`rejects ${name} with 400`, () => {
      expect(rejection(body)).toEqual({ status: 400, message });
    });
  }

  it("checks fields before the previous values, as rlib2 does", () => {
    expect(rejection(jsonBody({ fields: 1, previous_job_info: 1, previous_log_serial: "x" })).message).toBe("The 'fields' parameter should be a list");
    expect(rejection(jsonBody({ fields: [], previous_job_info: 1, previous_log_serial: "x" })).message).toBe("The 'previous_job_info' parameter should be a list");
  });
});

describe("wait rule", () => {
  it("keeps waiting when fields and log are unchanged", () => {
    expect(evaluateWait(runningJob(), waitRequest())).toBeUndefined();
  });

  it("answers when a requested field changed", () => {
    const answer = evaluateWait(runningJob(), waitRequest({ previousJobInfo: ["queued"] }));
    expect(answer).toEqual({ job_info: ["running"], log_entries: [] });
  });

  it("answers at once without previous_job_info", () => {
    expect(evaluateWait(runningJob(), waitRequest({ previousJobInfo: null }))?.job_info).toEqual(["running"]);
  });

  it("answers with the log entries past the previous serial", () => {
    const answer = evaluateWait(runningJob(), waitRequest({ previousLogSerial: 1 }));
    expect(answer?.log_entries.map((entry) => entry[0])).toEqual([2, 3]);
    expect(answer?.job_info).toEqual(["running"]);
  });

  it("answers with every log entry when the serial is null", () => {
    expect(evaluateWait(runningJob(), waitRequest({ previousLogSerial: null }))?.log_entries).toHaveLength(3);
  });

  it("answers a final job at once even when nothing changed", () => {
    for (const status of ["success", "error", "canceled"]) {
      const answer = evaluateWait(runningJob({ status }), waitRequest({ previousJobInfo: [status] }));
      expect(answer).toEqual({ job_info: [status], log_entries: [] });
    }
  });

  it("keeps waiting on an unchanged canceling job, as ganeti-rapi 3.0 does", () => {
    expect(evaluateWait(runningJob({ status: "canceling" }), waitRequest({ previousJobInfo: ["canceling"] }))).toBeUndefined();
  });

  it("answers when a job turns canceling", () => {
    expect(evaluateWait(runningJob({ status: "canceling" }), waitRequest({ previousJobInfo: ["running"] }))).toBeDefined();
  });

  it("keeps waiting for queued and waiting jobs", () => {
    for (const status of ["queued", "waiting"]) {
      expect(evaluateWait(runningJob({ status }), waitRequest({ previousJobInfo: [status] }))).toBeUndefined();
    }
  });

  it("compares previous_job_info as Python does", () => {
    const job = runningJob({ summary: ["TEST_DELAY"], received_ts: [1796413677, 274651], priority: 0, info: { a: 1, b: [true] } });
    const fields = ["summary", "received_ts", "priority", "info"];
    const previousJobInfo = [["TEST_DELAY"], [1796413677, 274651], false, { b: [1], a: 1 }];
    expect(evaluateWait(job, waitRequest({ fields, previousJobInfo }))).toBeUndefined();
  });

  it("gives null for a field the job lacks", () => {
    expect(selectJobInfo(runningJob(), ["status", "lock_status"])).toEqual(["running", null]);
  });
});

describe("log entries", () => {
  it("flattens oplog opcode by opcode", () => {
    expect(logEntriesAfter(runningJob().oplog, null).map((entry) => entry[3])).toEqual(["step 1", "step 2", "step 3"]);
  });

  it("skips entries without a numeric serial and a malformed oplog", () => {
    expect(logEntriesAfter([[["x", [0, 0], "message", "bad"], [5, [0, 0], "message", "good"]], "junk"], 0)).toEqual([[5, [0, 0], "message", "good"]]);
    expect(logEntriesAfter(null, null)).toEqual([]);
  });
});

describe("python equality", () => {
  it("treats booleans as 0 and 1", () => {
    expect(pythonEquals(true, 1)).toBe(true);
    expect(pythonEquals(false, 0)).toBe(true);
    expect(pythonEquals(true, 2)).toBe(false);
  });

  it("tells strings, numbers and null apart", () => {
    expect(pythonEquals("1", 1)).toBe(false);
    expect(pythonEquals(null, 0)).toBe(false);
    expect(pythonEquals(null, null)).toBe(true);
  });

  it("compares dicts by keys and lists by order", () => {
    expect(pythonEquals({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(pythonEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(pythonEquals([1, 2], [2, 1])).toBe(false);
    expect(pythonEquals([1], { 0: 1 })).toBe(false);
  });
});

describe("job query", () => {
  it("asks the query for fields outside GET /2/jobs/[id], once each", () => {
    expect(fieldsOutsideJobResource(["status", "opexec", "oplog", "priority", "opexec"])).toEqual(["opexec", "priority"]);
  });

  it("builds the query body with the id as a number", () => {
    expect(JSON.parse(jobQueryBody("12", ["priority"]))).toEqual({ fields: ["priority"], qfilter: ["==", "id", 12] });
    expect(jobQueryBody("90071992547409931", ["priority"])).toContain('["==", "id", 90071992547409931]');
  });

  it("reads normal values and nulls the rest", () => {
    const answer = { fields: [], data: [[[0, 5], [1, null], [0, null]]] };
    expect(parseJobQueryAnswer(answer, ["priority", "nosuch", "end_ts"])).toEqual(
      new Map<string, unknown>([
        ["priority", 5],
        ["nosuch", null],
        ["end_ts", null],
      ]),
    );
  });

  it("gives null for every field of a job the query did not find", () => {
    expect(parseJobQueryAnswer({ fields: [], data: [] }, ["priority"])).toEqual(new Map([["priority", null]]));
  });

  it("rejects an answer that is not a query result", () => {
    expect(parseJobQueryAnswer([1, 2], ["priority"])).toBeUndefined();
    expect(parseJobQueryAnswer({ data: [[[0, 1]]] }, ["priority", "status"])).toBeUndefined();
  });
});

describe("job answer", () => {
  const encode = (value: unknown): ArrayBuffer => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

  it("finds a job and tells whether it is final", () => {
    expect(readJobAnswer(200, encode({ id: 1, status: "running" }))).toMatchObject({ kind: "found", final: false });
    expect(readJobAnswer(200, encode({ id: 1, status: "error" }))).toMatchObject({ kind: "found", final: true });
  });

  it("takes a 404 and the all-null answer of 3.0.2 as an unknown job", () => {
    expect(readJobAnswer(404, encode({ code: 404 })).kind).toBe("unknown");
    expect(readJobAnswer(200, encode({ id: null, status: null, ops: null })).kind).toBe("unknown");
  });

  it("cannot use other statuses or bodies", () => {
    expect(readJobAnswer(500, encode({ code: 500 })).kind).toBe("unusable");
    expect(readJobAnswer(200, new TextEncoder().encode("<html>").buffer as ArrayBuffer).kind).toBe("unusable");
    expect(readJobAnswer(200, encode([1])).kind).toBe("unusable");
  });
});

describe("python json", () => {
  it("spaces and escapes as json.dumps does", () => {
    expect(dumpPythonJson({ job_info: ["success", null, 1.5], log_entries: [[1, [2, 3], "message", "café ✓"]] })).toBe(
      '{"job_info": ["success", null, 1.5], "log_entries": [[1, [2, 3], "message", "caf\\u00e9 \\u2713"]]}',
    );
    expect(dumpPythonJson(null)).toBe("null");
  });
});
