import { existsSync } from "node:fs";
import { AppError } from "@sous/contracts";
import {
  type ClusterResult,
  ClusterResultSchema,
  type ClusterTrainRequest,
  ClusterTrainRequestSchema,
} from "@sous/ml";
import type { TrainOptions } from "./index.ts";
import { defaultPython } from "./python-env.ts";
import { runPythonTrainer } from "./run-python-trainer.ts";

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
  return runPythonTrainer({
    python,
    module: "sous_ml.clustering",
    request: parsed.data,
    schema: ClusterResultSchema,
    onLog: options.onLog,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
}
