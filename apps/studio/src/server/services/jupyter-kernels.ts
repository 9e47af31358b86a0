import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { AppError } from "@sous/contracts";
import WebSocket from "ws";

// Python notebooks (issue #17): Jupyter kernels from the project's Python environment, one
// jupyter-server per user (started on first use, bound to 127.0.0.1 on a free port, its token known
// only to this process), one kernel per user and notebook. The browser never reaches Jupyter: the
// studio's endpoints call these methods under their own session auth, and every method takes the
// caller's user id, so a kernel handle of someone else is "not found" (a handle is not a secret
// anyone could reuse). Idle kernels are shut down, and a server without kernels is stopped.
// Options only (no process.env): the studio passes its parsed environment.

export interface KernelManagerOptions {
  /** The venv's python, which has jupyter_server and ipykernel. */
  python: string;
  /** Prepended to PYTHONPATH in the kernels (where the `sous` package lives). */
  pythonPath: string;
  /** Each user's server gets a folder under this one (its root dir, runtime and config). */
  workDir: string;
  /** A kernel unused this long is shut down; a server without kernels this long is stopped. */
  idleMs: number;
  /** Variables of this process the servers (and so the kernels) inherit; the rest is not passed. */
  inheritEnv?: Record<string, string | undefined>;
  startTimeoutMs?: number;
  log?: (message: string) => void;
}

/** One output of a cell, as nbformat 4 stores it in an .ipynb. */
export type CellOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | {
      output_type: "execute_result";
      execution_count: number | null;
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
    }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface ExecuteResult {
  status: "ok" | "error" | "aborted";
  executionCount: number | null;
  outputs: CellOutput[];
  durationMs: number;
}

export interface KernelInfo {
  /** Sous's handle of the kernel (not Jupyter's id). */
  id: string;
  notebookKey: string;
  state: "starting" | "idle" | "busy" | "restarting" | "dead";
  startedAt: string;
  lastUsedAt: string;
}

/** Code a kernel runs silently after it starts or restarts (e.g. the `sous` package's settings). */
export type KernelInit = () => string;

/**
 * What a new kernel needs, asked only when one is started (not when the caller's running kernel is
 * returned): its set-up code, and what to do once it stops (e.g. revoke a token `init` gave it).
 */
export type KernelSetup = () => { init: KernelInit; onStopped?: () => void };

interface JupyterServer {
  userId: string;
  proc: ChildProcess;
  baseUrl: string;
  token: string;
  ready: Promise<void>;
  stderr: string;
  lastUsed: number;
  exited: boolean;
}

interface Kernel {
  handle: string;
  userId: string;
  notebookKey: string;
  jupyterId: string;
  server: JupyterServer;
  ws: WebSocket | null;
  sessionId: string;
  init: KernelInit;
  state: KernelInfo["state"];
  startedAt: number;
  lastUsed: number;
  running: number;
  /** iopub/shell messages by the msg_id of the request they answer. */
  listeners: Map<string, (msg: JupyterMessage) => void>;
  onStopped: () => void;
}

interface JupyterMessage {
  channel: string;
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

const ENV_KEPT = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "JAVA_HOME", "SPARK_HOME"];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** How long a cell's answer waits for the kernel's "idle" after its execute_reply. */
const IDLE_GRACE_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class KernelManager {
  private readonly servers = new Map<string, JupyterServer>();
  private readonly kernels = new Map<string, Kernel>();
  private readonly starting = new Map<string, Promise<Kernel>>();
  private readonly reaper: NodeJS.Timeout;

  constructor(private readonly opts: KernelManagerOptions) {
    this.reaper = setInterval(() => void this.reapIdle(), Math.min(30_000, Math.max(1_000, opts.idleMs / 4)));
    this.reaper.unref();
  }

  private log(m: string) {
    this.opts.log?.(m);
  }

  /** The caller's kernel for a notebook, started (with its server) when there is none. */
  async kernelFor(userId: string, notebookKey: string, setup: KernelSetup): Promise<KernelInfo> {
    const key = `${userId}\0${notebookKey}`;
    for (const k of this.kernels.values())
      if (k.userId === userId && k.notebookKey === notebookKey && k.state !== "dead") {
        k.lastUsed = Date.now();
        return this.info(k);
      }
    let p = this.starting.get(key);
    if (!p) {
      p = this.startKernel(userId, notebookKey, setup).finally(() => this.starting.delete(key));
      this.starting.set(key, p);
    }
    return this.info(await p);
  }

  /** The caller's kernels (none of anyone else's). */
  list(userId: string): KernelInfo[] {
    return [...this.kernels.values()].filter((k) => k.userId === userId).map((k) => this.info(k));
  }

  get(userId: string, handle: string): KernelInfo {
    return this.info(this.own(userId, handle));
  }

  private own(userId: string, handle: string): Kernel {
    const k = this.kernels.get(handle);
    // Someone else's kernel is answered exactly like a kernel that does not exist.
    if (!k || k.userId !== userId) throw new AppError("not_found", "Kernel not found: it may have stopped.");
    return k;
  }

  private info(k: Kernel): KernelInfo {
    return {
      id: k.handle,
      notebookKey: k.notebookKey,
      state: k.state,
      startedAt: new Date(k.startedAt).toISOString(),
      lastUsedAt: new Date(k.lastUsed).toISOString(),
    };
  }

  private async serverFor(userId: string): Promise<JupyterServer> {
    const existing = this.servers.get(userId);
    if (existing && !existing.exited) {
      await existing.ready;
      return existing;
    }
    const port = await freePort();
    const token = randomBytes(32).toString("hex");
    const dir = path.join(this.opts.workDir, userId.replace(/[^A-Za-z0-9_-]/g, "_"));
    for (const d of ["root", "runtime", "config", "data", "ipython"])
      mkdirSync(path.join(dir, d), { recursive: true });
    const env: Record<string, string> = {};
    for (const k of ENV_KEPT) {
      const v = this.opts.inheritEnv?.[k];
      if (v !== undefined) env[k] = v;
    }
    Object.assign(env, {
      // The token goes in the environment, not on the command line other local users could read.
      JUPYTER_TOKEN: token,
      JUPYTER_CONFIG_DIR: path.join(dir, "config"),
      JUPYTER_DATA_DIR: path.join(dir, "data"),
      JUPYTER_RUNTIME_DIR: path.join(dir, "runtime"),
      JUPYTER_PLATFORM_DIRS: "1",
      IPYTHONDIR: path.join(dir, "ipython"),
      PYTHONPATH: this.opts.pythonPath,
      PYTHONUNBUFFERED: "1",
    });
    const backstop = Math.ceil(this.opts.idleMs / 1000);
    const proc = spawn(
      this.opts.python,
      [
        "-m",
        "jupyter_server",
        "--ServerApp.ip=127.0.0.1",
        `--ServerApp.port=${port}`,
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        // Cells run through kernels only: no shell terminals behind the studio's back.
        "--ServerApp.terminals_enabled=False",
        `--ServerApp.root_dir=${path.join(dir, "root")}`,
        // Sous stops idle kernels and servers itself (it knows when a notebook was last used); Jupyter's
        // own culling, a little later, only catches what a studio that died without stopping its
        // children left behind (a kernel nobody is connected to, then a server without kernels).
        `--MappingKernelManager.cull_idle_timeout=${backstop + 300}`,
        "--MappingKernelManager.cull_interval=60",
        `--ServerApp.shutdown_no_activity_timeout=${backstop + 600}`,
        // Containers and CI run as root; Jupyter refuses that unless told.
        ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
      ],
      { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "ignore", "pipe"] },
    );
    const server: JupyterServer = {
      userId,
      proc,
      baseUrl: `http://127.0.0.1:${port}`,
      token,
      ready: Promise.resolve(),
      stderr: "",
      lastUsed: Date.now(),
      exited: false,
    };
    proc.stderr?.setEncoding("utf8");
    proc.stderr?.on("data", (s: string) => {
      server.stderr = (server.stderr + s).slice(-8_000);
    });
    proc.on("exit", (code) => {
      server.exited = true;
      if (this.servers.get(userId) === server) this.servers.delete(userId);
      for (const k of this.kernels.values()) if (k.server === server) this.forget(k);
      this.log(`[notebooks] jupyter-server of user ${userId} stopped (exit ${code})`);
    });
    server.ready = this.waitReady(server);
    this.servers.set(userId, server);
    try {
      await server.ready;
    } catch (e) {
      proc.kill("SIGTERM");
      throw e;
    }
    this.log(`[notebooks] jupyter-server of user ${userId} on 127.0.0.1:${port}`);
    return server;
  }

  private async waitReady(server: JupyterServer): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (server.exited) break;
      try {
        const r = await this.rest(server, "GET", "/api/status");
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    const tail = server.stderr.trim().split("\n").slice(-5).join("\n");
    throw new AppError(
      "unavailable",
      `The Python environment's Jupyter server did not start${tail ? `: ${tail}` : ""}. Is .venv built (npm start builds it)?`,
    );
  }

  private rest(server: JupyterServer, method: string, p: string, body?: unknown): Promise<Response> {
    server.lastUsed = Date.now();
    return fetch(`${server.baseUrl}${p}`, {
      method,
      headers: { authorization: `token ${server.token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  private async startKernel(userId: string, notebookKey: string, setup: KernelSetup): Promise<Kernel> {
    const server = await this.serverFor(userId);
    const r = await this.rest(server, "POST", "/api/kernels", { name: "python3" });
    if (!r.ok) throw new AppError("unavailable", `Jupyter refused to start a kernel (${r.status}).`);
    const { id } = (await r.json()) as { id: string };
    // From here on, a failure shuts the kernel down, which calls onStopped.
    const { init, onStopped = () => {} } = setup();
    const k: Kernel = {
      handle: randomUUID(),
      userId,
      notebookKey,
      jupyterId: id,
      server,
      ws: null,
      sessionId: randomUUID(),
      init,
      state: "starting",
      startedAt: Date.now(),
      lastUsed: Date.now(),
      running: 0,
      listeners: new Map(),
      onStopped,
    };
    this.kernels.set(k.handle, k);
    try {
      await this.connect(k);
      await this.runInit(k);
    } catch (e) {
      await this.shutdown(userId, k.handle).catch(() => {});
      throw e;
    }
    k.state = "idle";
    return k;
  }

  private connect(k: Kernel): Promise<void> {
    const url = `${k.server.baseUrl.replace(/^http/, "ws")}/api/kernels/${k.jupyterId}/channels?session_id=${k.sessionId}`;
    const ws = new WebSocket(url, { headers: { authorization: `token ${k.server.token}` } });
    k.ws = ws;
    ws.on("message", (data, isBinary) => {
      // Binary frames carry buffers (widgets); cells here only need the JSON messages.
      if (isBinary) return;
      let msg: JupyterMessage;
      try {
        msg = JSON.parse(String(data)) as JupyterMessage;
      } catch {
        return;
      }
      if (msg.channel === "iopub" && msg.header.msg_type === "status") {
        const s = msg.content.execution_state;
        if (s === "busy" || s === "idle" || s === "restarting" || s === "starting") k.state = s;
        if (s === "dead") k.state = "dead";
      }
      const parent = msg.parent_header?.msg_id;
      if (parent) k.listeners.get(parent)?.(msg);
    });
    ws.on("close", () => {
      if (k.ws === ws) k.ws = null;
    });
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", (e) =>
        reject(new AppError("unavailable", `Could not connect to the kernel: ${e.message}`)),
      );
    });
  }

  private async runInit(k: Kernel): Promise<void> {
    const r = await this.send(k, k.init(), { silent: true });
    if (r.status !== "ok") {
      const err = r.outputs.find((o) => o.output_type === "error");
      throw new AppError(
        "unavailable",
        `The kernel's set-up failed${err && err.output_type === "error" ? `: ${err.ename}: ${err.evalue}` : ""}.`,
      );
    }
  }

  /** Runs code in the caller's kernel; the outputs as an .ipynb stores them. `signal` interrupts it. */
  async execute(userId: string, handle: string, code: string, signal?: AbortSignal): Promise<ExecuteResult> {
    const k = this.own(userId, handle);
    if (k.state === "dead") throw new AppError("conflict", "The kernel is dead: restart it.");
    const onAbort = () => void this.interrupt(userId, handle).catch(() => {});
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await this.send(k, code, { silent: false });
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private async send(k: Kernel, code: string, o: { silent: boolean }): Promise<ExecuteResult> {
    if (!k.ws || k.ws.readyState !== WebSocket.OPEN) await this.connect(k);
    const ws = k.ws!;
    const msgId = randomUUID();
    const started = Date.now();
    k.lastUsed = started;
    k.running++;
    const outputs: CellOutput[] = [];
    let status: ExecuteResult["status"] = "ok";
    let executionCount: number | null = null;
    let replied = false;
    let idle = false;
    let onClose = () => {};
    let idleGrace: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const finish = () => {
          if (replied && idle) resolve();
        };
        onClose = () =>
          reject(new AppError("unavailable", "The kernel connection closed while the cell ran."));
        ws.once("close", onClose);
        k.listeners.set(msgId, (msg) => {
          const c = msg.content;
          const type = msg.header.msg_type;
          if (msg.channel === "shell" && type === "execute_reply") {
            replied = true;
            status = c.status === "error" ? "error" : c.status === "aborted" ? "aborted" : "ok";
            executionCount = typeof c.execution_count === "number" ? c.execution_count : null;
            finish();
            // The reply says the cell ended; its outputs come before the kernel's "idle" on iopub.
            // If that never comes (a lost iopub message), answer with what arrived rather than hang.
            if (!idle)
              idleGrace = setTimeout(() => {
                this.log(
                  `[notebooks] kernel ${k.handle}: no idle status ${IDLE_GRACE_MS} ms after the reply`,
                );
                resolve();
              }, IDLE_GRACE_MS);
          } else if (msg.channel === "iopub") {
            if (type === "status" && c.execution_state === "idle") {
              idle = true;
              finish();
            } else if (type === "stream") {
              const name = c.name === "stderr" ? "stderr" : "stdout";
              const last = outputs.at(-1);
              if (last?.output_type === "stream" && last.name === name) last.text += String(c.text ?? "");
              else outputs.push({ output_type: "stream", name, text: String(c.text ?? "") });
            } else if (type === "execute_result") {
              outputs.push({
                output_type: "execute_result",
                execution_count: typeof c.execution_count === "number" ? c.execution_count : null,
                data: (c.data ?? {}) as Record<string, unknown>,
                metadata: (c.metadata ?? {}) as Record<string, unknown>,
              });
            } else if (type === "display_data") {
              outputs.push({
                output_type: "display_data",
                data: (c.data ?? {}) as Record<string, unknown>,
                metadata: (c.metadata ?? {}) as Record<string, unknown>,
              });
            } else if (type === "error") {
              outputs.push({
                output_type: "error",
                ename: String(c.ename ?? ""),
                evalue: String(c.evalue ?? ""),
                traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
              });
            } else if (type === "clear_output") {
              outputs.length = 0;
            }
          }
        });
        ws.send(
          JSON.stringify({
            channel: "shell",
            header: {
              msg_id: msgId,
              msg_type: "execute_request",
              username: k.userId,
              session: k.sessionId,
              date: new Date().toISOString(),
              version: "5.3",
            },
            parent_header: {},
            metadata: {},
            content: {
              code,
              silent: o.silent,
              store_history: !o.silent,
              user_expressions: {},
              allow_stdin: false,
              stop_on_error: true,
            },
            buffers: [],
          }),
          (err) => {
            if (err)
              reject(new AppError("unavailable", `Could not send the cell to the kernel: ${err.message}`));
          },
        );
      });
    } finally {
      clearTimeout(idleGrace);
      ws.off("close", onClose);
      k.listeners.delete(msgId);
      k.running--;
      k.lastUsed = Date.now();
    }
    return { status, executionCount, outputs, durationMs: Date.now() - started };
  }

  async interrupt(userId: string, handle: string): Promise<KernelInfo> {
    const k = this.own(userId, handle);
    const r = await this.rest(k.server, "POST", `/api/kernels/${k.jupyterId}/interrupt`);
    if (!r.ok) throw new AppError("unavailable", `Jupyter could not interrupt the kernel (${r.status}).`);
    return this.info(k);
  }

  /** A fresh Python process (variables gone), set up again; the handle stays. */
  async restart(userId: string, handle: string): Promise<KernelInfo> {
    const k = this.own(userId, handle);
    k.state = "restarting";
    const r = await this.rest(k.server, "POST", `/api/kernels/${k.jupyterId}/restart`);
    if (!r.ok) throw new AppError("unavailable", `Jupyter could not restart the kernel (${r.status}).`);
    // A new connection, as JupyterLab makes after a restart: the old one's ZeroMQ sockets reconnect
    // to the new process on their own, and on a busy machine the messages of the first cell can be
    // lost meanwhile (the iopub subscription is not yet back, or the ports changed), which left that
    // cell waiting forever. Jupyter opens a new connection only once the kernel answered on shell
    // and iopub.
    const old = k.ws;
    k.ws = null;
    old?.close();
    await this.connect(k);
    await this.runInit(k);
    k.state = "idle";
    k.lastUsed = Date.now();
    return this.info(k);
  }

  async shutdown(userId: string, handle: string): Promise<void> {
    const k = this.own(userId, handle);
    this.forget(k);
    await this.rest(k.server, "DELETE", `/api/kernels/${k.jupyterId}`).catch(() => {});
  }

  private forget(k: Kernel) {
    if (!this.kernels.delete(k.handle)) return;
    k.state = "dead";
    k.ws?.close();
    k.ws = null;
    k.onStopped();
  }

  /** Shuts down kernels unused for idleMs (not while a cell runs) and servers left without kernels. */
  async reapIdle(now = Date.now()): Promise<void> {
    for (const k of [...this.kernels.values()]) {
      if (k.running === 0 && now - k.lastUsed >= this.opts.idleMs) {
        this.log(`[notebooks] idle kernel ${k.handle} of user ${k.userId} shut down`);
        await this.shutdown(k.userId, k.handle).catch(() => {});
      }
    }
    for (const s of [...this.servers.values()]) {
      const used = [...this.kernels.values()].some((k) => k.server === s);
      if (!used && now - s.lastUsed >= this.opts.idleMs) this.stopServer(s);
    }
  }

  private stopServer(s: JupyterServer) {
    this.servers.delete(s.userId);
    for (const k of [...this.kernels.values()]) if (k.server === s) this.forget(k);
    s.proc.kill("SIGTERM");
  }

  /** How many servers run (for tests and the idle check). */
  serverCount(): number {
    return this.servers.size;
  }

  /** Stops every server (and so every kernel): on shutdown of the studio, and in tests. */
  stopAll(): void {
    clearInterval(this.reaper);
    for (const s of [...this.servers.values()]) this.stopServer(s);
  }
}
