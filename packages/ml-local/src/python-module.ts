import { spawn } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./python-env.ts";

const pythonDir = path.join(repoRoot, "python");

/**
 * How every child process of the venv that runs a module of python/ (sous_ml) starts: in python/,
 * with it on PYTHONPATH and unbuffered output (progress lines arrive as they are printed). The
 * child inherits this process's environment (PATH, HOME, ...) as any child process does.
 */
export function pythonModuleSpawnOptions(): { cwd: string; env: NodeJS.ProcessEnv } {
  return { cwd: pythonDir, env: { ...process.env, PYTHONPATH: pythonDir, PYTHONUNBUFFERED: "1" } };
}

/** How a run of `runPythonModule` ended: the exit, its whole stdout and stderr's last lines. */
export interface PythonModuleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not run or was aborted (`error.name === "AbortError"`). */
  error?: Error;
  stdout: string;
  tail: string[];
}

/**
 * Runs `python -m <module> -` once: the request goes in as JSON on stdin, each stderr line to
 * `onLog` (the last `tailLines` kept), and resolves when the process has exited, however it
 * exited: what the answer means is the caller's (a trainer's result, a scorer's row count).
 * Killed with SIGKILL after `timeoutMs` or when `signal` aborts.
 */
export async function runPythonModule(o: {
  python: string;
  module: string;
  request: unknown;
  timeoutMs: number;
  tailLines: number;
  signal?: AbortSignal | undefined;
  onLog?: ((line: string) => void) | undefined;
}): Promise<PythonModuleRun> {
  const child = spawn(o.python, ["-m", o.module, "-"], {
    ...pythonModuleSpawnOptions(),
    stdio: ["pipe", "pipe", "pipe"],
    ...(o.signal ? { signal: o.signal } : {}),
    timeout: o.timeoutMs,
    killSignal: "SIGKILL",
  });
  const stdout: Buffer[] = [];
  const tail: string[] = [];
  let partial = "";
  child.stdout.on("data", (b: Buffer) => stdout.push(b));
  child.stderr.on("data", (b: Buffer) => {
    const lines = (partial + b.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      o.onLog?.(line);
      tail.push(line);
      if (tail.length > o.tailLines) tail.shift();
    }
  });
  child.stdin.on("error", () => {}); // a process that died early: reported by its exit
  child.stdin.end(JSON.stringify(o.request));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.on("error", (error) => resolve({ code: null, signal: null, error }));
      child.on("close", (code, signal) => resolve({ code, signal }));
    },
  );
  if (partial) tail.push(partial);
  return { ...exit, stdout: Buffer.concat(stdout).toString("utf8"), tail };
}
