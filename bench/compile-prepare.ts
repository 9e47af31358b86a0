/**
 * Compile time of a 200-step prepare recipe (goal < 20 ms), p50 over 50 runs after a warm-up,
 * for each dialect. Run: pnpm exec tsx bench/compile-prepare.ts
 */

import { type CompileInput, compileRecipe, type Dialect } from "@sous/compiler";
import type { DatasetSchema } from "@sous/contracts";

const schema: DatasetSchema = [
  ...Array.from({ length: 8 }, (_, i) => ({ name: `s${i}`, type: "string" as const })),
  ...Array.from({ length: 6 }, (_, i) => ({ name: `n${i}`, type: "double" as const })),
  ...Array.from({ length: 3 }, (_, i) => ({ name: `i${i}`, type: "integer" as const })),
  ...Array.from({ length: 3 }, (_, i) => ({ name: `d${i}`, type: "date" as const })),
];

/** A cycle of everyday steps over the columns, so the recipe keeps its width. */
function step(k: number): object {
  const s = `s${k % 8}`;
  const n = `n${k % 6}`;
  const d = `d${k % 3}`;
  const id = `step${k}`;
  const kinds: object[] = [
    { type: "TrimWhitespace", params: { columns: [s] } },
    { type: "ChangeCase", params: { columns: [s], mode: "lower" } },
    { type: "FindReplace", params: { columns: [s], mode: "regex", find: "[0-9]+", replace: "#" } },
    { type: "FillEmptyWithValue", params: { columns: [s], value: "n/a" } },
    { type: "RoundProcessor", params: { columns: [n], decimals: 2 } },
    { type: "MinMaxProcessor", params: { columns: [n], min: 0, max: 1000 } },
    { type: "FilterOnNumericalRange", params: { column: n, min: -1e9, action: "keep" } },
    { type: "ColumnCopier", params: { column: s, output: `copy${k}` } },
    { type: "ColumnsSelector", params: { columns: [`copy${k - 1}`] } },
    { type: "DateIncrement", params: { column: d, unit: "days", amount: 1 } },
    { type: "FlagOnValue", params: { column: s, values: ["x"], output: `flag${k}` } },
    { type: "ColumnsSelector", params: { columns: [`flag${k - 1}`] } },
    { type: "NormalizeWhitespace", params: { columns: [s] } },
    { type: "AbsoluteValue", params: { columns: [`i${k % 3}`] } },
    { type: "RemoveRowsOnEmpty", params: { columns: [s], mode: "all" } },
    { type: "TypeConverter", params: { columns: [`i${k % 3}`], to: "integer" } },
    { type: "ExtractNumbers", params: { column: s, output: `num${k}` } },
    { type: "ColumnsSelector", params: { columns: [`num${k - 1}`] } },
    { type: "DateFormatter", params: { column: d, format: "yyyy-MM-dd", output: `fmt${k}` } },
    { type: "ColumnsSelector", params: { columns: [`fmt${k - 1}`] } },
  ];
  return { id, ...kinds[k % kinds.length]! };
}

const steps = Array.from({ length: 200 }, (_, k) => step(k));
const spec = { kind: "prepare", version: 1, params: { steps } } as never;
const inputs: CompileInput[] = [{ name: "t", schema, location: { format: "parquet", path: "/data/t" } }];

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const dialect of ["duckdb", "spark"] as Dialect[]) {
  const times: number[] = [];
  let sqlLength = 0;
  for (let run = 0; run < 60; run++) {
    const t0 = performance.now();
    const out = compileRecipe({ spec, inputs, dialect });
    const ms = performance.now() - t0;
    if (out.blocking) throw new Error(out.blocking.reason);
    sqlLength = out.sql.length;
    if (run >= 10) times.push(ms);
  }
  console.log(
    `compile 200-step prepare (${dialect}): p50 ${p50(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms over ${times.length} runs (${sqlLength} chars of SQL)`,
  );
}
