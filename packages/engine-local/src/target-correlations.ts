import type { LocalEngine } from "./local-engine.ts";
import { duckIdent, duckString } from "./sql-literals.ts";

/**
 * Pearson correlation of each numeric column with the target, on one Parquet file (the Lab's
 * sample): what flags a feature that leaks the target. A class target counts as 1 for
 * `positive` and 0 for any other value; NULLs are left out pairwise. A column without
 * variance gives null.
 */
export async function targetCorrelations(
  engine: LocalEngine,
  opts: {
    file: string;
    target: string;
    /** The class counted as 1; omit for a numeric (or boolean) target. */
    positive?: string;
    columns: readonly string[];
  },
): Promise<Record<string, number | null>> {
  if (opts.columns.length === 0) return {};
  const target = duckIdent(opts.target);
  const t =
    opts.positive === undefined
      ? `TRY_CAST(${target} AS DOUBLE)`
      : `CASE WHEN ${target} IS NULL THEN NULL WHEN CAST(${target} AS VARCHAR) = ${duckString(opts.positive)} THEN 1.0 ELSE 0.0 END`;
  // The inner select names only its own aliases (no *), so a column called t or c0 cannot shadow them.
  const inner = opts.columns.map((c, i) => `TRY_CAST(${duckIdent(c)} AS DOUBLE) AS c${i}`);
  const selects = opts.columns.map((_, i) => `corr(c${i}, t) AS c${i}`);
  const sql = `SELECT ${selects.join(", ")} FROM (SELECT ${t} AS t, ${inner.join(", ")} FROM read_parquet(${duckString(opts.file)}))`;
  return engine.withConnection(async (c) => {
    const row = (await c.runAndReadAll(sql)).getRowObjectsJson()[0] ?? {};
    return Object.fromEntries(
      opts.columns.map((name, i) => {
        const v = row[`c${i}`];
        const n = v === null || v === undefined ? null : Number(v);
        return [name, n === null || Number.isNaN(n) ? null : n];
      }),
    );
  });
}
