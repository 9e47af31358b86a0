// A Python file run once on a cluster through the Jobs API (runs/submit, runs/get, runs/cancel,
// runs/get-output): the way MLlib training runs on Databricks. The run's state changes are
// reported as they are seen; an abort cancels the run and waits (bounded) until it has stopped,
// so a cancelled training no longer holds the cluster when this returns.
import { sleep } from "./abortable-sleep.ts";
import type { DatabricksRestClient } from "./rest-client.ts";
import type { JobRun, RunState } from "./rest-schemas.ts";
import { pollWithBackoff } from "./retry.ts";

const TERMINAL = new Set(["TERMINATED", "SKIPPED", "INTERNAL_ERROR"]);

/** A run that ended without success: its state, and what the script printed and raised. */
export class JobRunFailedError extends Error {
  override readonly name = "JobRunFailedError";
  constructor(
    message: string,
    readonly runId: number,
    readonly state: RunState,
    readonly output: { logs?: string; error?: string; errorTrace?: string },
  ) {
    super(message);
  }
}

export type PythonJobState = {
  runId: number;
  lifeCycleState: string;
  resultState?: string;
  message: string;
};

export type PythonJobOptions = {
  rest: DatabricksRestClient;
  clusterId: string;
  /** Where the cluster reads the file, e.g. dbfs:/mnt/sous/tmp/ml/x/train.py. */
  pythonFile: string;
  parameters?: string[];
  runName: string;
  /** At most 64 characters: a retried submit returns the same run (no second training). */
  idempotencyToken: string;
  /** Databricks stops the run after this long (0: no limit). */
  timeoutSeconds?: number;
  /** Called with the run id right after the submit (store it on the job). */
  onSubmitted?: (runId: number) => void | Promise<void>;
  /** Called on each change of state or message, the first one included. */
  onState?: (state: PythonJobState) => void | Promise<void>;
  signal?: AbortSignal;
  /** runs/get polling: first delay, doubling (jittered 1-2x) up to max (defaults 1 s and 10 s). */
  poll?: { initialMs?: number; maxMs?: number };
  /** After an abort, how long to wait for the run to stop (default 60 s). */
  cancelWaitMs?: number;
};

export type PythonJobResult = { runId: number; taskRunId: number; logs: string; ms: number };

const describe = (s: RunState) =>
  `${s.life_cycle_state}${s.result_state ? ` ${s.result_state}` : ""}${s.state_message ? `: ${s.state_message}` : ""}`;

/**
 * Submits the file, polls until the run ends and returns its output. Rejects with a
 * JobRunFailedError when the run ends without SUCCESS, with the signal's reason when aborted
 * (after cancelling the run), and with a DatabricksApiError when the workspace refuses or
 * cannot be reached.
 */
export async function runPythonJob(o: PythonJobOptions): Promise<PythonJobResult> {
  const { rest, signal } = o;
  const t0 = performance.now();
  signal?.throwIfAborted();
  const { run_id: runId } = await rest.submitRun(
    {
      run_name: o.runName,
      idempotency_token: o.idempotencyToken,
      ...(o.timeoutSeconds ? { timeout_seconds: o.timeoutSeconds } : {}),
      tasks: [
        {
          task_key: "main",
          existing_cluster_id: o.clusterId,
          spark_python_task: { python_file: o.pythonFile, parameters: o.parameters ?? [] },
        },
      ],
    },
    signal ? { signal } : {},
  );
  await o.onSubmitted?.(runId);
  let last = "";
  let run: JobRun;
  const report = async (r: JobRun) => {
    const text = describe(r.state);
    if (text === last) return;
    last = text;
    await o.onState?.({
      runId,
      lifeCycleState: r.state.life_cycle_state,
      ...(r.state.result_state ? { resultState: r.state.result_state } : {}),
      message: r.state.state_message ?? "",
    });
  };
  try {
    run = await pollWithBackoff(
      async () => {
        const r = await rest.getRun(runId, signal ? { signal } : {});
        await report(r);
        return TERMINAL.has(r.state.life_cycle_state) ? r : undefined;
      },
      { initialDelayMs: o.poll?.initialMs ?? 1_000, maxDelayMs: o.poll?.maxMs ?? 10_000, signal },
    );
  } catch (e) {
    if (signal?.aborted) await cancelAndWait(o, runId, report);
    throw e;
  }
  const task = run.tasks[0];
  const output = task ? await rest.getRunOutput(task.run_id).catch(() => undefined) : undefined;
  if (run.state.result_state !== "SUCCESS") {
    const reason = output?.error ?? run.state.state_message ?? "no reason given";
    const ended = [run.state.life_cycle_state, run.state.result_state].filter(Boolean).join(" ");
    throw new JobRunFailedError(`Databricks run ${runId} ended ${ended}: ${reason}`, runId, run.state, {
      ...(output?.logs !== undefined ? { logs: output.logs } : {}),
      ...(output?.error !== undefined ? { error: output.error } : {}),
      ...(output?.error_trace !== undefined ? { errorTrace: output.error_trace } : {}),
    });
  }
  return {
    runId,
    taskRunId: task?.run_id ?? runId,
    logs: output?.logs ?? "",
    ms: Math.round(performance.now() - t0),
  };
}

// Not under the aborted signal: the cancel must still reach the workspace.
async function cancelAndWait(o: PythonJobOptions, runId: number, report: (r: JobRun) => Promise<void>) {
  const deadline = Date.now() + (o.cancelWaitMs ?? 60_000);
  try {
    await o.rest.cancelRun(runId);
    while (Date.now() < deadline) {
      const run = await o.rest.getRun(runId);
      await report(run);
      if (TERMINAL.has(run.state.life_cycle_state)) return;
      await sleep(Math.min(1_000, o.poll?.maxMs ?? 1_000));
    }
  } catch {
    // The abort is what the caller reports; a failed cancel leaves Databricks' own timeout.
  }
}
