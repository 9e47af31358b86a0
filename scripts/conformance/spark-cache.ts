import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type SparkConf, type SparkLocal, type SparkResult, startSparkLocal } from "@sous/spark-local";

/**
 * Spark results cached by a hash of (SQL, input files, Spark version, settings), so a warm run
 * starts no Spark at all. Requests are pipelined a few at a time: the server answers in order
 * today, and runs them in parallel if it becomes threaded. Every batch shares one setting map,
 * so a threaded server never sees two ANSI settings at once.
 */
export interface SparkJob {
  sql: string;
  /** What the time is counted under (the case source). */
  source: string;
  /** The content hash of the Parquet inputs the SQL reads (empty for inline inputs). */
  inputsHash: string;
  conf: SparkConf;
}

export interface SparkRunner {
  version: string;
  run(jobs: SparkJob[]): Promise<SparkResult[]>;
  stats(): {
    runs: number;
    cached: number;
    sparkMs: number;
    startupMs: number;
    perSource: Map<string, number>;
  };
  stop(): Promise<void>;
}

/** The pyspark version installed in a venv, read from its dist-info (no Spark started). */
export function pysparkVersion(venv: string): string {
  const lib = path.join(venv, "lib");
  if (!existsSync(lib)) return "unknown";
  for (const py of readdirSync(lib)) {
    const site = path.join(lib, py, "site-packages");
    if (!existsSync(site)) continue;
    const dist = readdirSync(site).find((d) => /^pyspark-.*\.dist-info$/.test(d));
    if (dist) return dist.replace(/^pyspark-/, "").replace(/\.dist-info$/, "");
  }
  return "unknown";
}

export function sparkRunner(opts: {
  python: string;
  version: string;
  cacheDir: string;
  inFlight?: number;
  /** Ignore cached results (they are still written): a cold run's Spark time without deleting the cache. */
  cold?: boolean;
}): SparkRunner {
  let spark: SparkLocal | undefined;
  let starting: Promise<SparkLocal> | undefined;
  let runs = 0;
  let cached = 0;
  let sparkMs = 0;
  let startupMs = 0;
  // Service time per source: from the later of sending and the previous answer to the answer.
  const perSource = new Map<string, number>();
  let lastAnswer = 0;
  const dir = path.join(opts.cacheDir, "spark");
  mkdirSync(dir, { recursive: true });
  const fileOf = (job: SparkJob) =>
    path.join(
      dir,
      `${createHash("sha256")
        .update(
          JSON.stringify({ sql: job.sql, inputs: job.inputsHash, version: opts.version, conf: job.conf }),
        )
        .digest("hex")}.json`,
    );

  async function session(): Promise<SparkLocal> {
    if (spark) return spark;
    starting ??= (async () => {
      const t0 = Date.now();
      const s = await startSparkLocal({ python: opts.python });
      startupMs = Date.now() - t0;
      console.log(`[conformance] Spark ${s.version} started in ${(startupMs / 1000).toFixed(1)} s`);
      spark = s;
      return s;
    })();
    return starting;
  }

  return {
    version: opts.version,
    async run(jobs) {
      const results: SparkResult[] = new Array(jobs.length);
      const todo: number[] = [];
      for (const [i, job] of jobs.entries()) {
        const file = fileOf(job);
        if (!opts.cold && existsSync(file)) {
          results[i] = JSON.parse(readFileSync(file, "utf8")) as SparkResult;
          cached++;
        } else todo.push(i);
      }
      if (todo.length === 0) return results;
      const s = await session();
      const t0 = Date.now();
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < todo.length) {
          const i = todo[next++]!;
          const job = jobs[i]!;
          const sent = Date.now();
          const result = await s.sql(job.sql, job.conf);
          const now = Date.now();
          perSource.set(job.source, (perSource.get(job.source) ?? 0) + now - Math.max(sent, lastAnswer));
          lastAnswer = now;
          results[i] = result;
          writeFileSync(fileOf(job), JSON.stringify(result));
          runs++;
          if (++done % 250 === 0) console.log(`[conformance] ${done}/${todo.length} Spark runs`);
        }
      };
      await Promise.all(Array.from({ length: opts.inFlight ?? 2 }, worker));
      sparkMs += Date.now() - t0;
      return results;
    },
    stats: () => ({ runs, cached, sparkMs, startupMs, perSource }),
    async stop() {
      await spark?.stop();
    },
  };
}
