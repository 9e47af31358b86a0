// Ordinal codes, target means and date parts trained by MLlib on the Databricks emulator (real
// local Spark) with the same semantics as the local scikit-learn trainer: with a time split both
// engines fit on the same rows, so the fitted encodings must agree (scikit-learn's trainer, run on
// the same Parquet, is the oracle), and the portable model must score as the PipelineModel does.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClusterLoad, createDatabricksRestClient, type DatabricksRestClient } from "@sous/databricks";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import {
  engineProblems,
  type MllibTrainRequest,
  type PortableFeature,
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
import { trainOnDatabricks } from "../src/index.ts";

const repo = path.resolve(import.meta.dirname, "../../..");
const python = path.join(repo, ".venv", "bin", "python");
const available = sparkLocalAvailability();
const ok = available.ok && existsSync(python);
const title = ok
  ? "MLlib feature handling on the emulator (real Spark) vs scikit-learn"
  : `MLlib feature handling: SKIPPED, ${available.ok ? "no Python environment" : available.reason}`;
const TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const ROWS = 1500;
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  WITH base AS (
    SELECT i,
      ${u(1)} * 20 - 10 AS x1,
      CASE WHEN i % 11 = 0 THEN NULL
        ELSE ['red', 'green', 'blue', 'black', 'white', 'pink', 'gold'][1 + (hash(i * 10 + 3) % 7)::INT] END AS colour,
      CASE WHEN i % 19 = 0 THEN NULL ELSE 1 + (hash(i * 10 + 8) % 5)::INT END AS size,
      CASE WHEN i % 13 = 0 THEN NULL ELSE DATE '2019-01-01' + (hash(i * 10 + 4) % 1500)::INT END AS day,
      CASE WHEN i % 17 = 0 THEN NULL
        ELSE TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds((hash(i * 10 + 5) % 100000000)::BIGINT) END AS ts,
      ${u(7)} AS noise
    FROM range(${ROWS}) t(i)
  )
  SELECT i AS rid, x1, colour, size, day, ts,
    x1 / 3 + CASE colour WHEN 'red' THEN 2 WHEN 'blue' THEN -2 ELSE 0 END
      + CASE size WHEN 2 THEN 1.5 ELSE 0 END
      + CASE WHEN month(day) IN (6, 7, 8) THEN 1.5 ELSE 0 END
      + CASE WHEN hour(ts) < 12 THEN 1 ELSE -1 END + noise * 3 - 1.5 > 0 AS label,
    CASE WHEN coalesce(size, 3) + x1 / 5 + noise * 2 < 2.5 THEN 'low'
      WHEN coalesce(size, 3) + x1 / 5 + noise * 2 < 4.5 THEN 'mid' ELSE 'high' END AS band
  FROM base`;

const request: MllibTrainRequest = {
  task: "binary",
  target: "label",
  features: [
    { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
    {
      name: "colour",
      type: "categorical",
      impute: { method: "most_frequent" },
      maxLevels: 5,
      encoding: "ordinal",
    },
    {
      name: "size",
      type: "categorical",
      impute: { method: "constant", value: "3" },
      maxLevels: 10,
      encoding: "target",
    },
    { name: "day", type: "date", parts: ["year", "month", "dayOfWeek", "epochDays"], rescale: "standard" },
    { name: "ts", type: "date", parts: ["hour", "dayOfWeek", "epochDays"], rescale: "none" },
  ],
  // The same training rows on both engines: the earliest 75 % by rid.
  validation: { kind: "time_split", column: "rid", testRatio: 0.25 },
  algorithms: [
    { algorithm: "logistic", C: 1, maxIter: 100 },
    { algorithm: "randomForest", nTrees: 10, maxDepth: 6, minSamplesLeaf: 2 },
  ],
  metric: "auc",
  sampleRows: 150,
};

describe.skipIf(!ok)(title, () => {
  let emu: DatabricksEmulator;
  let work: string;
  let installation: DatasetStorage;
  let mount: DatasetStorage;
  let rest: DatabricksRestClient;
  let localParquet: string;
  const input = datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v1" });

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "sous-ml-features-"));
    installation = createLocalStorage({ root: path.join(work, "installation") });
    mount = createLocalStorage({ root: path.join(work, "mount") });
    const staged = await installation.stage(input);
    await queryLocalDuckDb(
      `SET TimeZone = 'UTC'; COPY (${SEED_SQL}) TO '${staged.dir}/part-0.parquet' (FORMAT parquet)`,
    );
    await staged.commit();
    localParquet = path.join(work, "local.parquet");
    await queryLocalDuckDb(`SET TimeZone = 'UTC'; COPY (${SEED_SQL}) TO '${localParquet}' (FORMAT parquet)`);
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

  it("refuses tf-idf text before training on Databricks, saying it trains locally", () => {
    const problems = engineProblems(
      { ...request, features: [{ name: "review", type: "text", method: "tfidf", maxFeatures: 100 }] },
      "databricks",
    );
    expect(problems.map((p) => p.message).join(" ")).toMatch(/local engine only/);
  });

  /** Trains the request with MLlib and with scikit-learn on the same rows; compares encodings and scoring. */
  async function trainBoth(
    req: MllibTrainRequest,
    trainingId: string,
    types: string[],
    metric: "auc" | "accuracy",
  ) {
    const { result } = await trainOnDatabricks(req, {
      engine: {
        rest,
        profile: {
          id: "ml-profile",
          name: "ml",
          spec: { spark_version: "17.3.x-scala2.13", num_workers: 0 },
          maxClusters: 1,
          maxActiveStatements: 4,
        },
        mapping: { clusterPrefix: "dbfs:/mnt/sous" },
        mountStorage: mount,
      },
      load: createClusterLoad(),
      installationStorage: installation,
      inputPrefix: input,
      outputPrefix: mlTrainingPrefix({ projectId: "p", trainingId }),
      poll: { initialMs: 100, maxMs: 500 },
    });
    if (!result.ok) throw new Error(`refused: ${result.error.message}`);

    // scikit-learn on the same rows (the local trainer, the same request).
    const localDir = path.join(work, `local-${trainingId}`);
    const run = spawnSync(python, ["-m", "sous_ml.train", "-"], {
      cwd: path.join(repo, "python"),
      env: { ...process.env, PYTHONPATH: path.join(repo, "python") },
      input: JSON.stringify({ ...req, parquet: localParquet, outputDir: localDir }),
      encoding: "utf8",
    });
    const local = JSON.parse(run.stdout) as TrainResult;
    if (!local.ok) throw new Error(`local refused: ${local.error.message}`);
    expect(result.rows.train).toBe(local.rows.train);
    expect(result.classes).toEqual(local.classes);

    const out = await installation.acquire(mlTrainingPrefix({ projectId: "p", trainingId }));
    try {
      const read = (dir: string, file: string) =>
        PortableModelSchema.parse(JSON.parse(readFileSync(path.join(dir, file), "utf8")));
      const sk = read(localDir, local.models[0]!.portable!).features;
      for (const m of result.models) {
        const model = read(out.dir, m.portable!);
        const spark = model.features;
        expect(spark.map((f) => f.type)).toEqual(types);
        compareFeatures(spark, sk);
        let maxDiff = 0;
        result.sample.forEach((row, i) => {
          const s = scorePortable(model, row);
          expect(s.prediction).toBe(m.sample.prediction[i]);
          const p = m.sample.probabilities![i]!;
          for (let k = 0; k < p.length; k++)
            maxDiff = Math.max(maxDiff, Math.abs(s.probabilities![k]! - p[k]!));
        });
        console.log(
          `[mllib features] ${req.task} ${m.algorithm.algorithm}: portable vs MLlib max probability diff ${maxDiff}`,
        );
        expect(maxDiff).toBeLessThan(1e-12);
      }
      console.log(
        `[mllib features] ${req.task} ${metric} MLlib ${result.models.map((m) => m.metrics[metric]?.toFixed(4))}, scikit-learn ${local.models.map((m) => m.metrics[metric]?.toFixed(4))}`,
      );
      return { result, local, sk };
    } finally {
      await out.release();
    }
  }

  it("fits the same ordinal codes, target means and date parts as scikit-learn; the portable model scores as MLlib", {
    timeout: 600_000,
  }, async () => {
    await trainBoth(request, "f1", ["numeric", "ordinal", "target", "date", "date"], "auc");
  });

  it("multiclass: one target mean per class, as scikit-learn's, and the portable model scores as MLlib", {
    timeout: 600_000,
  }, async () => {
    const { sk } = await trainBoth(
      {
        ...request,
        task: "multiclass",
        target: "band",
        features: request.features.filter((f) => f.name === "x1" || f.name === "size"),
        metric: "accuracy",
      },
      "f2",
      ["numeric", "target", "target", "target"],
      "accuracy",
    );
    expect(sk.flatMap((f) => (f.type === "target" ? [f.forClass] : []))).toEqual(["high", "low", "mid"]);
  });
});

/** The fitted encodings of both engines: equal levels and codes, values to float summation noise. */
function compareFeatures(spark: PortableFeature[], sk: PortableFeature[]) {
  const close = (a: number, b: number) =>
    expect(Math.abs(a - b)).toBeLessThan(1e-9 * Math.max(1, Math.abs(b)));
  spark.forEach((f, i) => {
    const g = sk[i]!;
    expect(f.type).toBe(g.type);
    if (f.type === "ordinal" && g.type === "ordinal") {
      expect(f.levels).toEqual(g.levels);
      expect(f.impute).toBe(g.impute);
    }
    if (f.type === "target" && g.type === "target") {
      expect(f.levels).toEqual(g.levels);
      expect(f.forClass).toEqual(g.forClass);
      f.values.forEach((v, k) => {
        close(v, g.values[k]!);
      });
      close(f.unseen, g.unseen);
    }
    if (f.type === "date" && g.type === "date")
      f.parts.forEach((p, k) => {
        const q = g.parts[k]!;
        expect(p.part).toBe(q.part);
        close(p.impute, q.impute);
        if (p.rescale.kind === "standard" && q.rescale.kind === "standard") {
          close(p.rescale.mean, q.rescale.mean);
          close(p.rescale.scale, q.rescale.scale);
        } else expect(p.rescale).toEqual(q.rescale);
      });
  });
}
