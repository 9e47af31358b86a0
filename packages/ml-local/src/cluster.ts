import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { AppError } from "@sous/contracts";
import {
  type ClusterResult,
  ClusterResultSchema,
  type ClusterTrainRequest,
  ClusterTrainRequestSchema,
} from "@sous/ml";
import type { TrainOptions } from "./index.ts";
import { defaultPython, repoRoot } from "./python-env.ts";

/**
 * Clusters locally with scikit-learn (python/sous_ml/clustering.py) in a child process of the
 * project's venv, as trainLocal trains: resolves with the trainer's result (`ok: false` when the
 * data refused, with a message that says what to fix); rejects with an AppError when the request
 * is invalid, or the trainer crashed, timed out or was cancelled.
 */
export async function clusterLocal(
  request: ClusterTrainRequest,
  options: TrainOptions = {},
): Promise<ClusterResult> {
  const parsed = ClusterTrainRequestSchema.safeParse(request);
  if (!parsed.success)
    throw new AppError(
      "invalid_input",
      `invalid clustering request: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const python = options.python ?? defaultPython;
  if (!existsSync(python))
    throw new AppError(
      "unavailable",
      `cannot train locally: no Python environment at ${python}: run \`node scripts/bootstrap.mjs\``,
    );
  const child = spawn(python, ["-m", "sous_ml.clustering", "-"], {
    cwd: path.join(repoRoot, "python"),
    env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python"), PYTHONUNBUFFERED: "1" },
    stdio: ["pipe", "pipe", "pipe"],
    signal: options.signal,
    timeout: options.timeoutMs ?? 30 * 60_000,
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
      options.onLog?.(line);
      tail.push(line);
      if (tail.length > 30) tail.shift();
    }
  });
  child.stdin.end(JSON.stringify(parsed.data));
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
    throw new AppError(
      "engine_error",
      `the trainer failed (exit ${exit.code}); last lines:\n${tail.join("\n")}`,
    );
  }
  const result = ClusterResultSchema.safeParse(json);
  if (!result.success)
    throw new AppError(
      "engine_error",
      `the trainer's result does not match the contract: ${result.error.message}`,
    );
  return result.data;
}
