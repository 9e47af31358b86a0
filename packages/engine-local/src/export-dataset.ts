import path from "node:path";
import type { LocalEngine } from "./local-engine.ts";
import { duckString } from "./sql-literals.ts";

/** Writes a version (folder of Parquet files) as one CSV (with header) or Parquet file. */
export async function exportDataset(
  engine: LocalEngine,
  opts: { dir: string; format: "csv" | "parquet"; outFile: string; signal?: AbortSignal },
): Promise<number> {
  const fmt = opts.format === "csv" ? "FORMAT csv, HEADER true" : "FORMAT parquet, COMPRESSION snappy";
  return engine.runWrite(
    `COPY (SELECT * FROM read_parquet(${duckString(path.join(opts.dir, "*.parquet"))})) TO ${duckString(opts.outFile)} (${fmt})`,
    opts.signal,
  );
}
