import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

/**
 * A long-lived Python process (python/sous_spark) holding a local SparkSession, spoken to over
 * stdin/stdout JSON lines: one request, one response, in order. Real Apache Spark from the
 * project's venv (.venv, built by scripts/bootstrap.mjs from python/requirements.txt).
 */

export const repoRoot = path.resolve(import.meta.dirname, "../../..");
export const defaultPython = path.join(repoRoot, ".venv", "bin", "python");
const VENV_STAMP = ".sous-requirements.sha256";

/** A JSON-safe Spark value: NaN/Infinity and decimals as strings, dates and timestamps ISO, binary base64. */
export type SparkValue = null | boolean | number | string | SparkValue[] | { [key: string]: SparkValue };

export interface SparkColumn {
  name: string;
  /** Spark's type string, e.g. `int`, `decimal(18,2)`, `timestamp`, `array<string>`. */
  type: string;
}

export type SparkResult =
  | { ok: true; columns: SparkColumn[]; rows: SparkValue[][] }
  | { ok: false; errorClass: string; message: string };

/** Session settings for one statement, e.g. `{ "spark.sql.ansi.enabled": "false" }`. */
export type SparkConf = Record<string, string>;

export interface SparkLocal {
  /** The Spark version, e.g. "4.0.1". */
  version: string;
  /** Milliseconds from spawning Python to a ready SparkSession. */
  startupMs: number;
  /** Runs one statement with these session settings (others set by earlier calls are unset). */
  sql(statement: string, conf?: SparkConf, options?: { maxRows?: number }): Promise<SparkResult>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The venv's python (default `<repo>/.venv/bin/python`). */
  python?: string;
  /** Spark's driver memory (default 2g). */
  driverMemory?: string;
  startTimeoutMs?: number;
  /** Forward the process's stderr (Spark's logs) to this callback instead of keeping the tail only. */
  onLog?: (line: string) => void;
}

/** Whether Spark can start here, and if not, why (for skipping tests with a clear reason). */
export function sparkLocalAvailability(python = defaultPython): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(python) || !existsSync(path.join(path.dirname(python), "..", VENV_STAMP)))
    return {
      ok: false,
      reason: `no Python environment at ${path.dirname(path.dirname(python))}: run \`node scripts/bootstrap.mjs\` (needs python3 with venv)`,
    };
  const javaHome = process.env.JAVA_HOME;
  const java = javaHome ? path.join(javaHome, "bin", "java") : "java";
  if (spawnSync(java, ["-version"], { stdio: "ignore" }).status !== 0)
    return { ok: false, reason: "java not found: install Java 17 (apt-get install openjdk-17-jre-headless)" };
  return { ok: true };
}

interface Pending {
  resolve: (r: SparkResult) => void;
  reject: (e: Error) => void;
}

export async function startSparkLocal(options: StartOptions = {}): Promise<SparkLocal> {
  const python = options.python ?? defaultPython;
  const available = sparkLocalAvailability(python);
  if (!available.ok) throw new Error(`cannot start local Spark: ${available.reason}`);
  const started = Date.now();
  const child: ChildProcess = spawn(python, ["-m", "sous_spark"], {
    cwd: path.join(repoRoot, "python"),
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      PYTHONPATH: path.join(repoRoot, "python"),
      PYTHONUNBUFFERED: "1",
      TZ: "UTC",
      SOUS_SPARK_DRIVER_MEMORY: options.driverMemory ?? "2g",
    },
  });
  const tail: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    if (options.onLog) options.onLog(line);
    tail.push(line);
    if (tail.length > 40) tail.shift();
  });
  const lines = createInterface({ input: child.stdout! });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exited: Error | null = null;

  const ready = new Promise<{ spark: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local Spark did not start within ${options.startTimeoutMs ?? 120_000} ms`)),
      options.startTimeoutMs ?? 120_000,
    );
    lines.once("line", (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { spark: string });
      } catch {
        reject(new Error(`local Spark printed ${JSON.stringify(line)} instead of its ready line`));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      exited = new Error(
        `local Spark exited (${signal ?? `code ${code}`}); its last output:\n${tail.slice(-15).join("\n")}`,
      );
      reject(exited);
      for (const p of pending.values()) p.reject(exited);
      pending.clear();
    });
  });
  let hello: { spark: string };
  try {
    hello = await ready;
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  lines.on("line", (line) => {
    const response = JSON.parse(line) as { id: number } & SparkResult;
    const p = pending.get(response.id);
    if (!p) return;
    pending.delete(response.id);
    const { id: _id, ...result } = response;
    p.resolve(result as SparkResult);
  });

  return {
    version: hello.spark,
    startupMs: Date.now() - started,
    sql(statement, conf = {}, opts = {}) {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      return new Promise<SparkResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.stdin!.write(
          `${JSON.stringify({ id, sql: statement, conf, maxRows: opts.maxRows ?? null })}\n`,
        );
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
