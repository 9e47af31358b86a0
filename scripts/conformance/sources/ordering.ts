import type { ColumnType } from "@sous/contracts";
import { EDGE_VALUES } from "../../../packages/compiler/test/conformance/edge-values.ts";
import type { CaseInput, ConformanceCase } from "../types.ts";

const KEY_TYPES: ColumnType[] = ["integer", "bigint", "double", "string", "date", "timestamp", "boolean"];

const table = (
  name: string,
  type: ColumnType,
  values: readonly unknown[],
  extra: Record<string, unknown>[] = [],
): CaseInput => ({
  name,
  schema: [
    { name: "id", type: "integer" },
    { name: "g", type: "string" },
    { name: "v", type },
  ],
  rows: values.map((v, k) => ({ id: k, g: k % 3 === 0 ? "a" : k % 3 === 1 ? "b" : null, v, ...extra[k] })),
});

/**
 * NULL ordering in sort, top-n and window; NULL, NaN and -0.0 as join and group keys; sum and
 * avg overflow. Every sort has `id` as its last key, so the expected order is total.
 */
export function orderingCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const base = { source: "NULL ordering, NULL join keys, overflow", parquet: false };
  for (const type of KEY_TYPES) {
    const values = EDGE_VALUES[type];
    const t = table("t", type, values);
    for (const direction of ["asc", "desc"] as const)
      for (const nulls of [undefined, "first", "last"] as const)
        out.push({
          ...base,
          name: `sort ${type} ${direction}${nulls ? ` nulls ${nulls}` : ""}`,
          spec: {
            kind: "sort",
            version: 1,
            params: { keys: [{ column: "v", direction, ...(nulls ? { nulls } : {}) }, { column: "id" }] },
          },
          inputs: [t],
          ordered: true,
        });
    for (const ranking of ["rowNumber", "rank", "denseRank"] as const)
      out.push({
        ...base,
        name: `top-n ${type} ${ranking}`,
        spec: {
          kind: "topN",
          version: 1,
          params: {
            partitionBy: ["g"],
            orderBy: [{ column: "v", direction: "desc" }, { column: "id" }],
            n: 2,
            ranking,
            rankColumn: "pos",
          },
        },
        inputs: [t],
        ordered: false,
      });
    out.push({
      ...base,
      name: `window ${type} ranks`,
      spec: {
        kind: "window",
        version: 1,
        params: {
          partitionBy: ["g"],
          orderBy: [{ column: "v" }, { column: "id" }],
          aggregations: [{ fn: "rank" }, { fn: "denseRank" }, { fn: "rowNumber" }, { fn: "count" }],
        },
      },
      inputs: [t],
      ordered: false,
    });
    for (const join of ["inner", "left", "right", "full", "leftAnti"] as const)
      out.push({
        ...base,
        name: `join ${join} on ${type} keys`,
        spec: { kind: "join", version: 1, params: { on: [{ left: "v", right: "v" }], type: join } },
        inputs: [
          table("l", type, values),
          {
            name: "r",
            schema: [
              { name: "rid", type: "integer" },
              { name: "v", type },
            ],
            rows: [...values].reverse().map((v, k) => ({ rid: k, v })),
          },
        ],
        ordered: false,
      });
    out.push({
      ...base,
      name: `group by ${type} key`,
      spec: {
        kind: "group",
        version: 1,
        params: {
          keys: ["v"],
          aggregations: [
            { column: "id", fn: "count" },
            { column: "id", fn: "sum" },
          ],
        },
      },
      inputs: [table("t", type, [...values, ...values])],
      ordered: false,
    });
    out.push({
      ...base,
      name: `distinct ${type}`,
      spec: { kind: "distinct", version: 1, params: { columns: ["v"] } },
      inputs: [table("t", type, [...values, ...values])],
      ordered: false,
    });
  }
  // sum/avg overflow, one aggregate per case (an ANSI-on error stops the whole query).
  const overflow: [ColumnType, unknown[]][] = [
    ["integer", [2147483647, 1, 2147483647]],
    ["integer", [-2147483648, -1]],
    ["bigint", ["9223372036854775807", "1"]],
    ["bigint", ["-9223372036854775808", "-1"]],
    ["bigint", ["9007199254740993", "1", "0"]],
    ["double", [1.7976931348623157e308, 1.7976931348623157e308]],
    ["double", ["NaN", 1]],
    ["double", ["Infinity", "-Infinity"]],
    ["decimal", ["99999999.99", "99999999.99"]],
  ];
  for (const [k, [type, values]] of overflow.entries())
    for (const fn of ["sum", "avg"] as const)
      out.push({
        ...base,
        name: `${fn} overflow #${k} ${type} [${values.join(", ")}]`,
        spec: { kind: "group", version: 1, params: { keys: [], aggregations: [{ column: "v", fn }] } },
        inputs: [table("t", type, values)],
        ordered: false,
      });
  return out;
}
