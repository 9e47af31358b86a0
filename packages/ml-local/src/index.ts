import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { AppError } from "@sous/contracts";
import { type TrainRequest, TrainRequestSchema, type TrainResult, TrainResultSchema } from "@sous/ml";

/**
 * Runs the local scikit-learn trainer (python/sous_ml) in a child process of the project's venv
 * (.venv, built by scripts/bootstrap.mjs from python/requirements.txt). The I/O half of @sous/ml,
 * which stays pure: the worker's training jobs will call this.
 */

import { defaultPython, repoRoot } from "./python-env.ts";
import { runPythonTrainer } from "./run-python-trainer.ts";

export { type PythonModuleRun, runPythonModule } from "./python-module.ts";
export { defaultPython, repoRoot };

const BOOTSTRAP = "run `node scripts/bootstrap.mjs` (needs python3 with venv)";

/** Whether the trainer can run here, and if not, what to do about it. */
export function mlLocalAvailability(python = defaultPython): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(python))
    return {
      ok: false,
      reason: `no Python environment at ${path.dirname(path.dirname(python))}: run \`node scripts/bootstrap.mjs\` (needs python3 with venv)`,
    };
  const probe = spawnSync(python, ["-c", "import sklearn, pyarrow"], { stdio: "ignore" });
  if (probe.status !== 0)
    return {
      ok: false,
      reason: "scikit-learn is not installed in the Python environment: run `node scripts/bootstrap.mjs`",
    };
  return { ok: true };
}

export interface TrainOptions {
  python?: string;
  /** Each stderr progress line of the trainer. */
  onLog?: (line: string) => void;
  /** Kills the trainer after this long (default 30 min). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Trains; resolves with the trainer's result, `ok: false` included (the data refused, with the
 * trainer's reason and a message that says what to fix). Rejects with an AppError when the request
 * is invalid (before anything runs) or the trainer crashed or timed out.
 */
export async function trainLocal(request: TrainRequest, options: TrainOptions = {}): Promise<TrainResult> {
  const parsed = TrainRequestSchema.safeParse(request);
  if (!parsed.success)
    throw new AppError(
      "invalid_input",
      `invalid training request: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const python = options.python ?? defaultPython;
  // Only the venv's presence: probing its imports (mlLocalAvailability) blocks for seconds; a
  // venv without scikit-learn fails below with a message that says what to run.
  if (!existsSync(python))
    throw new AppError(
      "unavailable",
      `cannot train locally: no Python environment at ${python}: ${BOOTSTRAP}`,
    );
  return runPythonTrainer({
    python,
    module: "sous_ml.train",
    request: parsed.data,
    schema: TrainResultSchema,
    onLog: options.onLog,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    explainFailure: (tail) =>
      tail.some((l) => /No module named '(sklearn|joblib|numpy|scipy|pyarrow)/.test(l))
        ? new AppError(
            "unavailable",
            `cannot train locally: scikit-learn is not in the Python environment: ${BOOTSTRAP}`,
          )
        : undefined,
  });
}

export { clusterLocal } from "./cluster.ts";
export {
  type PythonModel,
  PythonScorer,
  type PythonScorerOptions,
  type PythonScores,
} from "./python-scorer.ts";
