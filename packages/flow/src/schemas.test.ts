import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { buildSchemaProblems, type InferSchemas, propagateSchemas, type SchemaGraph } from "./schemas.ts";

// A toy compiler: "addColumn" appends a column (refused when the name is taken, as a join's
// duplicate output is), "union" concatenates its inputs' columns, "data" is known only from data.
type Spec = { kind: "addColumn"; name: string } | { kind: "union" } | { kind: "data" };
let calls: string[] = [];
const infer: InferSchemas = (recipe, inputs) => {
  calls.push(recipe.id);
  const spec = recipe.spec as Spec;
  if (spec.kind === "data") return { unknown: "a SQL recipe's columns are known when it runs" };
  const cols: DatasetSchema = inputs.flatMap((i) => i.schema);
  if (spec.kind === "union") {
    const names = cols.map((c) => c.name);
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    if (dup.length) throw new Error(`Duplicate output columns: ${dup.join(", ")}`);
    return [cols];
  }
  if (cols.some((c) => c.name === spec.name)) throw new Error(`Column ${spec.name} already exists`);
  return [[...cols, { name: spec.name, type: "string" }]];
};

const col = (name: string) => ({ name, type: "string" as const });
const ds = (id: string, schema: DatasetSchema | null = null) => ({ id, name: id, schema });
const rc = (id: string, inputs: string[], output: string, spec: Spec) => ({
  id,
  name: id,
  spec,
  inputs,
  outputs: [output],
});

/** src(id) -> r1 (+x) -> a -> r2 (+y) -> b; src + b -> r3 (union) -> c; src -> r4 (data) -> d -> r5 -> e. */
function flow(): SchemaGraph {
  return {
    datasets: [ds("src", [col("id")]), ds("a"), ds("b"), ds("c"), ds("d"), ds("e")],
    recipes: [
      rc("r1", ["src"], "a", { kind: "addColumn", name: "x" }),
      rc("r2", ["a"], "b", { kind: "addColumn", name: "y" }),
      rc("r3", ["src", "b"], "c", { kind: "union" }),
      rc("r4", ["src"], "d", { kind: "data" }),
      rc("r5", ["d"], "e", { kind: "addColumn", name: "z" }),
    ],
  };
}

describe("propagateSchemas", () => {
  it("infers an unbuilt dataset from its recipe, recursively, each recipe once", () => {
    calls = [];
    const s = propagateSchemas(flow(), infer);
    expect(s.get("src")).toEqual({ status: "stored", schema: [col("id")] });
    expect(s.get("b")).toEqual({
      status: "inferred",
      schema: [col("id"), col("x"), col("y")],
      recipeId: "r2",
    });
    expect(calls.filter((c) => c === "r1")).toHaveLength(1);
  });

  it("names what a recipe on unbuilt inputs fails on (a duplicate column)", () => {
    const s = propagateSchemas(flow(), infer);
    expect(s.get("c")).toEqual({ status: "invalid", reason: "Duplicate output columns: id", recipeId: "r3" });
  });

  it("a schema known only from data leaves what follows unknown, not invalid", () => {
    const s = propagateSchemas(flow(), infer);
    expect(s.get("d")?.status).toBe("data-dependent");
    expect(s.get("e")).toMatchObject({ status: "data-dependent", recipeId: "r5" });
  });

  it("the stored schema wins over the recipe's unless the dataset is rebuilt", () => {
    const g = flow();
    g.datasets[1] = ds("a", [col("id"), col("old")]);
    expect(propagateSchemas(g, infer).get("b")).toMatchObject({ schema: [col("id"), col("old"), col("y")] });
    expect(propagateSchemas(g, infer, { rebuilt: new Set(["a"]) }).get("b")).toMatchObject({
      schema: [col("id"), col("x"), col("y")],
    });
  });

  it("infers only what the asked datasets need", () => {
    calls = [];
    propagateSchemas(flow(), infer, {}, ["a"]);
    expect(calls).toEqual(["r1"]);
  });

  it("a dataset nobody writes and nobody built has no data", () => {
    const g = flow();
    g.datasets[0] = ds("src");
    expect(propagateSchemas(g, infer).get("b")).toMatchObject({ status: "no-data" });
  });

  it("a cycle (never in a Flow) is reported, not a stack overflow", () => {
    const g: SchemaGraph = {
      datasets: [ds("p"), ds("q")],
      recipes: [rc("a", ["q"], "p", { kind: "union" }), rc("b", ["p"], "q", { kind: "union" })],
    };
    const s = propagateSchemas(g, infer);
    expect(s.get("p")).toMatchObject({ reason: expect.stringMatching(/the Flow has a cycle/) });
    expect(s.get("q")).toMatchObject({ reason: expect.stringMatching(/the Flow has a cycle/) });
  });
});

describe("buildSchemaProblems", () => {
  it("building only b, whose input a was never built, fails on a's missing data", () => {
    const p = buildSchemaProblems(flow(), infer, ["r2"], new Set(["b"]));
    expect(p).toEqual([
      { recipeId: "r2", recipeName: "r2", message: expect.stringMatching(/Input dataset a has no data yet/) },
    ]);
  });

  it("building a and b together is fine; building c too reports its duplicate column once", () => {
    expect(buildSchemaProblems(flow(), infer, ["r1", "r2"], new Set(["a", "b"]))).toEqual([]);
    expect(buildSchemaProblems(flow(), infer, ["r1", "r2", "r3"], new Set(["a", "b", "c"]))).toEqual([
      { recipeId: "r3", recipeName: "r3", message: "Duplicate output columns: id" },
    ]);
  });

  it("a recipe downstream of a data-dependent one is not reported", () => {
    expect(buildSchemaProblems(flow(), infer, ["r4", "r5"], new Set(["d", "e"]))).toEqual([]);
  });
});
