import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import {
  CompileError,
  checkFormula,
  FormulaCompileError,
  formulaFunctions,
  lowerFormula,
  parseFormula,
} from "../src/index.ts";
import { createIdGen } from "../src/ir/ids.ts";
import { source } from "../src/ir/rel.ts";
import { FORMULA_CASES } from "./formula-cases.ts";

const schema: DatasetSchema = [
  { name: "amount", type: "double" },
  { name: "qty", type: "integer" },
  { name: "big", type: "bigint" },
  { name: "price", type: "decimal" },
  { name: "name", type: "string" },
  { name: "active", type: "boolean" },
  { name: "day", type: "date" },
  { name: "at", type: "timestamp" },
  { name: "unit price", type: "double" },
];

const typeOf = (text: string) => {
  const r = checkFormula(text, schema);
  expect(r.errors).toEqual([]);
  return r.type;
};

const errorsOf = (text: string) => {
  const r = checkFormula(text, schema);
  expect(r.type).toBeNull();
  return r.errors.map((e) => ({ code: e.code, message: e.message, text: text.slice(e.start, e.end) }));
};
const firstError = (text: string) => errorsOf(text)[0]!;

describe("formula type checker", () => {
  it("gives Spark's result types with numeric widening", () => {
    expect(typeOf("qty + 1")).toBe("integer");
    expect(typeOf("qty + big")).toBe("bigint");
    expect(typeOf("qty + 3000000000")).toBe("bigint");
    expect(typeOf("qty + price")).toBe("decimal");
    expect(typeOf("price * amount")).toBe("double");
    expect(typeOf("qty / 2")).toBe("double");
    expect(typeOf("qty % 2")).toBe("integer");
    expect(typeOf("-qty")).toBe("integer");
    expect(typeOf("1.5")).toBe("double");
    expect(typeOf("name + qty")).toBe("string");
    expect(typeOf("qty > 1 && active")).toBe("boolean");
    expect(typeOf("day > '2024-01-01'")).toBe("boolean");
    expect(typeOf("at >= day")).toBe("boolean");
    expect(typeOf("if(active, qty, amount)")).toBe("double");
    expect(typeOf("if(active, qty, null)")).toBe("integer");
    expect(typeOf("coalesce(day, at)")).toBe("timestamp");
    expect(typeOf("null")).toBe("string");
    expect(typeOf("floor(amount)")).toBe("bigint");
    expect(typeOf("floor(price)")).toBe("decimal");
    expect(typeOf("round(price, 1)")).toBe("decimal");
    expect(typeOf("dateAdd(day, 1, 'hours')")).toBe("timestamp");
    expect(typeOf("trunc(at, 'month')")).toBe("timestamp");
    expect(typeOf("`unit price` * qty")).toBe("double");
    expect(typeOf("NAME.Upper()".replace("NAME", "name"))).toBe("string");
    expect(typeOf("toUppercase(name)")).toBe("string");
  });

  it("suggests the column a misspelt name means", () => {
    expect(firstError("amout * 2")).toEqual({
      code: "unknown_column",
      message: "Unknown column 'amout' — did you mean 'amount'?",
      text: "amout",
    });
    expect(firstError("Amount")).toMatchObject({
      message: "Unknown column 'Amount' — did you mean 'amount'?",
    });
    expect(firstError("unit_price")).toMatchObject({
      message: expect.stringContaining("did you mean 'unit price'"),
    });
    expect(firstError("zzz").message).toContain("Write names with spaces or symbols as `my column`");
    expect(firstError("upper").message).toContain("'upper' is a function, call it as upper(...)");
  });

  it("suggests the function a misspelt name means", () => {
    expect(firstError("uper(name)")).toEqual({
      code: "unknown_function",
      message: "Unknown function 'uper' — did you mean 'upper'?",
      text: "uper",
    });
    expect(firstError("name.substr(1, 2).frobnicate()").message).toContain("Unknown function 'frobnicate'");
  });

  it("reports wrong arity with the signature", () => {
    expect(firstError("substring(name)")).toEqual({
      code: "wrong_arity",
      message: "substring() takes 2 to 3 arguments — substring(text, start, length?) — but got 1",
      text: "substring",
    });
    expect(firstError("name.upper(1)").message).toContain("(counting the value before the '.')");
    expect(firstError("now(1)").message).toContain("now() takes 0 arguments");
    expect(firstError("coalesce()").message).toContain("at least 1");
  });

  it("reports wrong argument types at the argument, with the conversion to use", () => {
    expect(firstError("length(qty)")).toEqual({
      code: "wrong_type",
      message: "The text of length() must be a string, but this is an integer: convert it with toString()",
      text: "qty",
    });
    expect(firstError("abs(name)").message).toContain("convert it with toNumber() or toInteger()");
    expect(firstError("substring(name, amount)").message).toContain("must be a whole number");
    expect(firstError("year(name)").message).toContain("toDate() or parseDate(");
    expect(firstError("if(qty, 1, 2)").message).toContain("write a condition such as x > 0");
    expect(firstError("round(amount, qty)").message).toContain("must be written as a literal value");
  });

  it("rejects mixing types the engines would not agree on", () => {
    expect(firstError("name * 2")).toMatchObject({ code: "wrong_type", text: "*" });
    expect(firstError("name * 2").message).toContain("convert text with toNumber()");
    expect(firstError("qty == name").message).toBe(
      "Cannot compare an integer with a string: convert one side with toNumber(), toString() or toDate()",
    );
    expect(firstError("day + 1").message).toContain("dateAdd(");
    expect(firstError("day - day").message).toContain("dateDiff(");
    expect(firstError("qty && active").message).toContain("combines conditions");
    expect(firstError("!qty").message).toContain("'not' needs a condition");
    expect(firstError("if(active, qty, name)").message).toContain(
      "The branches of if() must all have compatible types",
    );
    expect(firstError("name == null").message).toBe("Comparing with null is never true: use isNull(name)");
    expect(firstError("name != null").message).toBe("Comparing with null is never true: use isNotNull(name)");
    expect(firstError("toDate(qty)").message).toBe("Cannot convert an integer to a date");
  });

  it("validates literal arguments: units, patterns, groups, replacements", () => {
    expect(firstError("datePart(day, 'fortnight')").message).toContain(
      "Unknown unit 'fortnight': use one of 'year'",
    );
    expect(firstError("dateAdd(day, 1, 'decades')").message).toContain("Unknown unit 'decades'");
    expect(firstError("trunc(day, 'hour')").message).toContain("A date has no hours");
    expect(firstError("formatDate(day, 'yyyy-QQ')").message).toContain("'QQ' are not supported");
    expect(firstError('parseDate(name, "dd/MM/yyyy \'at")').message).toContain("Unclosed quote");
    expect(firstError("regexExtract(name, '(a)(b)', 3)").message).toBe(
      "The regex has 2 capture groups, so group 3 does not exist",
    );
    expect(firstError("regexReplace(name, 'a', '$x')").message).toContain("Invalid replacement");
    expect(firstError("split(name, ',', 0)").message).toContain("numbered from 1");
    expect(firstError("round(amount, 40)").message).toContain("between -18 and 18");
    expect(firstError("99999999999999999999").message).toContain("too large for a whole number");
  });

  it("reports every independent error, not just the first", () => {
    const all = errorsOf("amout + uper(name) + length(qty)");
    expect(all.map((e) => e.code)).toEqual(["unknown_column", "unknown_function", "wrong_type"]);
  });

  it("lowerFormula throws a CompileError with every error, and checks the expected type", () => {
    const scope = source(createIdGen(), 0, "/x", schema).columns;
    expect(lowerFormula("qty * 2", scope).type).toBe("integer");
    expect(lowerFormula("qty > 2", scope, { origin: "params.filter.rules.0" }).expr.origin).toBe(
      "params.filter.rules.0",
    );
    try {
      lowerFormula("amout > 1", scope, { path: ["params", "filter", "rules", 0, "formula"] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CompileError);
      expect(e).toBeInstanceOf(FormulaCompileError);
      const err = e as FormulaCompileError;
      expect(err.code).toBe("invalid_formula");
      expect(err.path).toEqual(["params", "filter", "rules", 0, "formula"]);
      expect(err.message).toBe("Formula error (at 1:1): Unknown column 'amout' — did you mean 'amount'?");
      expect(err.errors).toHaveLength(1);
    }
    expect(() => lowerFormula("qty + 1", scope, { expect: "boolean" })).toThrow(
      "The formula must give a condition (boolean), but it gives an integer: write a condition",
    );
  });
});

describe("formula function catalog", () => {
  const catalog = formulaFunctions();

  it("has at least 60 functions, each documented with per-engine translatability", () => {
    expect(catalog.length).toBeGreaterThanOrEqual(60);
    const names = new Set<string>();
    for (const f of catalog) {
      for (const n of [f.name, ...f.aliases]) {
        expect(names.has(n.toLowerCase()), n).toBe(false);
        names.add(n.toLowerCase());
      }
      expect(f.description.length).toBeGreaterThan(5);
      expect(f.signature).toMatch(/^\w+\(.*\) -> .+$/);
      expect(["full", "partial", "none"]).toContain(f.engines.spark.level);
      expect(["full", "partial", "none"]).toContain(f.engines.duckdb.level);
      expect(f.engines.spark.level).toBe("full");
    }
    expect(catalog.find((f) => f.name === "substring")?.signature).toBe(
      "substring(text: string, start: integer, length?: integer) -> string",
    );
    expect(catalog.find((f) => f.name === "regexMatch")?.engines.duckdb.level).toBe("partial");
  });

  it("every example parses, and every function has a golden case", () => {
    for (const f of catalog) expect(parseFormula(f.example).errors, f.example).toEqual([]);
    const covered = FORMULA_CASES.map((c) => c.f.toLowerCase()).join(" ");
    for (const f of catalog) {
      const used = [f.name, ...f.aliases].some((n) => new RegExp(`\\b${n.toLowerCase()}\\(`).test(covered));
      expect(used, `${f.name} has no golden case`).toBe(true);
    }
  });
});
