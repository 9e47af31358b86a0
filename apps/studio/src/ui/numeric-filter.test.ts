import { SampleFilterSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { numericFilterText, parseNumericFilter } from "./numeric-filter.ts";

describe("parseNumericFilter", () => {
  it.each([
    ["> 50", { op: "gt", value: "50" }],
    [">50", { op: "gt", value: "50" }],
    [">= 1.5", { op: "gte", value: "1.5" }],
    ["< 0", { op: "lt", value: "0" }],
    ["<= -2.25", { op: "lte", value: "-2.25" }],
    ["= 3", { op: "eq", value: "3" }],
    ["== 3", { op: "eq", value: "3" }],
    [" 42 ", { op: "eq", value: "42" }],
    ["1e3", { op: "eq", value: "1e3" }],
    ["10..20", { op: "between", value: "10", to: "20" }],
    ["-5 .. -1", { op: "between", value: "-5", to: "-1" }],
    ["10..", { op: "gte", value: "10" }],
    ["..20", { op: "lte", value: "20" }],
    // Exact: the bound stays text, digit for digit.
    ["> 12345678901234567890.123456789", { op: "gt", value: "12345678901234567890.123456789" }],
    ["9007199254740993", { op: "eq", value: "9007199254740993" }],
  ])("reads %j", (text, want) => {
    const r = parseNumericFilter("amount", text);
    expect(r).toEqual({ filter: { column: "amount", ...want } });
    // What it gives is what the API accepts.
    if ("filter" in r && r.filter) expect(SampleFilterSchema.safeParse(r.filter).success).toBe(true);
  });

  it("clears on an empty box", () => {
    expect(parseNumericFilter("a", "   ")).toEqual({ filter: null });
  });

  it.each([
    ["abc", /"abc" is not a number/],
    ["> fifty", /"fifty" is not a number/],
    [">", /> what\? Add a number/],
    ["1,000", /"1,000" is not a number/],
    ["20..10", /starts after it ends/],
    ["..", /needs a start or an end/],
    ["1..x", /range's end "x" is not a number/],
    ["=> 3", /is not a number/],
  ])("refuses %j with a message", (text, message) => {
    const r = parseNumericFilter("a", text);
    expect("error" in r && r.error).toMatch(message);
  });

  it("shows a filter again as it was typed", () => {
    for (const text of ["> 50", ">= 1.5", "< 0", "<= 9", "3", "10..20"]) {
      const r = parseNumericFilter("a", text);
      if (!("filter" in r) || !r.filter) throw new Error(text);
      expect(numericFilterText(r.filter)).toBe(text);
    }
    expect(numericFilterText({ column: "a", op: "contains", value: "x" })).toBeNull();
  });
});
