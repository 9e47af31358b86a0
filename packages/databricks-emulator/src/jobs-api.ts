// The Jobs API's one-time runs (2.1 and 2.2: runs/submit, runs/get, runs/get-output,
// runs/cancel) with spark_python_task: the file (a dbfs: path under a mount) runs on the
// cluster's real Spark session, its getOrCreate() returning that session, reading and writing
// dbfs:/mnt/... through the mounts. The machine-learning recipes train MLlib models this way.
import { existsSync } from "node:fs";
import { z } from "zod";
import type { ClusterRegistry, ClusterSpec } from "./clusters.ts";
import type { MountStore } from "./mount-store.ts";
import { resolveMountedPath, UnmappedPathError } from "./mounts.ts";
import type { SparkEngine } from "./spark-engine.ts";

export type LifeCycleState = "PENDING" | "RUNNING" | "TERMINATING" | "TERMINATED" | "INTERNAL_ERROR";
export type ResultState = "SUCCESS" | "FAILED" | "CANCELED" | "UPSTREAM_FAILED" | "UPSTREAM_CANCELED";

const clusterSpecSchema = z.looseObject({
  spark_version: z.string().min(1),
  num_workers: z.number().int().nonnegative().optional(),
  node_type_id: z.string().optional(),
  spark_conf: z.record(z.string(), z.string()).optional(),
});

const taskSchema = z.looseObject({
  task_key: z.string().min(1).max(100),
  existing_cluster_id: z.string().min(1).optional(),
  new_cluster: clusterSpecSchema.optional(),
  spark_python_task: z.object({
    python_file: z.string().min(1),
    parameters: z.array(z.string()).optional(),
    source: z.enum(["WORKSPACE", "GIT"]).optional(),
  }),
  depends_on: z.array(z.object({ task_key: z.string() })).optional(),
  timeout_seconds: z.number().int().nonnegative().optional(),
});

const submitRunSchema = z.looseObject({
  run_name: z.string().optional(),
  idempotency_token: z.string().max(64).optional(),
  timeout_seconds: z.number().int().nonnegative().optional(),
  tasks: z.array(taskSchema).min(1).max(100),
});

const runIdSchema = z.object({ run_id: z.coerce.number().int().positive() });

type TaskRun = {
  runId: number;
  taskKey: string;
  spec: z.infer<typeof taskSchema>;
  clusterId?: string;
  state: LifeCycleState;
  result?: ResultState;
  message: string;
  start?: number;
  end?: number;
  logs: string;
  error?: string;
  errorTrace?: string;
  tag: string;
  cancelRequested: boolean;
  /** Settles when the task is done. */
  done?: Promise<void>;
};

type Run = {
  runId: number;
  name: string;
  tasks: TaskRun[];
  start: number;
  end?: number;
};

export type JobsDeps = { clusters: ClusterRegistry; engine: SparkEngine; mounts: MountStore };
export type JobsResponse = { status: number; body: unknown };

const error = (status: number, error_code: string, message: string): JobsResponse => ({
  status,
  body: { error_code, message },
});

const TERMINAL = new Set<LifeCycleState>(["TERMINATED", "INTERNAL_ERROR"]);

export class JobRuns {
  private nextId = 1000;
  private readonly runs = new Map<number, Run>();
  private readonly taskRuns = new Map<number, { run: Run; task: TaskRun }>();
  private readonly byToken = new Map<string, number>();
  private stopped = false;

  constructor(private readonly deps: JobsDeps) {}

  /** Handles `<method> jobs/runs/...`; undefined for other routes. */
  async handle(route: string, url: URL, body: unknown): Promise<JobsResponse | undefined> {
    switch (route) {
      case "POST jobs/runs/submit":
        return this.submit(body);
      case "GET jobs/runs/get": {
        const id = runIdSchema.safeParse({ run_id: url.searchParams.get("run_id") });
        if (!id.success) return error(400, "INVALID_PARAMETER_VALUE", "run_id must be a positive integer");
        return this.get(id.data.run_id);
      }
      case "GET jobs/runs/get-output": {
        const id = runIdSchema.safeParse({ run_id: url.searchParams.get("run_id") });
        if (!id.success) return error(400, "INVALID_PARAMETER_VALUE", "run_id must be a positive integer");
        return this.output(id.data.run_id);
      }
      case "POST jobs/runs/cancel": {
        const id = runIdSchema.safeParse(body);
        if (!id.success) return error(400, "INVALID_PARAMETER_VALUE", "run_id must be a positive integer");
        return this.cancel(id.data.run_id);
      }
      default:
        return undefined;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const run of this.runs.values())
      for (const task of run.tasks)
        if (!TERMINAL.has(task.state) && task.done) this.deps.engine.cancelUntil(task.tag, task.done);
  }

  private submit(body: unknown): JobsResponse {
    const parsed = submitRunSchema.safeParse(body);
    if (!parsed.success)
      return error(
        400,
        "INVALID_PARAMETER_VALUE",
        parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      );
    const req = parsed.data;
    if (req.idempotency_token !== undefined) {
      const existing = this.byToken.get(req.idempotency_token);
      if (existing !== undefined) return { status: 200, body: { run_id: existing } };
    }
    const keys = new Set<string>();
    for (const t of req.tasks) {
      if (keys.has(t.task_key))
        return error(400, "INVALID_PARAMETER_VALUE", `Duplicate task_key ${t.task_key}`);
      keys.add(t.task_key);
      if ((t.existing_cluster_id === undefined) === (t.new_cluster === undefined))
        return error(
          400,
          "INVALID_PARAMETER_VALUE",
          `Task ${t.task_key}: give exactly one of existing_cluster_id and new_cluster`,
        );
      if (t.existing_cluster_id !== undefined && !this.deps.clusters.has(t.existing_cluster_id))
        return error(400, "INVALID_PARAMETER_VALUE", `Cluster ${t.existing_cluster_id} does not exist`);
    }
    const runId = this.nextId++;
    const run: Run = {
      runId,
      name: req.run_name ?? "Untitled",
      start: Date.now(),
      tasks: req.tasks.map((spec) => {
        const id = this.nextId++;
        return {
          runId: id,
          taskKey: spec.task_key,
          spec,
          state: "PENDING" as const,
          message: "Waiting for cluster",
          logs: "",
          tag: `run-${runId}-${id}`,
          cancelRequested: false,
        };
      }),
    };
    this.runs.set(runId, run);
    for (const task of run.tasks) this.taskRuns.set(task.runId, { run, task });
    if (req.idempotency_token !== undefined) this.byToken.set(req.idempotency_token, runId);
    void this.execute(run);
    return { status: 200, body: { run_id: runId } };
  }

  // Tasks run one after the other in the order given; after a failure the rest do not run.
  private async execute(run: Run): Promise<void> {
    let upstream: ResultState | undefined;
    for (const task of run.tasks) {
      if (upstream || task.cancelRequested) {
        const result = task.cancelRequested
          ? "CANCELED"
          : upstream === "CANCELED"
            ? "UPSTREAM_CANCELED"
            : "UPSTREAM_FAILED";
        this.finish(task, "TERMINATED", result, "The task did not run");
        continue;
      }
      task.done = this.executeTask(task).catch((e: unknown) =>
        this.finish(task, "INTERNAL_ERROR", "FAILED", e instanceof Error ? e.message : String(e)),
      );
      await task.done;
      if (task.result !== "SUCCESS") upstream = task.result ?? "FAILED";
    }
    run.end = Date.now();
  }

  private async executeTask(task: TaskRun): Promise<void> {
    const { clusters, engine, mounts } = this.deps;
    task.start = Date.now();
    const jobCluster = task.spec.new_cluster !== undefined;
    const clusterId = task.spec.existing_cluster_id ?? clusters.create(task.spec.new_cluster as ClusterSpec);
    task.clusterId = clusterId;
    try {
      // Like Databricks, a run on a terminated cluster starts it.
      if (clusters.state(clusterId) === "TERMINATED") clusters.start(clusterId);
      while (clusters.state(clusterId) !== "RUNNING") {
        if (this.stopped || task.cancelRequested)
          return this.finish(task, "TERMINATED", "CANCELED", "The run was cancelled");
        const state = clusters.state(clusterId);
        if (state === "TERMINATED" || state === "TERMINATING") {
          const reason = clusters.describe(clusterId)?.termination_reason as
            | { parameters?: Record<string, string> }
            | undefined;
          return this.finish(
            task,
            "INTERNAL_ERROR",
            "FAILED",
            `Cluster ${clusterId} terminated before the run could start${reason?.parameters?.databricks_error_message ? `: ${reason.parameters.databricks_error_message}` : ""}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const session = await engine.clusterSession(clusterId);
      if (!session)
        return this.finish(task, "INTERNAL_ERROR", "FAILED", `Cluster ${clusterId} has no Spark session`);

      const pythonFile = task.spec.spark_python_task.python_file;
      let local: string;
      try {
        if (!/^dbfs:\//i.test(pythonFile)) throw new UnmappedPathError(`${pythonFile} is not a dbfs: path`);
        local = resolveMountedPath(pythonFile, mounts.table);
      } catch (e) {
        if (!(e instanceof UnmappedPathError)) throw e;
        return this.finish(
          task,
          "INTERNAL_ERROR",
          "FAILED",
          `Cannot read the python file ${pythonFile}: the emulator runs files under its mounts only (${e.message})`,
        );
      }
      task.state = "RUNNING";
      task.message = "In run";
      clusters.statementStarted(clusterId);
      try {
        const since = await mounts.beforeRun();
        if (task.cancelRequested) return this.finish(task, "TERMINATED", "CANCELED", "The run was cancelled");
        if (!existsSync(local))
          return this.finish(
            task,
            "INTERNAL_ERROR",
            "FAILED",
            `The python file ${pythonFile} does not exist`,
          );
        const result = await engine.runPython(
          session,
          local,
          task.spec.spark_python_task.parameters ?? [],
          task.tag,
        );
        await mounts.afterRun(since);
        task.logs = result.logs ?? "";
        if (task.cancelRequested || (!result.ok && result.errorClass === "CANCELLED"))
          return this.finish(task, "TERMINATED", "CANCELED", "The run was cancelled");
        if (result.ok) return this.finish(task, "TERMINATED", "SUCCESS", "");
        task.error = result.message;
        task.errorTrace = result.trace ?? result.message;
        return this.finish(task, "TERMINATED", "FAILED", "Workload failed, see run output for details");
      } finally {
        clusters.statementEnded(clusterId);
      }
    } finally {
      if (jobCluster) clusters.terminate(clusterId, { code: "JOB_FINISHED", type: "SUCCESS" });
    }
  }

  private finish(task: TaskRun, state: LifeCycleState, result: ResultState, message: string): void {
    task.state = state;
    task.result = result;
    task.message = message;
    task.end = Date.now();
  }

  private describeTask(task: TaskRun) {
    const { spec } = task;
    return {
      run_id: task.runId,
      task_key: task.taskKey,
      state: stateOf(task.state, task.result, task.message, task.cancelRequested),
      start_time: task.start ?? 0,
      end_time: task.end ?? 0,
      ...(spec.existing_cluster_id
        ? { existing_cluster_id: spec.existing_cluster_id }
        : { new_cluster: spec.new_cluster }),
      ...(task.clusterId ? { cluster_instance: { cluster_id: task.clusterId } } : {}),
      spark_python_task: spec.spark_python_task,
      attempt_number: 0,
    };
  }

  private get(runId: number): JobsResponse {
    const run = this.runs.get(runId);
    if (!run) {
      const task = this.taskRuns.get(runId);
      if (!task) return error(400, "INVALID_PARAMETER_VALUE", `Run ${runId} does not exist.`);
      return { status: 200, body: this.describeTask(task.task) };
    }
    const tasks = run.tasks.map((t) => this.describeTask(t));
    const overall = overallState(run.tasks);
    return {
      status: 200,
      body: {
        run_id: run.runId,
        number_in_job: run.runId,
        run_name: run.name,
        run_type: "SUBMIT_RUN",
        creator_user_name: "emulator@sous.local",
        state: overall,
        start_time: run.start,
        end_time: run.end ?? 0,
        tasks,
        run_page_url: `/#job/runs/${run.runId}`,
      },
    };
  }

  private output(runId: number): JobsResponse {
    if (this.runs.has(runId))
      return error(
        400,
        "INVALID_PARAMETER_VALUE",
        "Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.",
      );
    const found = this.taskRuns.get(runId);
    if (!found) return error(400, "INVALID_PARAMETER_VALUE", `Run ${runId} does not exist.`);
    const { task } = found;
    return {
      status: 200,
      body: {
        metadata: this.describeTask(task),
        logs: task.logs,
        logs_truncated: task.logs.length >= 5 * 1024 * 1024,
        ...(task.error !== undefined ? { error: task.error, error_trace: task.errorTrace } : {}),
      },
    };
  }

  private cancel(runId: number): JobsResponse {
    const run = this.runs.get(runId) ?? this.taskRuns.get(runId)?.run;
    if (!run) return error(400, "INVALID_PARAMETER_VALUE", `Run ${runId} does not exist.`);
    for (const task of run.tasks) {
      if (TERMINAL.has(task.state)) continue;
      task.cancelRequested = true;
      if (task.state === "RUNNING" && task.done) {
        task.state = "TERMINATING";
        this.deps.engine.cancelUntil(task.tag, task.done);
      }
    }
    return { status: 200, body: {} };
  }
}

function stateOf(life: LifeCycleState, result: ResultState | undefined, message: string, cancelled: boolean) {
  return {
    life_cycle_state: life,
    ...(result ? { result_state: result } : {}),
    state_message: message,
    user_cancelled_or_timedout: cancelled,
  };
}

/** The run's state from its tasks': the first that is not done yet, else the first that failed. */
function overallState(tasks: readonly TaskRun[]) {
  const open = tasks.find((t) => !TERMINAL.has(t.state));
  const cancelled = tasks.some((t) => t.cancelRequested);
  if (open)
    return stateOf(
      open.state === "PENDING" && tasks.some((t) => t.state !== "PENDING") ? "RUNNING" : open.state,
      undefined,
      open.message,
      cancelled,
    );
  const internal = tasks.find((t) => t.state === "INTERNAL_ERROR");
  if (internal) return stateOf("INTERNAL_ERROR", "FAILED", internal.message, cancelled);
  const bad = tasks.find((t) => t.result !== "SUCCESS");
  return stateOf(
    "TERMINATED",
    bad?.result === "CANCELED" || bad?.result === "UPSTREAM_CANCELED"
      ? "CANCELED"
      : bad
        ? "FAILED"
        : "SUCCESS",
    bad?.message ?? "",
    cancelled,
  );
}
