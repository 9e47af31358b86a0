import { describe, expect, it } from "vitest";
import { edgeSpaces, formatCell, formatDouble } from "./format.ts";

describe("formatDouble", () => {
  it.each([
    [3896.9999999999995, "3897"],
    [0.1 + 0.2, "0.3"],
    [1234.5, "1234.5"],
    [-0.000001, "-0.000001"],
    [1e-7, "1e-7"],
    [2 ** 53, "9007199254740992"],
    [1e21, "1e+21"],
    [123456.78901234567, "123456.789012346"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
  ])("%d -> %s", (n, want) => {
    expect(formatDouble(n)).toBe(want);
  });
});

describe("formatCell", () => {
  it("shows decimals and big integers exactly, as the API sends them", () => {
    expect(formatCell("12345678901234567890.123456789", "decimal")).toBe("12345678901234567890.123456789");
    expect(formatCell("9007199254740993", "bigint")).toBe("9007199254740993");
    expect(formatCell(9007199254740991, "bigint")).toBe("9007199254740991");
  });
  it("rounds the noise off doubles only", () => {
    expect(formatCell(3896.9999999999995, "double")).toBe("3897");
    expect(formatCell(12.5, "decimal")).toBe("12.5");
    expect(formatCell("NaN", "double")).toBe("NaN");
    expect(formatCell(null, "double")).toBe("null");
    expect(formatCell(false, "boolean")).toBe("false");
  });
});

describe("edgeSpaces", () => {
  it.each([
    ["paris", { lead: "", body: "paris", trail: "" }],
    [" paris  ", { lead: " ", body: "paris", trail: "  " }],
    ["\tla paz\n", { lead: "\t", body: "la paz", trail: "\n" }],
    ["   ", { lead: "   ", body: "", trail: "" }],
    ["", { lead: "", body: "", trail: "" }],
  ])("%j", (s, want) => {
    expect(edgeSpaces(s)).toEqual(want);
    const p = edgeSpaces(s);
    expect(p.lead + p.body + p.trail).toBe(s);
  });
});
