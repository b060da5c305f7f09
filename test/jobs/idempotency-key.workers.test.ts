import { describe, expect, it } from "vitest";
import { fingerprintWrite, parseIdempotencyKey, writeOnceName } from "../../src/idempotency/key";
import { RapiError } from "../../src/rapi/errors";

function rejects(value: string): boolean {
  try {
    parseIdempotencyKey(value);
  } catch (error) {
    return error instanceof RapiError && error.status === 400 && error.message.startsWith("Invalid Idempotency-Key header");
  }
  return false;
}

describe("idempotency key", () => {
  it("is absent without the header", () => {
    expect(parseIdempotencyKey(null)).toBeNull();
  });

  it("takes a bare token and a quoted structured string as the same key", () => {
    expect(parseIdempotencyKey("8e03978e-40d5")).toBe("8e03978e-40d5");
    expect(parseIdempotencyKey('"8e03978e-40d5"')).toBe("8e03978e-40d5");
    expect(parseIdempotencyKey('"a \\"b\\" \\\\c"')).toBe('a "b" \\c');
  });

  it("accepts 255 printable characters and rejects 256", () => {
    expect(parseIdempotencyKey("k".repeat(255))).toHaveLength(255);
    expect(rejects("k".repeat(256))).toBe(true);
  });

  it("rejects empty, non-ASCII, control characters and broken quoting", () => {
    for (const value of ["", '""', "clé", "a\tb", '"a"b"', '"a\\x"']) {
      expect(rejects(value), JSON.stringify(value)).toBe(true);
    }
  });
});

describe("write fingerprint", () => {
  const json = (text: string) => ({ kind: "json", text, value: JSON.parse(text) as unknown }) as const;

  it("ignores JSON whitespace", async () => {
    expect(await fingerprintWrite("POST", "/2/instances", json('{"a": 1}'))).toBe(await fingerprintWrite("POST", "/2/instances", json('{"a":1}')));
  });

  it("tells method, target, query order and body apart", async () => {
    const base = await fingerprintWrite("PUT", "/2/tags?tag=a&tag=b", { kind: "none" });
    expect(await fingerprintWrite("DELETE", "/2/tags?tag=a&tag=b", { kind: "none" })).not.toBe(base);
    expect(await fingerprintWrite("PUT", "/2/tags?tag=b&tag=a", { kind: "none" })).not.toBe(base);
    expect(await fingerprintWrite("PUT", "/2/tags?tag=a&tag=b", json("{}"))).not.toBe(base);
  });

  it("names one object per user and key", () => {
    expect(writeOnceName("a", "b:c")).not.toBe(writeOnceName("a:b", "c"));
  });
});
