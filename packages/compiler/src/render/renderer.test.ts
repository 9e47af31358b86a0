import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../errors.ts";
import { agg, col, compare, lit } from "../ir/expr.ts";
import { createIdGen } from "../ir/ids.ts";
import { aggregate, derived, distinct, filter, limit, project, sort, source } from "../ir/rel.ts";
import type { SqlDialect } from "./dialect.ts";
import { duckdbDialect } from "./duckdb-dialect.ts";
import { renderSql } from "./renderer.ts";
import { sparkDialect } from "./spark-dialect.ts";

function base() {
  const ids = createIdGen();
  const src = source(ids, 0, "/d/t", [
    { name: "a", type: "integer" },
    { name: "b", type: "string" },
  ]);
  const [a, b] = src.columns;
  return { ids, src, a: a!, b: b! };
}

describe("SqlRenderer block merging", () => {
  it("fuses filter, sort and limit into one SELECT with explicit null ordering", () => {
    const { ids, src, a } = base();
    const rel = limit(
      ids,
      sort(ids, filter(ids, src, compare(">", col(a.id, "integer"), lit(1, "integer"))), [
        { expr: col(a.id, "integer"), direction: "asc", nulls: "first" },
      ]),
      10,
    );
    expect(renderSql(rel, duckdbDialect)).toMatchInlineSnapshot(`
      "SELECT "a", "b"
      FROM read_parquet('/d/t/*.parquet')
      WHERE ("a" > 1)
      ORDER BY "a" ASC NULLS FIRST
      LIMIT 10"
    `);
  });

  it("moves a block into a CTE when SQL's clause order cannot express the chain", () => {
    const { ids, src, a, b } = base();
    const grouped = aggregate(
      ids,
      src,
      [derived(ids, "b", col(b.id, "string"), b.id)],
      [derived(ids, "n", agg("count", [col(a.id, "integer")], "bigint"))],
    );
    const n = grouped.columns[1]!;
    const rel = filter(ids, grouped, compare(">", col(n.id, "bigint"), lit(1, "bigint")));
    expect(renderSql(rel, sparkDialect)).toMatchInlineSnapshot(`
      "WITH \`_s1\` AS (
      SELECT \`b\`, count(\`a\`) AS \`n\`
      FROM parquet.\`/d/t\`
      GROUP BY \`b\`
      )
      SELECT \`b\`, \`n\`
      FROM \`_s1\`
      WHERE (\`n\` > CAST(1 AS BIGINT))"
    `);
  });

  it("never sorts below a projection or a distinct below a limit", () => {
    const { ids, src, a } = base();
    const projected = project(ids, src, [derived(ids, "x", col(a.id, "integer"))]);
    const sorted = sort(ids, projected, [
      { expr: col(projected.columns[0]!.id, "integer"), direction: "desc", nulls: "last" },
    ]);
    const rel = distinct(ids, limit(ids, sorted, 5));
    expect(renderSql(rel, duckdbDialect)).toMatchInlineSnapshot(`
      "WITH "_s1" AS (
      SELECT "a" AS "x"
      FROM read_parquet('/d/t/*.parquet')
      ),
      "_s2" AS (
      SELECT "x"
      FROM "_s1"
      ORDER BY "x" DESC NULLS LAST
      LIMIT 5
      )
      SELECT DISTINCT "x"
      FROM "_s2""
    `);
  });
});

describe("literals and unsupported constructs", () => {
  it("renders typed literals and rejects malformed ones as compiler bugs", () => {
    const { ids, src } = base();
    const rel = (value: string | number | boolean | null, type: Parameters<typeof lit>[1]) =>
      renderSql(project(ids, src, [derived(ids, "v", lit(value, type))]), sparkDialect).split("\n")[0];
    expect(rel("2024-02-29", "date")).toBe("SELECT DATE '2024-02-29' AS `v`");
    expect(rel("1.50", "decimal")).toBe("SELECT 1.50 AS `v`");
    expect(rel(null, "timestamp")).toBe("SELECT CAST(NULL AS TIMESTAMP) AS `v`");
    expect(rel(Number.NaN, "double")).toBe("SELECT CAST('NaN' AS DOUBLE) AS `v`");
    expect(() => rel("1; DROP", "decimal")).toThrow(/compiler bug/);
    expect(() => rel("2024-01-01' OR '1", "date")).toThrow(/compiler bug/);
  });

  it("throws UnsupportedError when a dialect lacks a rendering the base cannot supply", () => {
    const { ids, src, b } = base();
    const bare: SqlDialect = { ...duckdbDialect, aggregates: {} };
    const rel = aggregate(
      ids,
      src,
      [],
      [derived(ids, "c", agg("concat_sorted", [col(b.id, "string")], "string"))],
    );
    expect(() => renderSql(rel, bare)).toThrow(UnsupportedError);
  });
});
