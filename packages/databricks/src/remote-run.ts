// One remote activity: in ONE session, write the (possibly pipelined) SELECT as Parquet into the
// new version folder on the mount, then read back the row count and a preview sample.
import { renderWriteParquet } from "@sous/compiler";
import type { JobLogFn } from "./ensure-cluster.ts";
import type { DatabricksSqlRunner } from "./sql-runner.ts";

export type RemoteRunResult = {
  /** The statement that wrote the output (stored on the job). */
  statement: string;
  rowsWritten: number;
  sample: { columns: { name: string; type: string }[]; rows: Record<string, unknown>[] };
  /** Statements sent, write first (the sample read is the second). */
  statements: number;
  timings: { statementMs: number; sampleMs: number; totalMs: number };
};

const quoteSparkPath = (p: string) => `\`${p.replaceAll("`", "``")}\``;

export async function runRemoteActivity(o: {
  /** A runner on the cluster's SQL HTTP path (createDatabricksSqlRunner). */
  runner: DatabricksSqlRunner;
  /** The SparkSQL SELECT (compileRecipe / compilePipeline, dialect "spark"). */
  selectSql: string;
  /** Cluster path of the new version folder, e.g. dbfs:/mnt/sous/projects/p/datasets/d/versions/v. */
  outputPath: string;
  sampleRows?: number;
  log: JobLogFn;
  signal?: AbortSignal;
}): Promise<RemoteRunResult> {
  const statement = renderWriteParquet({ selectSql: o.selectSql, path: o.outputPath, dialect: "spark" });
  const sampleRows = o.sampleRows ?? 100;
  const t0 = performance.now();
  return o.runner.withSession(
    async (session) => {
      await o.log("info", "Running the statement on the cluster");
      await session.run(statement);
      const t1 = performance.now();
      // count(*) OVER () is computed before LIMIT: the total and the sample in one statement.
      const read = await session.run(
        `SELECT *, count(*) OVER () AS \`__sous_rows\` FROM parquet.${quoteSparkPath(o.outputPath)} LIMIT ${sampleRows}`,
      );
      const t2 = performance.now();
      const rowsWritten = Number(read.rows[0]?.__sous_rows ?? 0);
      const rows = read.rows.map(({ __sous_rows: _, ...rest }) => rest);
      const columns = read.columns.filter((c) => c.name !== "__sous_rows");
      await o.log("info", `Wrote ${rowsWritten} rows on the cluster in ${Math.round(t1 - t0)} ms`);
      return {
        statement,
        rowsWritten,
        sample: { columns, rows },
        statements: 2,
        timings: {
          statementMs: Math.round(t1 - t0),
          sampleMs: Math.round(t2 - t1),
          totalMs: Math.round(t2 - t0),
        },
      };
    },
    o.signal ? { signal: o.signal } : {},
  );
}
