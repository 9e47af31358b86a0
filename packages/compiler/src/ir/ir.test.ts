import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { lowerRecipe } from "../compile.ts";
import type { CompileInput } from "../types.ts";

const schema: DatasetSchema = [
  { name: "g", type: "string" },
  { name: "x", type: "integer" },
];
const inputs: CompileInput[] = [{ name: "t", schema, location: { format: "parquet", path: "/d/t" } }];

describe("IR", () => {
  it("is plain JSON and the same for the same spec", () => {
    const spec = {
      kind: "topN",
      params: { partitionBy: ["g"], orderBy: [{ column: "x", direction: "desc" }], n: 2 },
    };
    const a = lowerRecipe(spec, inputs);
    const b = lowerRecipe(spec, inputs);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it("records for every output column the input column ids it derives from", () => {
    const { outputs } = lowerRecipe(
      {
        kind: "group",
        params: { keys: ["g"], aggregations: [{ column: "x", fn: "max" }], globalCount: false },
      },
      inputs,
    );
    const out = outputs[0]!;
    if (out.kind !== "aggregate") throw new Error("expected an aggregate");
    const [g, x] = out.input.columns;
    expect(out.columns.map((c) => c.from)).toEqual([[g!.id], [x!.id]]);
  });
});
