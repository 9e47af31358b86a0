import { describe, expect, it } from "vitest";
import { compileRecipe } from "../src/compile.ts";

// Java's inline flags are valid Spark regexes (the conformance regex table runs them on Spark
// 4.0.1); the syntax check goes through JavaScript's parser, which does not know them.
const filter = (pattern: string) =>
  compileRecipe({
    spec: {
      kind: "prepare",
      version: 1,
      params: {
        steps: [{ id: "s1", type: "FilterOnRegex", params: { column: "s", pattern, action: "keep" } }],
      },
    } as never,
    inputs: [
      { name: "t", schema: [{ name: "s", type: "string" }], location: { format: "parquet", path: "/d/t" } },
    ],
    dialect: "spark",
  });

describe("regex steps accept Java's inline flags", () => {
  it.each(["(?s)^a.c$", "(?m)^b$", "(?i)straße", "(?i:ab)c", "a(?-i)b"])("%s", (pattern) => {
    expect(filter(pattern).sql).toContain("RLIKE");
  });

  it("still refuses a pattern that is no regex", () => {
    expect(() => filter("(?i)(unclosed")).toThrow(/not a valid regular expression/);
  });
});
