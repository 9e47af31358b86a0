// MLlib training through the Jobs API of the Databricks emulator, on real local Spark: the
// generated script reads a seeded dataset version through the mount, trains logistic regression
// and a random forest, and the models come back into the installation's storage. The portable
// models are checked against MLlib's own predictions on the returned test rows.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "@sous/contracts";
import {
  type ComputeProfileRef,
  createClusterLoad,
  createDatabricksRestClient,
  type DatabricksRestClient,
} from "@sous/databricks";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import {
  METRICS_BY_TASK,
  type MllibTrainRequest,
  ModelChartsSchema,
  PortableModelSchema,
  scorePortable,
  type TrainResult,
} from "@sous/ml";
import { sparkLocalAvailability } from "@sous/spark-local";
import {
  createLocalStorage,
  type DatasetStorage,
  datasetVersionPrefix,
  mlTrainingPrefix,
} from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabricksTrainOptions, trainOnDatabricks } from "../src/index.ts";

const available = sparkLocalAvailability();
const title = available.ok
  ? "MLlib training on the emulator (real Spark)"
  : `MLlib training on the emulator: SKIPPED, ${available.reason}`;
const TOKEN = `dapi${randomBytes(12).toString("hex")}`;
// A name that would break naive quoting in Python or SQL, and a level with quotes and a backslash.
const ODD = "x2 `odd\" 'name'";
const ODD_LEVEL = `it's "red"\\`;
const ROWS = 2000;

const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  WITH base AS (
    SELECT i,
      CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1,
      ${u(2)} * 100 AS x2,
      CASE WHEN i % 11 = 0 THEN NULL
        ELSE ['${ODD_LEVEL.replace(/'/g, "''")}', '${ODD_LEVEL.replace(/'/g, "''")}', 'green', 'blue', 'black', 'white', 'pink', 'gold'][1 + (hash(i * 10 + 3) % 8)::INT] END AS colour,
      ${u(4)} AS noise
    FROM range(${ROWS}) t(i)
  )
  SELECT x1, x2 AS "${ODD.replace(/"/g, '""')}", colour,
    coalesce(x1, 0) + (x2 - 50) / 10
      + CASE WHEN colour LIKE 'it%' THEN 4 WHEN colour = 'blue' THEN -4 ELSE 0 END + noise * 3 - 1.5 > 0 AS label
  FROM base`;

const request: MllibTrainRequest = {
  task: "binary",
  target: "label",
  features: [
    { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
    { name: ODD, type: "numeric", impute: { method: "median" }, rescale: "minmax" },
    { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
  ],
  validation: { kind: "random_split", testRatio: 0.25, seed: 7 },
  algorithms: [
    { algorithm: "logistic", C: 1, maxIter: 100 },
    { algorithm: "randomForest", nTrees: 20, maxDepth: 6, minSamplesLeaf: 2 },
    { algorithm: "gbt", nTrees: 20, learningRate: 0.2, maxDepth: 3, minSamplesLeaf: 2 },
  ],
  metric: "auc",
  sampleRows: 200,
};

describe.skipIf(!available.ok)(title, () => {
  let emu: DatabricksEmulator;
  let work: string;
  let installation: DatasetStorage;
  let mount: DatasetStorage;
  let rest: DatabricksRestClient;
  let submits = 0;
  const input = datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v1" });
  const profile: ComputeProfileRef = {
    id: "ml-profile",
    name: "ml",
    spec: { spark_version: "17.3.x-scala2.13", num_workers: 0 },
    maxClusters: 1,
    maxActiveStatements: 4,
  };

  const options = (
    trainingId: string,
    over: Partial<DatabricksTrainOptions> = {},
  ): DatabricksTrainOptions => ({
    engine: { rest, profile, mapping: { clusterPrefix: "dbfs:/mnt/sous" }, mountStorage: mount },
    load: createClusterLoad(),
    installationStorage: installation,
    inputPrefix: input,
    outputPrefix: mlTrainingPrefix({ projectId: "p", trainingId }),
    poll: { initialMs: 100, maxMs: 500 },
    ...over,
  });

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "sous-ml-dbx-"));
    installation = createLocalStorage({ root: path.join(work, "installation") });
    mount = createLocalStorage({ root: path.join(work, "mount") });
    const staged = await installation.stage(input);
    await queryLocalDuckDb(`COPY (${SEED_SQL}) TO '${staged.dir}/part-0.parquet' (FORMAT parquet)`);
    await staged.commit();
    // The mounted container's folder must exist before the emulator maps it.
    await mount.putStream("README", (await import("node:stream")).Readable.from(["mount"]));
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: { "dbfs:/mnt/sous": path.join(work, "mount") },
      clusterStartDelayMs: 100,
    });
    const real = createDatabricksRestClient({
      baseUrl: emu.url,
      token: TOKEN,
      retry: { initialDelayMs: 50 },
    });
    // Counts submits, to show a bad request never reaches the Jobs API.
    rest = {
      ...real,
      submitRun: (body, o) => {
        submits++;
        return real.submitRun(body, o);
      },
    };
  });

  afterAll(async () => {
    await emu?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("trains logistic regression, a random forest and boosted trees; the portable models score as MLlib does", {
    timeout: 600_000,
  }, async () => {
    const lines: string[] = [];
    const t0 = performance.now();
    const { result, info } = await trainOnDatabricks(request, options("t1", { onLog: (l) => lines.push(l) }));
    const wall = performance.now() - t0;
    if (!result.ok) throw new Error(`refused: ${result.error.message}`);
    console.log(
      `[mllib on the emulator] ${ROWS} rows, logistic + forest(20) + gbt(20): ${Math.round(wall)} ms in all (cluster ${info.timings.clusterMs}, upload ${info.timings.uploadMs}, run ${info.timings.runMs}, copy back ${info.timings.copyBackMs}); fit ${result.models.map((m) => `${m.algorithm.algorithm} ${Math.round(m.trainMs)} ms`).join(", ")}; AUC ${result.models.map((m) => m.metrics.auc?.toFixed(4)).join(", ")}`,
    );
    // The run's states and the script's own lines reach the log.
    expect(lines.some((l) => /Databricks run \d+: RUNNING/.test(l))).toBe(true);
    expect(lines.some((l) => /Databricks run \d+: TERMINATED SUCCESS/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith("[sous_mllib] randomForest: trained"))).toBe(true);

    expect(result.classes).toEqual([false, true]);
    expect(result.rows.read).toBe(ROWS);
    expect(result.rows.train + result.rows.test).toBe(ROWS);
    expect(result.rows.test / ROWS).toBeGreaterThan(0.2);
    expect(result.rows.test / ROWS).toBeLessThan(0.3);
    for (const m of result.models) {
      expect(Object.keys(m.metrics).sort()).toEqual([...METRICS_BY_TASK.binary].sort());
      expect(m.metrics.auc).toBeGreaterThan(0.9);
      expect(m.metrics.accuracy).toBeGreaterThan(0.8);
      expect(m.metrics.logLoss).toBeLessThan(0.5);
      expect(m.metrics.lift).toBeGreaterThan(1.5);
    }
    expect(result.models[result.best.index]!.metrics.auc).toBe(
      Math.max(...result.models.map((m) => m.metrics.auc!)),
    );

    // Stored like a local training's artifacts, in the installation's storage.
    const out = await installation.acquire(mlTrainingPrefix({ projectId: "p", trainingId: "t1" }));
    try {
      const stored = JSON.parse(readFileSync(path.join(out.dir, "result.json"), "utf8")) as TrainResult;
      expect(stored).toEqual(result);
      for (const m of result.models) {
        expect(existsSync(path.join(out.dir, m.pickle, "metadata"))).toBe(true);
        const charts = ModelChartsSchema.parse(
          JSON.parse(readFileSync(path.join(out.dir, m.charts!), "utf8")),
        );
        // The Lab's charts, as a local training draws them: the ROC from (0, 0) to (1, 1), every
        // test row in the score histogram, and a confusion matrix of the test rows.
        expect(charts.roc![0]).toEqual([0, 0]);
        expect(charts.roc!.at(-1)).toEqual([1, 1]);
        const histogram = charts.scoreHistogram!;
        expect([...histogram.positives, ...histogram.negatives].reduce((a, b) => a + b)).toBe(
          result.rows.test,
        );
        expect(charts.confusion!.flat().reduce((a, b) => a + b)).toBe(result.rows.test);
        expect(charts.importances.map((i: { feature: string }) => i.feature).sort()).toEqual(
          request.features.map((f) => f.name).sort(),
        );
        const model = PortableModelSchema.parse(
          JSON.parse(readFileSync(path.join(out.dir, m.portable!), "utf8")),
        );
        expect(model.features[2]).toMatchObject({ type: "categorical", others: true });
        expect((model.features[2] as { levels: string[] }).levels).toContain(ODD_LEVEL);
        // Every returned test row: the same class as MLlib, the same probabilities to rounding.
        expect(result.sample).toHaveLength(200);
        let maxDiff = 0;
        result.sample.forEach((row, i) => {
          const s = scorePortable(model, row);
          expect(s.prediction).toBe(m.sample.prediction[i]);
          const p = m.sample.probabilities![i]!;
          for (let k = 0; k < p.length; k++)
            maxDiff = Math.max(maxDiff, Math.abs(s.probabilities![k]! - p[k]!));
        });
        console.log(
          `[mllib on the emulator] ${m.algorithm.algorithm}: portable vs MLlib max probability diff ${maxDiff}`,
        );
        expect(maxDiff).toBeLessThan(1e-12);
      }
    } finally {
      await out.release();
    }
    // The scratch folder on the mount is gone.
    expect(await mount.list("tmp/sous-ml/")).toEqual([]);
  });

  it("refuses a bad request before anything is submitted", async () => {
    const before = submits;
    const bad = { ...request, features: [...request.features, { ...request.features[0]!, name: "label" }] };
    const e = await trainOnDatabricks(bad as MllibTrainRequest, options("t2")).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("invalid_input");
    expect((e as AppError).message).toContain("the target label cannot be a feature");
    expect(submits).toBe(before);
  });

  it("reports data the script refuses as a result, a failed run and an unreachable workspace as errors", {
    timeout: 300_000,
  }, async () => {
    const refused = await trainOnDatabricks(
      {
        ...request,
        features: [{ name: "colour", type: "numeric", impute: { method: "mean" }, rescale: "none" }],
      },
      options("t3"),
    );
    expect(refused.result).toMatchObject({ ok: false, error: { code: "ML_FEATURE_TYPE" } });

    // A run that fails on the cluster (the input is not on the mount): its error, not a result.
    const missing = datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "absent" });
    const failed = await trainOnDatabricks(request, {
      ...options("t6"),
      installationStorage: mount,
      inputPrefix: missing,
    }).catch((x: unknown) => x);
    expect(failed).toBeInstanceOf(AppError);
    expect((failed as AppError).code).toBe("engine_error");
    expect((failed as AppError).message).toMatch(
      /MLlib training failed on Databricks: Databricks run \d+ ended TERMINATED FAILED: .*absent/,
    );

    const closed = createDatabricksRestClient({
      baseUrl: "http://127.0.0.1:9",
      token: TOKEN,
      retry: { attempts: 1 },
    });
    const e = await trainOnDatabricks(request, {
      ...options("t4"),
      engine: { rest: closed, profile, mapping: { clusterPrefix: "dbfs:/mnt/sous" }, mountStorage: mount },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("unavailable");
    expect((e as AppError).message).toMatch(/cannot train on Databricks: .*127\.0\.0\.1:9/);
  });

  it("cancel stops the run on the cluster", { timeout: 300_000 }, async () => {
    const controller = new AbortController();
    let runId = 0;
    const big: MllibTrainRequest = {
      ...request,
      algorithms: [{ algorithm: "randomForest", nTrees: 300, maxDepth: 12, minSamplesLeaf: 1 }],
    };
    const t0 = Date.now();
    const e = await trainOnDatabricks(
      big,
      options("t5", {
        signal: controller.signal,
        onLog: (l) => {
          // Cancel once the script is training on Spark.
          if (/Databricks run \d+: RUNNING/.test(l)) setTimeout(() => controller.abort(), 3_000);
        },
        onRun: ({ runId: id }) => {
          runId = id;
        },
      }),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("conflict");
    expect(runId).toBeGreaterThan(0);
    const run = await rest.getRun(runId);
    expect(run.state).toMatchObject({ life_cycle_state: "TERMINATED", result_state: "CANCELED" });
    console.log(`[mllib on the emulator] cancelled run ${runId} stopped ${Date.now() - t0} ms after submit`);
    expect(
      existsSync(path.join(work, "installation", mlTrainingPrefix({ projectId: "p", trainingId: "t5" }))),
    ).toBe(false);
  });
});
