import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

/**
 * A long-lived Python process (python/sous_spark) holding a local SparkSession, spoken to in
 * JSON lines. Real Apache Spark from the project's venv (.venv, built by scripts/bootstrap.mjs
 * from python/requirements.txt). `startSparkLocal()` owns a child process spoken to over its
 * stdin/stdout; `connectSharedSpark()` attaches to one process serving a unix socket, shared by
 * every caller that names the same socket (the integration tests' emulators: one JVM cold start).
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

export type SparkFailure = {
  ok: false;
  /** Spark's error condition, e.g. `TABLE_OR_VIEW_NOT_FOUND`; `CANCELLED` when cancelled. */
  errorClass: string;
  /** Spark's SQLSTATE, when the error has one. */
  sqlState?: string;
  message: string;
};

export type SparkResult = { ok: true; columns: SparkColumn[]; rows: SparkValue[][] } | SparkFailure;

/** A Python file run on the session: its stdout and stderr, and how it failed. */
export type PythonRunResult = { ok: true; logs: string } | (SparkFailure & { logs?: string; trace?: string });

/**
 * A command of the Command Execution API run in a context: printed text (and the last
 * expression's value), a table (a DataFrame shown, or a SQL command's rows), or a failure with
 * its trace and what was printed before it.
 */
export type CommandResult =
  | { ok: true; resultType: "text"; data: string }
  | {
      ok: true;
      resultType: "table";
      /** `json`: Spark's JSON form of the type, as the API's schema carries it. */
      columns: (SparkColumn & { json: string })[];
      rows: SparkValue[][];
      truncated: boolean;
    }
  | (SparkFailure & { logs?: string; trace?: string });

/** Session settings, e.g. `{ "spark.sql.ansi.enabled": "false" }`. */
export type SparkConf = Record<string, string>;

export interface SparkLocal {
  /** The Spark version, e.g. "4.0.1". */
  version: string;
  /** Milliseconds from spawning (or connecting) to a ready SparkSession. */
  startupMs: number;
  /** Runs one statement with these session settings (others set by earlier calls are unset). */
  sql(statement: string, conf?: SparkConf, options?: { maxRows?: number }): Promise<SparkResult>;
  /** An isolated session (`spark.newSession()`: its own settings and temp views). */
  openSession(name: string, conf?: SparkConf): Promise<void>;
  closeSession(name: string): Promise<void>;
  /**
   * Runs a statement on a session, concurrently with others; `tag` lets `cancel` interrupt it.
   * `render: "thrift"` gives timestamps as Spark's Thrift server prints them (session time zone,
   * `2024-01-02 03:04:05.5`) and bigints beyond 2^53 as strings.
   */
  run(
    session: string,
    statement: string,
    options?: { tag?: string; maxRows?: number; render?: "thrift" },
  ): Promise<SparkResult>;
  /** Runs a Python file (runpy, sys.argv = [file, ...args]) whose getOrCreate() is this session. */
  runPython(session: string, file: string, args: readonly string[], tag?: string): Promise<PythonRunResult>;
  /** A Python namespace (state kept between commands) with `spark` bound to the session. */
  openContext(session: string, context: string): Promise<void>;
  closeContext(context: string): Promise<void>;
  /** Runs a python or sql command in a context (one at a time per context); `tag` lets `cancel` stop it. */
  command(
    context: string,
    language: "python" | "sql",
    command: string,
    options?: { tag?: string; maxRows?: number },
  ): Promise<CommandResult>;
  /** Interrupts what runs under `tag`; false when nothing does. */
  cancel(tag: string): Promise<boolean>;
  /** Set when the process is gone: every later call fails with it. */
  readonly exited: Error | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The venv's python (default `<repo>/.venv/bin/python`). */
  python?: string;
  /** The Java Spark runs on, as a JAVA_HOME (default: the `java` on the PATH). */
  javaHome?: string;
  /** Spark's driver memory (default 2g). */
  driverMemory?: string;
  startTimeoutMs?: number;
  /** Forward the process's stderr (Spark's logs) to this callback instead of keeping the tail only. */
  onLog?: (line: string) => void;
}

/** Whether Spark can start here, and if not, why (for skipping tests with a clear reason). */
export function sparkLocalAvailability(
  python = defaultPython,
  o: { javaHome?: string | undefined } = {},
): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(python) || !existsSync(path.join(path.dirname(python), "..", VENV_STAMP)))
    return {
      ok: false,
      reason: `no Python environment at ${path.dirname(path.dirname(python))}: run \`node scripts/bootstrap.mjs\` (needs python3 with venv)`,
    };
  const java = o.javaHome ? path.join(o.javaHome, "bin", "java") : "java";
  if (spawnSync(java, ["-version"], { stdio: "ignore" }).status !== 0)
    return { ok: false, reason: "java not found: install Java 17 (apt-get install openjdk-17-jre-headless)" };
  return { ok: true };
}

// The child inherits this process's environment (PATH, HOME, ...) as any child process does;
// everything Sous sets for it comes from the options.
const pythonEnv = (options: StartOptions) => ({
  ...process.env,
  PYTHONPATH: path.join(repoRoot, "python"),
  PYTHONUNBUFFERED: "1",
  TZ: "UTC",
  SOUS_SPARK_DRIVER_MEMORY: options.driverMemory ?? "2g",
  ...(options.javaHome ? { JAVA_HOME: options.javaHome } : {}),
});

type Response = { id?: number } & Record<string, unknown>;

/** The JSON-lines protocol over any pair of streams, once the ready line has been read. */
function client(
  input: Readable,
  output: Writable,
  ready: { spark: string },
  startupMs: number,
  lifecycle: { onGone(listener: (e: Error) => void): void; stop(): Promise<void> },
): SparkLocal {
  const pending = new Map<number, (r: Response) => void>();
  let nextId = 1;
  let exited: Error | null = null;
  const rejecters = new Map<number, (e: Error) => void>();
  lifecycle.onGone((e) => {
    exited = e;
    for (const reject of rejecters.values()) reject(e);
    pending.clear();
    rejecters.clear();
  });
  createInterface({ input }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    const response = JSON.parse(line) as Response;
    if (typeof response.id !== "number") return;
    const resolve = pending.get(response.id);
    pending.delete(response.id);
    rejecters.delete(response.id);
    resolve?.(response);
  });
  const call = (request: Record<string, unknown>): Promise<Response> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<Response>((resolve, reject) => {
      pending.set(id, resolve);
      rejecters.set(id, reject);
      output.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  };
  const result = <T>(r: Response) => {
    const { id: _id, ...rest } = r;
    return rest as T;
  };
  const failIfNotOk = (r: Response) => {
    if (r.ok !== true) throw new Error(`local Spark: ${String(r.message)}`);
  };
  return {
    version: ready.spark,
    startupMs,
    get exited() {
      return exited;
    },
    async sql(statement, conf = {}, opts = {}) {
      return result<SparkResult>(await call({ sql: statement, conf, maxRows: opts.maxRows ?? null }));
    },
    async openSession(name, conf = {}) {
      failIfNotOk(await call({ op: "session.open", session: name, conf }));
    },
    async closeSession(name) {
      if (exited) return;
      await call({ op: "session.close", session: name });
    },
    async run(session, statement, opts = {}) {
      return result<SparkResult>(
        await call({
          op: "sql",
          session,
          sql: statement,
          tag: opts.tag ?? null,
          maxRows: opts.maxRows ?? null,
          render: opts.render ?? null,
        }),
      );
    },
    async runPython(session, file, args, tag) {
      return result<PythonRunResult>(await call({ op: "python", session, file, args, tag: tag ?? null }));
    },
    async openContext(session, context) {
      failIfNotOk(await call({ op: "context.open", session, context }));
    },
    async closeContext(context) {
      if (exited) return;
      await call({ op: "context.close", context });
    },
    async command(context, language, command, opts = {}) {
      return result<CommandResult>(
        await call({
          op: "command",
          context,
          language,
          command,
          tag: opts.tag ?? null,
          maxRows: opts.maxRows ?? null,
        }),
      );
    },
    async cancel(tag) {
      if (exited) return false;
      return (await call({ op: "cancel", tag })).found === true;
    },
    stop: () => lifecycle.stop(),
  };
}

function readyLine(lines: Readable, timeoutMs: number, gone: Promise<Error>): Promise<{ spark: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local Spark did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const rl = createInterface({ input: lines });
    rl.once("line", (line) => {
      clearTimeout(timer);
      rl.close();
      try {
        resolve(JSON.parse(line) as { spark: string });
      } catch {
        reject(new Error(`local Spark printed ${JSON.stringify(line)} instead of its ready line`));
      }
    });
    void gone.then((e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** A Spark process of its own, spoken to over stdin/stdout, stopped by `stop()`. */
export async function startSparkLocal(options: StartOptions = {}): Promise<SparkLocal> {
  const python = options.python ?? defaultPython;
  const available = sparkLocalAvailability(python, options);
  if (!available.ok) throw new Error(`cannot start local Spark: ${available.reason}`);
  const started = Date.now();
  const child: ChildProcess = spawn(python, ["-m", "sous_spark"], {
    cwd: path.join(repoRoot, "python"),
    stdio: ["pipe", "pipe", "pipe"],
    env: pythonEnv(options),
  });
  const tail: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    if (options.onLog) options.onLog(line);
    tail.push(line);
    if (tail.length > 40) tail.shift();
  });
  const gone = new Promise<Error>((resolve) =>
    child.once("exit", (code, signal) =>
      resolve(
        new Error(
          `local Spark exited (${signal ?? `code ${code}`}); its last output:\n${tail.slice(-15).join("\n")}`,
        ),
      ),
    ),
  );
  let hello: { spark: string };
  try {
    // The ready line is read by a reader of its own; the client's reader starts after it.
    hello = await readyLine(child.stdout!, options.startTimeoutMs ?? 120_000, gone);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return client(child.stdout!, child.stdin!, hello, Date.now() - started, {
    onGone: (listener) => void gone.then(listener),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(timer);
    },
  });
}

export interface SharedOptions extends StartOptions {
  /** The unix socket the shared process serves (created by the first caller). */
  socketPath: string;
  /** The shared process exits after this long without any client (default 120 s). */
  idleExitSeconds?: number;
}

const connectOnce = (socketPath: string) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });

/**
 * Attaches to the Spark process serving `socketPath`, starting it (detached, so it outlives
 * this caller until it idles out or is told to shut down) when nobody serves it yet. Each
 * connection's sessions are its own and close with it; `stop()` only disconnects.
 */
export async function connectSharedSpark(options: SharedOptions): Promise<SparkLocal> {
  const python = options.python ?? defaultPython;
  const available = sparkLocalAvailability(python, options);
  if (!available.ok) throw new Error(`cannot start local Spark: ${available.reason}`);
  const started = Date.now();
  const deadline = started + (options.startTimeoutMs ?? 120_000);
  const lock = `${options.socketPath}.starting`;
  const log = `${options.socketPath}.log`;
  let socket: net.Socket | undefined;
  while (!socket) {
    try {
      socket = await connectOnce(options.socketPath);
      break;
    } catch {
      // nobody serves it yet
    }
    if (Date.now() > deadline)
      throw new Error(`the shared local Spark at ${options.socketPath} did not start; see ${log}`);
    // One caller spawns (mkdir is atomic); the others wait for the socket. A lock older than
    // the start timeout is from a spawner that died.
    let spawnIt = false;
    try {
      mkdirSync(lock);
      spawnIt = true;
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > (options.startTimeoutMs ?? 120_000)) rmSync(lock, { recursive: true, force: true });
    }
    if (spawnIt) {
      const fd = openSync(log, "a");
      const child = spawn(
        python,
        [
          "-m",
          "sous_spark",
          "--listen",
          options.socketPath,
          "--idle-exit-s",
          String(options.idleExitSeconds ?? 120),
        ],
        {
          cwd: path.join(repoRoot, "python"),
          stdio: ["ignore", fd, fd],
          env: pythonEnv(options),
          detached: true,
        },
      );
      closeSync(fd);
      child.unref();
      child.once("exit", () => rmSync(lock, { recursive: true, force: true }));
      // The lock goes once the socket answers, whoever connects first.
      void (async () => {
        while (Date.now() < deadline && child.exitCode === null) {
          if (existsSync(options.socketPath)) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        rmSync(lock, { recursive: true, force: true });
      })();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const connected = socket;
  const gone = new Promise<Error>((resolve) => {
    connected.once("close", () =>
      resolve(new Error(`the shared local Spark at ${options.socketPath} went away`)),
    );
    connected.once("error", () => undefined);
  });
  const hello = await readyLine(connected, Math.max(1_000, deadline - Date.now()), gone);
  return client(connected, connected, hello, Date.now() - started, {
    onGone: (listener) => void gone.then(listener),
    async stop() {
      if (connected.destroyed) return;
      const closed = new Promise<void>((resolve) => connected.once("close", () => resolve()));
      connected.end();
      await closed;
    },
  });
}

/** Tells the process serving `socketPath` to exit (after its clients' work), if one does. */
export async function shutdownSharedSpark(socketPath: string): Promise<void> {
  let socket: net.Socket;
  try {
    socket = await connectOnce(socketPath);
  } catch {
    return;
  }
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => undefined);
  socket.on("data", () => undefined);
  socket.write(`${JSON.stringify({ id: 0, op: "shutdown" })}\n`);
  socket.end();
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000))]);
}
