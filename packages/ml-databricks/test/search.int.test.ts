// MLlib with a hyperparameter grid, k-fold cross-validation, class weights and a time split,
// through the Jobs API of the Databricks emulator on real local Spark: the script's own fold loop
// scores every combination, keeps the best by the metric and refits it on all rows; the portable
// model of the refitted pipeline scores as MLlib does.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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
import { type MllibTrainRequest, ModelChartsSchema, PortableModelSchema, scorePortable } from "@sous/ml";
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
  ? "MLlib search and cross-validation on the emulator (real Spark)"
  : `MLlib search on the emulator: SKIPPED, ${available.reason}`;
const TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const ROWS = 1200;

const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
// `xor` needs a tree deeper than one split; `day` is not in the file's order.
const SEED_SQL = `
  WITH base AS (
    SELECT i, ${u(1)} * 20 - 10 AS x1, ${u(2)} * 100 AS x2, ${u(4)} AS noise,
      (hash(i * 10 + 5) % 730)::INT AS t
    FROM range(${ROWS}) t(i)
  )
  SELECT x1, x2, t, DATE '2024-01-01' + t AS day,
    ((x1 > 0) != (x2 > 50)) != (noise < 0.1) AS xor,
    x1 + (x2 - 50) / 10 + noise * 8 > 14 AS rare
  FROM base`;

const features: MllibTrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "t", type: "numeric", impute: { method: "mean" }, rescale: "none" },
];

describe.skipIf(!available.ok)(title, () => {
  let emu: DatabricksEmulator;
  let work: string;
  let installation: DatasetStorage;
  let mount: DatasetStorage;
  let rest: DatabricksRestClient;
  const input = datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v1" });
  const profile: ComputeProfileRef = {
    id: "ml-profile",
    name: "ml",
    spec: { spark_version: "17.3.x-scala2.13", num_workers: 0 },
    maxClusters: 1,
    maxActiveStatements: 4,
  };
  const options = (trainingId: string, lines: string[]): DatabricksTrainOptions => ({
    engine: { rest, profile, mapping: { clusterPrefix: "dbfs:/mnt/sous" }, mountStorage: mount },
    load: createClusterLoad(),
    installationStorage: installation,
    inputPrefix: input,
    outputPrefix: mlTrainingPrefix({ projectId: "p", trainingId }),
    poll: { initialMs: 100, maxMs: 500 },
    onLog: (l) => lines.push(l),
  });

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "sous-ml-dbx-search-"));
    installation = createLocalStorage({ root: path.join(work, "installation") });
    mount = createLocalStorage({ root: path.join(work, "mount") });
    const staged = await installation.stage(input);
    await queryLocalDuckDb(`COPY (${SEED_SQL}) TO '${staged.dir}/part-0.parquet' (FORMAT parquet)`);
    await staged.commit();
    await mount.putStream("README", (await import("node:stream")).Readable.from(["mount"]));
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: { "dbfs:/mnt/sous": path.join(work, "mount") },
      clusterStartDelayMs: 100,
    });
    rest = createDatabricksRestClient({ baseUrl: emu.url, token: TOKEN, retry: { initialDelayMs: 50 } });
  });

  afterAll(async () => {
    await emu?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("cross-validates a grid with balanced class weights: the best combination by AUC, mean ± std, refitted on all rows", {
    timeout: 900_000,
  }, async () => {
    const lines: string[] = [];
    const t0 = performance.now();
    const { result } = await trainOnDatabricks(
      {
        task: "binary",
        target: "xor",
        features,
        validation: { kind: "kfold", k: 3, seed: 5 },
        algorithms: [
          { algorithm: "decisionTree", maxDepth: 3, minSamplesLeaf: 5, grid: { maxDepth: [1, 5] } },
        ],
        metric: "auc",
        classWeights: "balanced",
        sampleRows: 100,
      },
      options("cv", lines),
    );
    if (!result.ok) throw new Error(`refused: ${result.error.message}`);
    const [tree] = result.models;
    const search = tree!.search!;
    console.log(
      `[mllib search] ${ROWS} rows, 3 folds x 2 depths: ${Math.round(performance.now() - t0)} ms; tried ${JSON.stringify(search.tried)}; AUC ${tree!.metrics.auc} ± ${tree!.metricsStd?.auc}`,
    );
    expect(lines.some((l) => l.startsWith('[sous_mllib] decisionTree {"maxDepth": 5}: auc'))).toBe(true);
    expect(result.rows).toMatchObject({ train: ROWS, test: ROWS, folds: 3 });
    expect(search.gridSize).toBe(2);
    expect(search.tried.map((t) => t.params)).toEqual([{ maxDepth: 1 }, { maxDepth: 5 }]);
    const scores = search.tried.map((t) => t.score!);
    expect(scores[0]).toBeLessThan(0.65);
    expect(scores[1]).toBeGreaterThan(0.8);
    expect(search.best).toBe(1);
    expect(tree!.algorithm).toEqual({ algorithm: "decisionTree", maxDepth: 5, minSamplesLeaf: 5 });
    expect(tree!.metrics.auc).toBeCloseTo(scores[1]!, 12);
    expect(tree!.metricsStd!.auc).toBeGreaterThan(0);
    expect(search.tried[1]!.std).toBe(tree!.metricsStd!.auc);

    const out = await installation.acquire(mlTrainingPrefix({ projectId: "p", trainingId: "cv" }));
    try {
      // Out-of-fold charts: every row once.
      const charts = ModelChartsSchema.parse(
        JSON.parse(readFileSync(path.join(out.dir, tree!.charts!), "utf8")),
      );
      expect(charts.confusion!.flat().reduce((a, b) => a + b)).toBe(ROWS);
      // The refitted model (depth 5) is the one exported: its portable form scores as MLlib.
      const model = PortableModelSchema.parse(
        JSON.parse(readFileSync(path.join(out.dir, tree!.portable!), "utf8")),
      );
      expect(result.sample).toHaveLength(100);
      result.sample.forEach((row, i) => {
        const s = scorePortable(model, row);
        expect(s.prediction).toBe(tree!.sample.prediction[i]);
        const p = tree!.sample.probabilities![i]!;
        for (let k = 0; k < p.length; k++) expect(Math.abs(s.probabilities![k]! - p[k]!)).toBeLessThan(1e-12);
      });
    } finally {
      await out.release();
    }
  });

  it("a time split tests on the latest rows, and balanced weights raise the rare class's recall", {
    timeout: 900_000,
  }, async () => {
    const base: MllibTrainRequest = {
      task: "binary",
      target: "rare",
      features,
      validation: { kind: "time_split", column: "day", testRatio: 0.25 },
      algorithms: [{ algorithm: "logistic", C: 1, maxIter: 100 }],
      metric: "recall",
      sampleRows: 300,
    };
    const plain = await trainOnDatabricks(base, options("time", []));
    const weighted = await trainOnDatabricks({ ...base, classWeights: "balanced" }, options("time-w", []));
    if (!plain.result.ok || !weighted.result.ok) throw new Error("refused");
    const nTest = Math.ceil(ROWS * 0.25);
    expect(plain.result.rows).toMatchObject({ train: ROWS - nTest, test: nTest });
    const days = (await queryLocalDuckDb(`SELECT t FROM (${SEED_SQL}) ORDER BY t`)).map((r) => Number(r.t));
    const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    expect(plain.result.timeSplit).toEqual({
      column: "day",
      trainUntil: day(days[ROWS - nTest - 1]!),
      testFrom: day(days[ROWS - nTest]!),
    });
    for (const row of plain.result.sample)
      expect(row.t as number).toBeGreaterThanOrEqual(days[ROWS - nTest]!);
    const recall = (r: typeof plain.result) => (r.ok ? r.models[0]!.metrics.recall! : 0);
    console.log(
      `[mllib time split] recall without weights ${recall(plain.result)}, balanced ${recall(weighted.result)}`,
    );
    expect(recall(weighted.result)).toBeGreaterThan(recall(plain.result) + 0.2);
  });
});
