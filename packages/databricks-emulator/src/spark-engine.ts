// The emulator's clusters run on one real local Spark (python/sous_spark through
// @sous/spark-local): started by the first cluster start, one isolated session per cluster (for
// Python tasks) and per Thrift session. Given a socket (the integration tests' global setup
// makes one; their setup file hands it to every emulator), emulators attach to one shared Spark
// process instead of starting their own, so a test run pays the JVM's cold start once.
import { randomUUID } from "node:crypto";
import path from "node:path";
import {
  type CommandResult,
  connectSharedSpark,
  type PythonRunResult,
  type SparkConf,
  type SparkLocal,
  type SparkResult,
  sparkLocalAvailability,
  startSparkLocal,
} from "@sous/spark-local";
import { z } from "zod";
import type { MountTable } from "./mounts.ts";

/** DBSQL-style session parameters and the Spark settings they stand for. */
const PARAMETER_ALIASES: Readonly<Record<string, string>> = {
  ansi_mode: "spark.sql.ansi.enabled",
  timezone: "spark.sql.session.timeZone",
  legacy_time_parser_policy: "spark.sql.legacy.timeParserPolicy",
};

export class SessionConfigError extends Error {
  override readonly name = "SessionConfigError";
}

/**
 * Session settings a client may choose: Spark SQL's own (`spark.sql.*`) and DBSQL's aliases.
 * Anything else (Hadoop `fs.*` keys above all: they hold the mount table) is refused.
 */
function sessionSettings(configuration: Readonly<Record<string, string>> | undefined): SparkConf {
  const conf: SparkConf = {};
  for (const [key, value] of Object.entries(configuration ?? {})) {
    const name = PARAMETER_ALIASES[key.toLowerCase()] ?? key;
    if (!name.startsWith("spark.sql."))
      throw new SessionConfigError(
        `[CONFIG_NOT_AVAILABLE] Configuration ${key} is not available: only spark.sql.* settings (and ANSI_MODE, TIMEZONE, LEGACY_TIME_PARSER_POLICY) may be set on a session. SQLSTATE: 42K0I`,
      );
    conf[name] = value;
  }
  return conf;
}

/** The dbfs: view file system's links for these mounts, as session settings. */
function mountSettings(mounts: MountTable): SparkConf {
  const conf: SparkConf = {};
  for (const [prefix, local] of Object.entries(mounts)) {
    const mountPath = prefix.replace(/^dbfs:/i, "").replace(/\/+$/, "");
    conf[`fs.viewfs.mounttable.default.link.${mountPath}`] = `file://${path.resolve(local)}`;
  }
  return conf;
}

/**
 * Where a Databricks emulator's clusters get their Spark: a shared process serving `socketPath`
 * (a test run's, see @sous/spark-local's shared-global-setup.ts) or a process of their own.
 */
export type SparkProcessOptions = { socketPath?: string; driverMemory?: string; javaHome?: string };

const sparkEnvSchema = z.object({
  SOUS_SPARK_SOCKET: z.string().min(1).optional(),
  SOUS_SPARK_DRIVER_MEMORY: z
    .string()
    .regex(/^\d+[kmgt]?$/i, "SOUS_SPARK_DRIVER_MEMORY is a JVM size such as 2g")
    .optional(),
  JAVA_HOME: z.string().min(1).optional(),
});

/**
 * For the boundaries that start emulators (a CLI, a test run's setup): parses SOUS_SPARK_SOCKET,
 * SOUS_SPARK_DRIVER_MEMORY and JAVA_HOME out of the environment they are handed, once.
 */
export function sparkProcessOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): SparkProcessOptions {
  const e = sparkEnvSchema.parse({
    SOUS_SPARK_SOCKET: env.SOUS_SPARK_SOCKET || undefined,
    SOUS_SPARK_DRIVER_MEMORY: env.SOUS_SPARK_DRIVER_MEMORY || undefined,
    JAVA_HOME: env.JAVA_HOME || undefined,
  });
  return {
    ...(e.SOUS_SPARK_SOCKET ? { socketPath: e.SOUS_SPARK_SOCKET } : {}),
    ...(e.SOUS_SPARK_DRIVER_MEMORY ? { driverMemory: e.SOUS_SPARK_DRIVER_MEMORY } : {}),
    ...(e.JAVA_HOME ? { javaHome: e.JAVA_HOME } : {}),
  };
}

/** The process-wide default of `SparkEngineOptions.spark`, set by a test run's setup file. */
let defaultSparkProcess: SparkProcessOptions = {};

/**
 * Sets the Spark of emulators started without a `spark` option in this process: a test run's
 * setup file (test/spark-from-env.ts) points every emulator of the run at its shared process.
 */
export function setDefaultSparkProcess(o: SparkProcessOptions): void {
  defaultSparkProcess = o;
}

export type SparkEngineOptions = {
  mounts: MountTable;
  /** Spark's logs (stderr of an own process). */
  onLog?: (line: string) => void;
  /** Where the Spark comes from (default: `setDefaultSparkProcess`'s, else a process of its own). */
  spark?: SparkProcessOptions;
};

export class SparkEngine {
  private spark: Promise<SparkLocal> | undefined;
  /** Session names are unique across emulators sharing one Spark process. */
  private readonly prefix = randomUUID().slice(0, 8);
  private readonly clusterSessions = new Map<string, Promise<string>>();
  private stopped = false;

  constructor(private readonly opts: SparkEngineOptions) {}

  /** Why Spark cannot run here, if it cannot. */
  static unavailableReason(o: SparkProcessOptions = defaultSparkProcess): string | undefined {
    const a = sparkLocalAvailability(undefined, { javaHome: o.javaHome });
    return a.ok ? undefined : a.reason;
  }

  /** The Spark process, started (or attached to) on first use. */
  process(): Promise<SparkLocal> {
    if (this.stopped) return Promise.reject(new Error("the emulator is stopped"));
    if (!this.spark) {
      const { socketPath, driverMemory, javaHome } = this.opts.spark ?? defaultSparkProcess;
      const java = javaHome ? { javaHome } : {};
      // A shared process serves a whole test run, so it gets more room than one emulator's.
      this.spark = socketPath
        ? connectSharedSpark({ socketPath, driverMemory: driverMemory ?? "2g", ...java })
        : startSparkLocal({
            driverMemory: driverMemory ?? "1g",
            ...java,
            ...(this.opts.onLog ? { onLog: this.opts.onLog } : {}),
          });
      // A process that failed to start is retried by the next cluster start.
      this.spark.catch(() => {
        this.spark = undefined;
      });
    }
    const current = this.spark;
    return current.then((s) => {
      if (!s.exited) return s;
      if (this.spark === current) this.spark = undefined;
      return this.process();
    });
  }

  /**
   * Starts a cluster: the Spark process if it is not up (a real cold start), and the cluster's
   * own session with its `spark_conf`'s Spark SQL settings, on which its Python tasks run.
   */
  startCluster(clusterId: string, sparkConf: Readonly<Record<string, string>> = {}): Promise<string> {
    const name = `${this.prefix}-cluster-${clusterId}-${randomUUID().slice(0, 8)}`;
    const started = (async () => {
      const spark = await this.process();
      await spark.openSession(name, this.conf(clusterSettings(sparkConf)));
      return name;
    })();
    this.clusterSessions.set(clusterId, started);
    started.catch(() => {
      if (this.clusterSessions.get(clusterId) === started) this.clusterSessions.delete(clusterId);
    });
    return started;
  }

  /** The cluster's session, once started. */
  clusterSession(clusterId: string): Promise<string> | undefined {
    return this.clusterSessions.get(clusterId);
  }

  async stopCluster(clusterId: string): Promise<void> {
    const session = this.clusterSessions.get(clusterId);
    this.clusterSessions.delete(clusterId);
    if (!session || !this.spark) return;
    const name = await session.catch(() => undefined);
    if (name) await (await this.spark).closeSession(name).catch(() => undefined);
  }

  /** An isolated session (a Thrift session): the cluster's settings, then the client's. */
  async openSession(
    sparkConf: Readonly<Record<string, string>>,
    configuration: Readonly<Record<string, string>> | undefined,
  ): Promise<string> {
    const settings = { ...clusterSettings(sparkConf), ...sessionSettings(configuration) };
    const name = `${this.prefix}-session-${randomUUID()}`;
    await (await this.process()).openSession(name, this.conf(settings));
    return name;
  }

  async closeSession(name: string): Promise<void> {
    if (!this.spark) return;
    await (await this.spark).closeSession(name).catch(() => undefined);
  }

  async run(session: string, sql: string, tag: string): Promise<SparkResult> {
    return (await this.process()).run(session, sql, { tag, render: "thrift" });
  }

  async runPython(
    session: string,
    file: string,
    args: readonly string[],
    tag: string,
  ): Promise<PythonRunResult> {
    return (await this.process()).runPython(session, file, args, tag);
  }

  /** An execution context (Command Execution API): a session of its own with the cluster's settings. */
  async openContext(contextId: string, sparkConf: Readonly<Record<string, string>>): Promise<string> {
    const session = await this.openSession(sparkConf, undefined);
    await (await this.process()).openContext(session, `${this.prefix}-${contextId}`);
    return session;
  }

  async closeContext(contextId: string, session: string): Promise<void> {
    if (!this.spark) return;
    const spark = await this.spark.catch(() => undefined);
    await spark?.closeContext(`${this.prefix}-${contextId}`).catch(() => undefined);
    await this.closeSession(session);
  }

  async command(
    contextId: string,
    language: "python" | "sql",
    command: string,
    o: { tag: string; maxRows: number },
  ): Promise<CommandResult> {
    return (await this.process()).command(`${this.prefix}-${contextId}`, language, command, o);
  }

  async cancel(tag: string): Promise<void> {
    if (!this.spark) return;
    await (await this.spark).cancel(tag).catch(() => false);
  }

  /**
   * Cancels what runs under `tag`, again every half second until `done` settles: a cancel that
   * lands before the work reached Spark (a Blob download, the request still in flight) would
   * otherwise find nothing to stop.
   */
  cancelUntil(tag: string, done: Promise<unknown>): void {
    let settled = false;
    const stop = () => {
      settled = true;
    };
    done.then(stop, stop);
    const again = () => {
      if (settled || this.stopped) return;
      void this.cancel(tag).finally(() => {
        if (!settled) setTimeout(again, 500).unref();
      });
    };
    again();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const spark = this.spark;
    this.spark = undefined;
    if (!spark) return;
    // An own process stops; a shared one only loses this connection (and its sessions).
    await (await spark.catch(() => undefined))?.stop();
  }

  // The mount table comes last: nothing a cluster or client sets may change it.
  private conf(settings: SparkConf): SparkConf {
    return { ...settings, ...mountSettings(this.opts.mounts) };
  }
}

/** A cluster's spark_conf as session settings: only Spark SQL's, silently, as the rest is the JVM's. */
function clusterSettings(sparkConf: Readonly<Record<string, string>>): SparkConf {
  return Object.fromEntries(Object.entries(sparkConf).filter(([k]) => k.startsWith("spark.sql.")));
}
