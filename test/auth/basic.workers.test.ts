import { describe, expect, it } from "vitest";
import { decodeBase64Leniently, parseAuthorization } from "../../src/auth/basic";

const basic = (text: string) => `Basic ${btoa(text)}`;

describe("parseAuthorization", () => {
  it("reports a missing header as absent", () => {
    expect(parseAuthorization(null)).toEqual({ kind: "absent" });
  });

  it("splits user and password at the first colon", () => {
    expect(parseAuthorization(basic("jack:pa:ss:word"))).toEqual({ kind: "basic", username: "jack", password: "pa:ss:word" });
  });

  it("keeps spaces inside the password", () => {
    expect(parseAuthorization(basic("jack: secret with spaces "))).toEqual({ kind: "basic", username: "jack", password: " secret with spaces " });
  });

  it("accepts an empty password", () => {
    expect(parseAuthorization(basic("jack:"))).toEqual({ kind: "basic", username: "jack", password: "" });
  });

  it.each(["basic", "BASIC", "bAsIc"])("accepts the scheme word %s", (scheme) => {
    expect(parseAuthorization(`${scheme} ${btoa("a:b")}`)).toMatchObject({ kind: "basic", username: "a" });
  });

  it("tolerates surrounding and repeated whitespace", () => {
    expect(parseAuthorization(`  Basic   ${btoa("a:b")}  `)).toMatchObject({ kind: "basic", username: "a", password: "b" });
  });

  it("decodes only the first token after the scheme", () => {
    expect(parseAuthorization(`Basic ${btoa("a:b")} ${btoa("c:d")}`)).toMatchObject({ kind: "basic", username: "a", password: "b" });
  });

  it.each(["Basic", "Basic ", "  basic  "])("reports %j as Basic without credentials", (value) => {
    expect(parseAuthorization(value)).toEqual({ kind: "basic-without-credentials" });
  });

  it.each(["", "   "])("reports the empty value %j as invalid", (value) => {
    expect(parseAuthorization(value)).toEqual({ kind: "invalid", reason: "empty" });
  });

  it.each(["Bearer abc.def.ghi", "Digest username=x", "Negotiate abc", "Basicx YTpi"])("reports %j as an unsupported scheme", (value) => {
    expect(parseAuthorization(value)).toEqual({ kind: "invalid", reason: "unsupported-scheme" });
  });

  it("reports credentials without a colon", () => {
    expect(parseAuthorization(basic("jack"))).toEqual({ kind: "invalid", reason: "no-colon" });
  });

  it.each([
    ["one data character too many", "YWJjZ"],
    ["missing padding", "YWI"],
    ["non-ASCII encoded text", "Basic w6k6dw=="],
  ])("reports %s as undecodable", (_name, value) => {
    const header = value.startsWith("Basic") ? value : `Basic ${value}`;
    expect(parseAuthorization(header)).toEqual({ kind: "invalid", reason: "undecodable" });
  });

  it("reports non-ASCII characters in the header as undecodable", () => {
    expect(parseAuthorization("Basic YTpi\u00e9")).toEqual({ kind: "invalid", reason: "undecodable" });
  });
});

describe("decodeBase64Leniently", () => {
  it("skips characters outside the base64 alphabet, as Python does", () => {
    expect(decodeBase64Leniently("YW*Jj!OmRl.Zg==")).toBe("abc:def");
  });

  it("ignores data after complete padding", () => {
    expect(decodeBase64Leniently("YTpi==junk")).toBe("a:b");
  });

  it("rejects data that is one character past a quantum", () => {
    expect(decodeBase64Leniently("YTpiY")).toBeUndefined();
  });

  it("rejects a two-character tail with a single pad", () => {
    expect(decodeBase64Leniently("YTpiYw=")).toBeUndefined();
  });

  it("decodes a control character, which is ASCII", () => {
    expect(decodeBase64Leniently(btoa("a:\u0001"))).toBe("a:\u0001");
  });
});
