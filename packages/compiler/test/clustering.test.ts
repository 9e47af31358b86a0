import { describe, expect, it } from "vitest";
import { compileClustersSql } from "../src/index.ts";

const model = {
  format: "sous-portable-clusters",
  version: 1,
  features: [
    { name: "x", type: "numeric", impute: 2, rescale: { kind: "none" } },
    { name: "c", type: "categorical", impute: "a", levels: ["a", "b"], others: false },
  ],
  centroids: [
    [0, 1, 0],
    [5, 0, 1],
  ],
};
const input = {
  from: "t",
  schema: [
    { name: "x", type: "double" as const },
    { name: "c", type: "string" as const },
  ],
};

describe("compileClustersSql", () => {
  it("adds an integer cluster column after the input's, the nearest of the squared distances", () => {
    const out = compileClustersSql({ model, dialect: "duckdb", input });
    expect(out.outputSchema).toEqual([...input.schema, { name: "cluster", type: "integer" }]);
    expect(out.sql).toContain("least(");
    expect(out.sql).toMatch(/isnan\("x"\)/);
    const spark = compileClustersSql({ model, dialect: "spark", input, clusterColumn: "segment" });
    expect(spark.sql).toContain("AS `segment`");
  });

  it("refuses what it cannot score: not a portable k-means, a missing or mistyped column, a taken output name", () => {
    expect(() =>
      compileClustersSql({ model: { ...model, centroids: [[1]] }, dialect: "duckdb", input }),
    ).toThrow(/cannot be scored in SQL/);
    expect(() =>
      compileClustersSql({ model, dialect: "duckdb", input: { ...input, schema: input.schema.slice(0, 1) } }),
    ).toThrow(/needs the column "c"/);
    expect(() =>
      compileClustersSql({
        model,
        dialect: "duckdb",
        input: { from: "t", schema: [{ name: "x", type: "string" }, input.schema[1]!] },
      }),
    ).toThrow(/expects a number/);
    expect(() =>
      compileClustersSql({
        model,
        dialect: "duckdb",
        input: { from: "t", schema: [...input.schema, { name: "Cluster", type: "integer" }] },
      }),
    ).toThrow(/already a column/);
  });
});
