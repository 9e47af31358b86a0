// Worker processes and a private redis-server for the recovery tests of both apps (the worker's,
// and the studio's jobs API): real processes, killed for real. Here, not in an app's test folder,
// so that no app's tests import another app's.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "../..");

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function track(child: ChildProcess): Proc {
  let out = "";
  child.stdout?.on("data", (b) => {
    out += String(b);
  });
  child.stderr?.on("data", (b) => {
    out += String(b);
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitForOutput(p: Proc, re: RegExp, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(p.output())) {
    if (p.child.exitCode !== null) throw new Error(`${what} exited: ${p.output()}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms: ${p.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `apps/worker/src/main.ts` under tsx with `env` on top of the test's; resolves once it is ready. */
export async function spawnWorker(env: Record<string, string>): Promise<Proc> {
  // node with tsx as a loader (not the tsx CLI, not pnpm exec, which run the script in a child):
  // SIGKILL must hit the worker itself.
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.join(repoRoot, "apps/worker"),
    env: { ...process.env, SOUS_SECRET_KEY: randomBytes(32).toString("base64"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const p = track(child);
  await waitForOutput(p, /\[worker\] ready/, 60_000, "worker");
  return p;
}

/** A redis-server of our own (never the shared one): no persistence, so a restart loses its data. */
export async function startRedis(port: number, dir: string): Promise<Proc> {
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const p = track(child);
  await waitForOutput(p, /Ready to accept connections/, 10_000, "redis-server");
  return p;
}

export async function stop(p: Proc | undefined, signal: NodeJS.Signals = "SIGTERM") {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  await p.exited;
}
