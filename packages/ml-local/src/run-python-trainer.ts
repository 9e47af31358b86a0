import { spawn } from "node:child_process";
import path from "node:path";
import { AppError } from "@sous/contracts";
import type { z } from "zod";
import { repoRoot } from "./python-env.ts";

/**
 * Runs one trainer module of python/sous_ml (`python -m <module> -`) in a child process of the
 * venv at `python`: the request goes in as JSON on stdin, each stderr line to `onLog` (the last
 * 30 kept for errors), the answer is read from stdout and checked against `schema`. Rejects with
 * an AppError when cancelled, killed (timeout), or when stdout is not JSON (`explainFailure` may
 * name a cause from the last lines first) or not the contract.
 */
export async function runPythonTrainer<T>(o: {
  python: string;
  module: string;
  request: unknown;
  schema: z.ZodType<T>;
  onLog?: ((line: string) => void) | undefined;
  /** Kills the trainer after this long (default 30 min). */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** A more useful error than "the trainer failed" for the trainer's last stderr lines, if any. */
  explainFailure?: (tail: readonly string[]) => AppError | undefined;
}): Promise<T> {
  const child = spawn(o.python, ["-m", o.module, "-"], {
    cwd: path.join(repoRoot, "python"),
    env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python"), PYTHONUNBUFFERED: "1" },
    stdio: ["pipe", "pipe", "pipe"],
    signal: o.signal,
    timeout: o.timeoutMs ?? 30 * 60_000,
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
      if (tail.length > 30) tail.shift();
    }
  });
  child.stdin.end(JSON.stringify(o.request));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.on("error", (error) => resolve({ code: null, signal: null, error }));
      child.on("close", (code, signal) => resolve({ code, signal }));
    },
  );
  if (partial) tail.push(partial);
  if (exit.error?.name === "AbortError") throw new AppError("conflict", "training was cancelled");
  if (exit.signal)
    throw new AppError(
      "engine_error",
      `the trainer was stopped (${exit.signal}); last lines:\n${tail.join("\n")}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(stdout).toString("utf8").trim());
  } catch {
    throw (
      o.explainFailure?.(tail) ??
      new AppError("engine_error", `the trainer failed (exit ${exit.code}); last lines:\n${tail.join("\n")}`)
    );
  }
  const result = o.schema.safeParse(json);
  if (!result.success)
    throw new AppError(
      "engine_error",
      `the trainer's result does not match the contract: ${result.error.message}`,
    );
  return result.data;
}
