import type { DatasetSchema } from "@sous/contracts";
import { FORMULA_CASES, FORMULA_SCHEMA } from "../../../packages/compiler/test/formula-cases.ts";
import type { CaseInput, ConformanceCase, Row } from "../types.ts";

/**
 * A formula as a prepare recipe: the formula step writes `v`, then only `v` is kept. The
 * verdict table counts the case under the functions the formula calls.
 */
function formulaSpec(formula: string) {
  return {
    kind: "prepare",
    version: 1,
    params: {
      steps: [
        { id: "formula", type: "CreateColumnWithGREL", params: { output: "v", formula } },
        { id: "keep", type: "ColumnsSelector", params: { keep: true, columns: ["v"] } },
      ],
    },
  };
}

/** The functions a formula calls (`f(` and `.f(`), or `operators` when it calls none. */
export function functionsOf(formula: string): string[] {
  const text = formula.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  const names = [...text.matchAll(/([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!);
  return names.length === 0 ? ["fn (operators)"] : [...new Set(names.map((n) => `fn ${n}`))];
}

export function formulaCase(
  name: string,
  source: string,
  formula: string,
  schema: DatasetSchema,
  rows: Row[],
  physical?: Record<string, string>,
): ConformanceCase {
  const input: CaseInput = { name: "input", schema, rows, ...(physical ? { physical } : {}) };
  return {
    name,
    source,
    spec: formulaSpec(formula),
    inputs: [input],
    ordered: true,
    parquet: false,
    subjects: functionsOf(formula),
    subjectStep: "formula",
  };
}

export function formulaCases(): ConformanceCase[] {
  return FORMULA_CASES.map((fc, i) => {
    const row = Object.fromEntries(FORMULA_SCHEMA.map((col) => [col.name, fc.row?.[col.name] ?? null]));
    return {
      ...formulaCase(`formula #${i} ${fc.f}`, "formula cases", fc.f, FORMULA_SCHEMA, [row]),
      recorded: {
        rows: [{ v: fc.expect }],
        columns: [{ name: "v", ...(fc.type ? { type: fc.type } : {}) }],
        expectation: { kind: "formula", index: i, formula: fc.f, row: fc.row },
        ...(fc.ansiOnError ? { ansiOnError: fc.ansiOnError } : {}),
      },
    };
  });
}
