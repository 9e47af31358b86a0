import { AppError, type DatasetSampling, type DatasetSchema } from "@sous/contracts";
import { duckIdent, duckString } from "./sql-literals.ts";

// Random methods rank rows by a hash of (file, row position, seed): the same seed on the same
// version always picks the same rows, on any number of threads, and the result keeps file order.
const POS = "filename, file_row_number";
const MILLION = 1_000_000;

/** The SELECT that draws a sample from a folder of Parquet files (`glob`), in file order. */
export function sampleSql(opts: {
  glob: string;
  schema: DatasetSchema;
  rowCount: number;
  sampling: DatasetSampling;
}): string {
  const s = opts.sampling;
  const plain = `read_parquet(${duckString(opts.glob)})`;
  const positioned = `read_parquet(${duckString(opts.glob)}, filename = true, file_row_number = true)`;
  const cols = opts.schema.map((c) => duckIdent(c.name)).join(", ");
  const column = (name: string) => {
    if (!opts.schema.some((c) => c.name === name))
      throw new AppError("invalid_input", `Sampling column ${name} is not a column of this dataset.`);
    return duckIdent(name);
  };
  const hashed = (seed: number) => `SELECT *, hash(${POS}, ${seed}) AS __sous_h FROM ${positioned}`;
  switch (s.method) {
    case "full":
      return `SELECT ${cols} FROM ${plain}`;
    case "first":
      return `SELECT ${cols} FROM ${plain} LIMIT ${s.n}`;
    case "last":
      return `SELECT ${cols} FROM ${plain} OFFSET ${Math.max(0, opts.rowCount - s.n)}`;
    case "random":
      return `SELECT ${cols} FROM (SELECT * FROM (${hashed(s.seed)}) ORDER BY __sous_h LIMIT ${s.n}) ORDER BY ${POS}`;
    case "ratio":
      return `SELECT ${cols} FROM (${hashed(s.seed)}) WHERE __sous_h % ${MILLION} < ${Math.round(s.ratio * MILLION)} ORDER BY ${POS}`;
    case "values-subset": {
      const k = column(s.column);
      return `SELECT ${cols} FROM ${positioned} WHERE hash(${k}, ${s.seed}) % ${MILLION} < ${Math.round(s.ratio * MILLION)} ORDER BY ${POS}`;
    }
    case "stratified":
    case "rebalance": {
      const k = column(s.column);
      // stratified: each value keeps its share of n (at least one row, so every value is present);
      // rebalance: each value gets n / classes rows, or all it has (undersampling only).
      const quota =
        s.method === "stratified"
          ? `greatest(1, round(${s.n} * __sous_cnt / __sous_total))`
          : `ceil(${s.n} / __sous_classes)`;
      return `WITH b AS (${hashed(s.seed)}),
counts AS (SELECT ${k} AS __sous_k, count(*) AS __sous_cnt FROM b GROUP BY ALL),
quotas AS (SELECT __sous_k, ${quota} AS __sous_quota FROM counts, (SELECT sum(__sous_cnt) AS __sous_total, count(*) AS __sous_classes FROM counts)),
ranked AS (SELECT *, row_number() OVER (PARTITION BY ${k} ORDER BY __sous_h) AS __sous_rank FROM b)
SELECT ${cols} FROM ranked JOIN quotas ON ranked.${k} IS NOT DISTINCT FROM quotas.__sous_k
WHERE __sous_rank <= __sous_quota ORDER BY ${POS}`;
    }
  }
}
