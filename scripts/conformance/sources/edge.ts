import type { ColumnType, DatasetSchema } from "@sous/contracts";
import {
  EDGE_COLUMNS,
  EDGE_FORMULAS,
  EDGE_VALUES,
} from "../../../packages/compiler/test/conformance/edge-values.ts";
import type { ConformanceCase, Row } from "../types.ts";
import { goldenCases, prepareFixtureCases } from "./fixtures.ts";
import { formulaCase } from "./formula.ts";

/** Rows made of the edge corpus: row k holds value k (shifted by the column's position) of its type. */
function edgeRows(schema: DatasetSchema): Row[] {
  const n = Math.max(...schema.map((c) => EDGE_VALUES[c.type].length));
  return Array.from({ length: n }, (_x, k) =>
    Object.fromEntries(
      schema.map((c, j) => {
        const values = EDGE_VALUES[c.type];
        return [c.name, values[(k + j) % values.length]];
      }),
    ),
  );
}

/**
 * Every recipe kind and every prepare step type again, on edge inputs: each golden and
 * prepare-step fixture's recipe run on rows of the edge corpus instead of its own rows (NULLs,
 * NaN, -0.0, limits, odd text...). Sort recipes stay ordered; keys tie on -0.0 and 0.0 only.
 */
export function edgeVariantCases(): ConformanceCase[] {
  return [...goldenCases(), ...prepareFixtureCases()].map((c) => ({
    name: `${c.name} (edge inputs)`,
    source: "recipe kinds and step types on edge inputs",
    spec: c.spec,
    ...(c.context ? { context: c.context } : {}),
    inputs: c.inputs.map((input) => ({
      name: input.name,
      schema: input.schema,
      rows: edgeRows(input.schema),
    })),
    ordered: c.ordered,
    parquet: false,
  }));
}

/** Integers overflow per row under ANSI on, so each integer value is a case of its own. */
const ONE_VALUE_PER_CASE = new Set<ColumnType>(["integer", "bigint"]);

/** The edge-value corpus through formulas: each formula of a type over that type's values. */
export function edgeValueCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const type of Object.keys(EDGE_FORMULAS) as ColumnType[]) {
    const col = EDGE_COLUMNS[type];
    const schema: DatasetSchema = [{ name: col, type }];
    for (const formula of EDGE_FORMULAS[type]) {
      const values = EDGE_VALUES[type];
      if (ONE_VALUE_PER_CASE.has(type))
        for (const v of values)
          out.push(
            formulaCase(`edge ${formula} [${col}=${String(v)}]`, "edge-value corpus", formula, schema, [
              { [col]: v },
            ]),
          );
      else
        out.push(
          formulaCase(
            `edge ${formula}`,
            "edge-value corpus",
            formula,
            schema,
            values.map((v) => ({ [col]: v })),
          ),
        );
    }
  }
  return out;
}
