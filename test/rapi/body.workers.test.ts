import { describe, expect, it } from "vitest";
import { escapeNonAscii, isJsonContentType, normaliseBody } from "../../src/rapi/body";
import { RapiError } from "../../src/rapi/errors";
import { matchRoute } from "../../src/rapi/route";

const bytes = (text: string) => new TextEncoder().encode(text);
const roleRoute = matchRoute("/2/nodes/node1/role", "PUT");
const createRoute = matchRoute("/2/instances", "POST");

function statusOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof RapiError) {
      return error.status;
    }
    throw error;
  }
  return undefined;
}

describe("isJsonContentType", () => {
  it.each(["application/json", "APPLICATION/JSON", "application/json; charset=utf-8", "Application/Json;Charset=UTF-8", 'application/json; charset="utf-8"', "application/json;charset=us-ascii", "application/json; profile=x"])(
    "accepts %j",
    (value) => {
      expect(isJsonContentType(value)).toBe(true);
    },
  );

  it.each([null, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json-patch+json", "application/json; charset=latin1", "text/json"])(
    "rejects %j",
    (value) => {
      expect(isJsonContentType(value)).toBe(false);
    },
  );
});

describe("normaliseBody", () => {
  it("passes an empty body with any Content-Type", () => {
    expect(normaliseBody(createRoute, "text/plain", bytes(""))).toEqual({ kind: "none" });
    expect(normaliseBody(createRoute, null, bytes(""))).toEqual({ kind: "none" });
  });

  it("keeps a JSON body byte for byte", () => {
    const text = '{"__version__": 1,  "name": "web1", "big": 12345678901234567890}';
    expect(normaliseBody(createRoute, "application/json; charset=utf-8", bytes(text))).toMatchObject({ kind: "json", text });
  });

  it.each([null, "text/plain", "application/x-www-form-urlencoded"])("answers 415 to a body with Content-Type %j", (contentType) => {
    expect(statusOf(() => normaliseBody(createRoute, contentType, bytes("{}")))).toBe(415);
  });

  it.each(["{bad", "{'single': 1}", " ", "NaN", "\ufeff{}", "[1,]"])("answers 400 to the invalid JSON %j", (text) => {
    expect(statusOf(() => normaliseBody(createRoute, "application/json", bytes(text)))).toBe(400);
  });

  it("answers 400 to a body that is not UTF-8", () => {
    expect(statusOf(() => normaliseBody(createRoute, "application/json", new Uint8Array([0x22, 0xff, 0xfe, 0x22])))).toBe(400);
  });

  it.each([['"drained"', "drained"], ['["drained"]', "drained"], ["drained", "drained"], [" master-candidate\n", "master-candidate"], ['"offline"', "offline"]])(
    "forwards the node role %j as a JSON string",
    (text, role) => {
      expect(normaliseBody(roleRoute, "application/json", bytes(text))).toMatchObject({ kind: "json", text: JSON.stringify(role), value: role });
    },
  );

  it.each(["drainedx", '["a", "b"]', "[]", "{}", "42", "[1]", "two words"])("answers 400 to the node role body %j", (text) => {
    expect(statusOf(() => normaliseBody(roleRoute, "application/json", bytes(text)))).toBe(400);
  });

  it("does not accept an unquoted word outside the node role resource", () => {
    expect(statusOf(() => normaliseBody(createRoute, "application/json", bytes("drained")))).toBe(400);
  });
});

describe("escapeNonAscii", () => {
  it("escapes non-ASCII characters so the JSON value stays the same", () => {
    const text = '{"name": "café ☃ 😀", "n": 1}';
    const escaped = escapeNonAscii(text);
    expect(escaped).toMatch(/^[\x00-\x7f]*$/);
    expect(JSON.parse(escaped)).toEqual(JSON.parse(text));
    expect(escaped).toContain("\\u00e9");
    expect(escaped).toContain("\\ud83d\\ude00");
  });

  it("leaves ASCII text untouched", () => {
    const text = '{"a": "b\\u00e9", "c": [1, 2.5e3]}';
    expect(escapeNonAscii(text)).toBe(text);
  });

  it("is applied to a forwarded body", () => {
    const result = normaliseBody(createRoute, "application/json", bytes('{"comment": "naïve"}'));
    expect(result).toMatchObject({ kind: "json", text: '{"comment": "na\\u00efve"}' });
  });
});

describe("node role bodies of the wrong type", () => {
  it.each([
    ["123", "int"],
    ["1.5", "float"],
    ["true", "bool"],
    ["null", "NoneType"],
    ["{}", "dict"],
    ['["a", "b"]', "list"],
  ])("answers %s with the daemon's message for a %s", (text, typeName) => {
    try {
      normaliseBody(roleRoute, "application/json", bytes(text));
      expect.unreachable("the body was accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(RapiError);
      expect((error as RapiError).status).toBe(400);
      expect((error as RapiError).message).toBe(`Body contents: Type is '${typeName}', but 'str' is expected`);
    }
  });
});
