import { compileRecipe } from "@sous/compiler";
import { PREPARE_STEP_PARAMS, type PrepareStepType, RecipeSpecSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { catalog, defaultStepParams, stepTypeEngines } from "./prepare-defaults.ts";

// A step added from the catalogue starts from params the schema accepts and (on a typical
// schema) the compiler compiles, so the preview shows its effect at once.

const cols = [
  { name: "id", type: "bigint" },
  { name: "city", type: "string" },
  { name: "amount", type: "double" },
  { name: "day", type: "date" },
  { name: "created", type: "timestamp" },
  { name: "ua", type: "string" },
];
const types = Object.keys(PREPARE_STEP_PARAMS) as PrepareStepType[];

describe("prepare step defaults", () => {
  it("the catalogue lists every step type once", () => {
    expect(
      catalog()
        .map((c) => c.type)
        .sort(),
    ).toEqual([...types].sort());
  });

  it.each(types)("%s starts from params its schema accepts", (type) => {
    const params = defaultStepParams(type, cols, new Set(cols.map((c) => c.name)));
    const spec = { kind: "prepare", version: 1, params: { steps: [{ id: "step_1", type, params }] } };
    const parsed = RecipeSpecSchema.safeParse(spec);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(stepTypeEngines(type).duckdb.level).toBeDefined();
  });

  it("most defaults compile as they are on a typical schema", () => {
    const failing: string[] = [];
    for (const type of types) {
      const params = defaultStepParams(type, cols, new Set(cols.map((c) => c.name)));
      const spec = RecipeSpecSchema.parse({
        kind: "prepare",
        version: 1,
        params: { steps: [{ id: "step_1", type, params }] },
      });
      try {
        compileRecipe({
          spec,
          inputs: [{ name: "t", schema: cols as never, location: { format: "parquet", path: "/tmp/t" } }],
          dialect: "duckdb",
        });
      } catch (e) {
        failing.push(`${type}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    // Unfold needs its values listed (the preview passes none); BooleanNot a boolean column.
    expect(failing.map((f) => f.split(":")[0])).toEqual(["Unfold", "BooleanNot"]);
  });
});
