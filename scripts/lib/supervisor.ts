// Keeps the long-running processes of `npm start` (studio, worker, Databricks emulator) running:
// a child that exits when nobody asked it to is restarted with exponential backoff, and a line
// says so. Each child gets a process group of its own (so a kill reaches everything it started,
// and a Ctrl-C in the terminal reaches only the supervisor, which stops the children in order);
// stop() ends the group with SIGTERM, then SIGKILL, and waits until none of it is left.
import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { groupAlive, signalGroup } from "./proc.ts";

/**
 * Node flags that preload child-guard.mjs into a supervised node process: it exits when its
 * stdout/stderr pipe breaks or its supervisor dies, instead of living on as an orphan.
 */
export const childGuardArgs: readonly string[] = [
  "--import",
  pathToFileURL(path.join(import.meta.dirname, "child-guard.mjs")).href,
];

export interface SuperviseOptions {
  /** Shown in the supervisor's lines: "worker exited (signal SIGKILL); restarting in 1 s (restart 1)". */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The supervisor's own lines, without a prefix (default: "[sous] ..." on stdout). */
  log?: (message: string) => void;
  /** Everything the child prints (default: copied to this process's stdout and stderr). */
  output?: (chunk: Buffer, stream: "stdout" | "stderr") => void;
  /** First restart delay, doubled at each crash in a row (default 1 s)... */
  initialDelayMs?: number;
  /** ...up to this (default 30 s). */
  maxDelayMs?: number;
  /** A child that stayed up this long starts again from the first delay (default 60 s). */
  resetAfterMs?: number;
  /** stop(): SIGTERM, then SIGKILL after this long (default 5 s). */
  stopTimeoutMs?: number;
}

export interface ChildExit {
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  uptimeMs: number;
  /** Undefined when the supervisor is stopping: no restart. */
  restartInMs: number | undefined;
}

/** "0.5 s", "1 s", "30 s". */
export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

const live = new Set<Supervisor>();
let exitHookInstalled = false;

// stdout/stderr once a write to them failed (EPIPE: nobody reads the pipe any more). Node keeps
// such a stream "writable", and each further write would fail again: they are skipped instead.
const broken = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => broken.add(stream));

/** Writes to this process's stdout or stderr unless it is known to be closed. */
export function write(stream: NodeJS.WriteStream, chunk: Buffer | string): boolean {
  if (broken.has(stream)) return false;
  stream.write(chunk);
  return true;
}

export class Supervisor extends EventEmitter<{ spawn: [ChildProcess]; exit: [ChildExit] }> {
  readonly name: string;
  /** How many times the child was restarted. */
  restarts = 0;
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private crashesInARow = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private readonly log: (message: string) => void;

  constructor(private readonly opts: SuperviseOptions) {
    super();
    this.name = opts.name;
    this.log = opts.log ?? ((m) => write(process.stdout, `[sous] ${m}\n`));
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // However this process ends (process.exit, an uncaught error), no child is left behind.
      process.on("exit", () => {
        for (const s of live) s.kill("SIGKILL");
      });
    }
    this.start();
  }

  /** The running child's pid, which is also its process group id; undefined between restarts. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends `signal` to the running child's whole process group. */
  kill(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid !== undefined) signalGroup(pid, signal);
  }

  /** No more restarts; SIGTERM to the child's group, SIGKILL after `timeoutMs`; resolves once it is all gone. */
  stop(timeoutMs = this.opts.stopTimeoutMs ?? 5000): Promise<void> {
    this.stopping ??= this.terminate(timeoutMs);
    return this.stopping;
  }

  private start(): void {
    const output =
      this.opts.output ??
      ((chunk, stream) => write(stream === "stdout" ? process.stdout : process.stderr, chunk));
    const child = spawn(this.opts.command, this.opts.args, {
      cwd: this.opts.cwd,
      env: { ...(this.opts.env ?? process.env), SOUS_SUPERVISOR_PID: String(process.pid) },
      // setsid(): a process group (and session) of its own.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.startedAt = Date.now();
    child.stdout?.on("data", (c: Buffer) => output(c, "stdout"));
    child.stderr?.on("data", (c: Buffer) => output(c, "stderr"));
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (ended) return;
      ended = true;
      this.exited(child, code, signal, error);
    };
    child.once("exit", (code, signal) => end(code, signal));
    child.on("error", (e) => {
      // Only a failed spawn ends the child; a failed kill() of an exited one also lands here.
      if (child.pid === undefined) end(null, null, e);
    });
    if (this.restarts > 0 && child.pid !== undefined)
      this.log(`${this.name} started again (pid ${child.pid})`);
    this.emit("spawn", child);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, error?: Error) {
    // Whatever the child started dies with it, before a new one starts.
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    if (this.child === child) this.child = undefined;
    const uptimeMs = Date.now() - this.startedAt;
    const info = { pid: child.pid, code, signal, uptimeMs };
    if (this.stopping) {
      this.emit("exit", { ...info, restartInMs: undefined });
      return;
    }
    if (uptimeMs >= (this.opts.resetAfterMs ?? 60_000)) this.crashesInARow = 0;
    const delay = Math.min(
      (this.opts.initialDelayMs ?? 1000) * 2 ** this.crashesInARow,
      this.opts.maxDelayMs ?? 30_000,
    );
    this.crashesInARow++;
    this.restarts++;
    const why = error ? `could not start: ${error.message}` : signal ? `signal ${signal}` : `code ${code}`;
    this.log(`${this.name} exited (${why}); restarting in ${seconds(delay)} (restart ${this.restarts})`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopping) this.start();
    }, delay);
    this.emit("exit", { ...info, restartInMs: delay });
  }

  private async terminate(timeoutMs: number): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const child = this.child;
    const pgid = child?.pid;
    if (child && pgid !== undefined) {
      const gone = () => (child.exitCode !== null || child.signalCode !== null) && !groupAlive(pgid);
      signalGroup(pgid, "SIGTERM");
      if (!(await waitUntil(gone, timeoutMs))) {
        this.log(`${this.name} did not stop within ${seconds(timeoutMs)}; killing it`);
        signalGroup(pgid, "SIGKILL");
        await waitUntil(gone, 5000);
      }
    }
    live.delete(this);
  }
}

/** Starts `command` under a Supervisor (see SuperviseOptions). */
export function supervise(opts: SuperviseOptions): Supervisor {
  return new Supervisor(opts);
}

/** Stops every supervised child of this process, side by side. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop()));
}

/** SIGKILL to every supervised child's group, now (a second Ctrl-C). */
export function killAll(): void {
  for (const s of live) s.kill("SIGKILL");
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
