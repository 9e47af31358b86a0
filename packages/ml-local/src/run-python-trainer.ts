import { AppError } from "@sous/contracts";
import type { z } from "zod";
import { runPythonModule } from "./python-module.ts";

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
  const { stdout, tail, ...exit } = await runPythonModule({
    python: o.python,
    module: o.module,
    request: o.request,
    timeoutMs: o.timeoutMs ?? 30 * 60_000,
    tailLines: 30,
    signal: o.signal,
    onLog: o.onLog,
  });
  if (exit.error?.name === "AbortError") throw new AppError("conflict", "training was cancelled");
  if (exit.signal)
    throw new AppError(
      "engine_error",
      `the trainer was stopped (${exit.signal}); last lines:\n${tail.join("\n")}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim());
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
