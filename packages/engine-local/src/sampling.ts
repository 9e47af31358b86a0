import path from "node:path";
import type { DatasetSampling, DatasetSchema } from "@sous/contracts";
import type { LocalEngine } from "./local-engine.ts";
import { sampleSql } from "./sample-sql.ts";
import { duckString } from "./sql-literals.ts";

/** Writes the sample of a version (a folder of Parquet files) to `outFile`; returns its row count. */
export async function writeSample(
  engine: LocalEngine,
  opts: { dir: string; schema: DatasetSchema; rowCount: number; sampling: DatasetSampling; outFile: string },
): Promise<number> {
  const sql = sampleSql({ ...opts, glob: path.join(opts.dir, "*.parquet") });
  return engine.runWrite(`COPY (${sql}) TO ${duckString(opts.outFile)} (FORMAT parquet, COMPRESSION snappy)`);
}
