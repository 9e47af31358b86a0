import type { PrepareStep } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe, type Dialect, prepareStepEngines, type Translatability } from "../src/index.ts";
import { type PrepareFixture, prepareFixtures, schemaOf } from "./prepare-harness.ts";

/**
 * Prepare steps declare no verdict: a step's verdicts are the function catalog's for the calls it
 * makes. The step picker's verdict (before any input, from the calls a step sketches from its
 * params) must never promise more than the compiled one, or the badge would change for the worse
 * once a dataset is chosen for reasons the params already told.
 */
const fixtures = prepareFixtures();

const RANK: Record<Translatability["level"], number> = { full: 0, partial: 1, none: 2 };

function compiledSteps(f: PrepareFixture, dialect: Dialect) {
  const r = compileRecipe({
    spec: f.spec as never,
    inputs: [
      { name: "input", schema: schemaOf(f.input.columns), location: { format: "parquet", path: "/d/in" } },
    ],
    dialect,
    ...(f.context ? { context: f.context } : {}),
  });
  return new Map(r.steps.map((s) => [s.id, s.engines]));
}

describe("verdicts derived from the function catalog", () => {
  for (const { name, fixture } of fixtures) {
    it(`${name}: the pre-schema verdict is never better than the compiled one, and none when it is`, () => {
      const compiled = compiledSteps(fixture, "duckdb");
      const steps = (fixture.spec as { params: { steps: PrepareStep[] } }).params.steps;
      for (const step of steps.filter((s) => !s.disabled)) {
        const before = prepareStepEngines(step);
        for (const d of ["spark", "duckdb"] as const) {
          const after = compiled.get(step.id)?.[d];
          expect(after, `${step.id} on ${d}`).toBeDefined();
          expect(RANK[after!.level], `${step.id} (${step.type}) on ${d}`).toBeGreaterThanOrEqual(
            RANK[before[d].level],
          );
          // A missing rendering never depends on the column types: the picker must say so too.
          if (after!.level === "none")
            expect(before[d].level, `${step.id} (${step.type}) on ${d}`).toBe("none");
          if (before[d].level === "partial" && after!.level === "partial") {
            expect(after!.condition).toContain((before[d] as { condition: string }).condition);
          }
        }
      }
    });
  }

  it("a function with no rendering on an engine makes every step calling it `none` there, naming the step", () => {
    const step = {
      id: "ua",
      type: "UserAgentParser",
      params: { column: "agent", fields: ["browser"] },
    } as PrepareStep;
    expect(prepareStepEngines(step).spark).toEqual({
      level: "none",
      reason: "user-agent parsing is a JavaScript function (sous_parse_ua) of the local engine",
    });
    const r = compileRecipe({
      spec: { kind: "prepare", version: 1, params: { steps: [step] } } as never,
      inputs: [
        { name: "input", schema: schemaOf(["agent:string"]), location: { format: "parquet", path: "/d/in" } },
      ],
      dialect: "spark",
    });
    expect(r.blocking?.reason).toMatch(
      /^Step 'Parse user agent' \(#1\) has no SparkSQL form \(user-agent parsing/,
    );
    expect(r.steps.find((s) => s.id === "ua")?.engines.duckdb).toEqual({ level: "full" });
  });

  it("a regex step's verdict comes from the one Java-regex predicate, before and after compiling", () => {
    const step = {
      id: "re",
      type: "FilterOnRegex",
      params: { column: "s", pattern: "a(?=b)", action: "keep" },
    } as PrepareStep;
    expect(prepareStepEngines(step).duckdb.level).toBe("none");
    const r = compileRecipe({
      spec: { kind: "prepare", version: 1, params: { steps: [step] } } as never,
      inputs: [
        { name: "input", schema: schemaOf(["s:string"]), location: { format: "parquet", path: "/d/in" } },
      ],
      dialect: "duckdb",
    });
    expect(r.blocking?.reason).toMatch(
      /^Step 'Filter on a regular expression' \(#1\) cannot run on DuckDB: DuckDB's RE2/,
    );
  });
});
