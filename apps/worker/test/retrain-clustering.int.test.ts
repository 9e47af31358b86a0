// "Retrain" on a clustering saved model: the worker runs the training's clustering design again on
// the dataset's current version (a job of mode train, as the studio queues it) and deploys the
// same algorithm as a new version of the saved model, active or not as asked, with the k its
// search chose this time. Real scikit-learn (the venv's), real Postgres/Redis/DuckDB; the oracle
// is the retraining's own result (its sample rows' clusters, its rows read), and a Score recipe
// built afterwards scores with the new active version.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { newId, type RecipeSpec } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { duckString } from "@sous/engine-local";
import {
  type ClusterDesign,
  ClusterResultSchema,
  deployedClusterAlgorithm,
  nearestCentroid,
  PortableClusterModelSchema,
} from "@sous/ml";
import { mlLocalAvailability } from "@sous/ml-local";
import { type BuildQueue, enqueueBuild } from "@sous/queue";
import { publishDatasetVersion } from "@sous/server-domain";
import { datasetVersionPrefix, mlTrainingPrefix } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerContext } from "../src/context.ts";
import {
  addRecipe,
  addSource,
  closeTestContext,
  createProject,
  createTestContext,
  hasServices,
  startTestWorkers,
  submitBuild,
  type TestWorkers,
  waitForJobRow,
} from "./fixture.ts";

const python = mlLocalAvailability();
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
/** `blobs` groups in (x1, x2), a colour leaning per group, NULLs in each feature. */
const rowsSql = (blobs: number) => `i AS id,
  CASE WHEN i % 13 = 0 THEN NULL ELSE (i % ${blobs}) * 8 + ${u(1)} * 3 END AS x1,
  CASE WHEN i % 17 = 0 THEN NULL ELSE ((i % ${blobs}) % 2) * 20 + ${u(2)} * 5 END AS x2,
  CASE WHEN i % 11 = 0 THEN NULL ELSE ['red', 'green', 'blue', 'gold'][1 + (i % ${blobs})::INT % 4] END AS colour`;

const design: ClusterDesign = {
  task: "clustering",
  features: [
    { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard", include: true },
    { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax", include: true },
    { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 5, include: true },
  ],
  algorithms: [
    { algorithm: "kmeans", k: 2, kGrid: [2, 3, 4], maxIter: 100 },
    { algorithm: "gaussianMixture", k: 2, maxIter: 100 },
  ],
  seed: 3,
  engine: { kind: "local" },
};

describe.skipIf(!hasServices || !python.ok)("retrain a clustering saved model from the Flow", () => {
  let ctx: WorkerContext & { dataDir: string };
  let queue: BuildQueue;
  let workers: TestWorkers | undefined;
  let projectId: string;
  let datasetId: string;
  let analysisId: string;
  const prefix = `sous-wtest-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    ctx = await createTestContext("retrain-clustering");
    workers = startTestWorkers(ctx, {
      prefix,
      concurrency: 2,
      build: { parallelism: 1, activityTimeoutMs: 240_000, cancelPollMs: 100 },
    });
    queue = workers.queue;
    projectId = await createProject(ctx.db, "RC");
    // Two groups at first; the current data has four.
    datasetId = await addSource(ctx, projectId, "customers", rowsSql(2), 400);
    analysisId = (
      await ctx.db.mlAnalysis.create({
        data: { projectId, datasetId, name: "segments", design: design as unknown as Prisma.InputJsonValue },
      })
    ).id;
  }, 120_000);

  afterAll(async () => {
    await workers?.close();
    await closeTestContext(ctx);
  });

  /** Queues a clustering job as the studio does (startClustering) and waits for its end. */
  async function train(
    number: number,
    retrain?: { savedModelId: string; modelIndex: number; activate: boolean },
  ) {
    const { db } = ctx;
    const d = await db.dataset.findUniqueOrThrow({
      where: { id: datasetId },
      select: { currentVersionId: true },
    });
    const job = await db.job.create({
      data: { projectId, mode: "train", targets: [], state: "QUEUED", queuePrefix: prefix },
    });
    const t = await db.mlTraining.create({
      data: {
        analysisId,
        jobId: job.id,
        number,
        design: design as unknown as Prisma.InputJsonValue,
        datasetVersionId: d.currentVersionId,
        artifactsPrefix: "pending",
        ...(retrain ? { retrain: retrain as Prisma.InputJsonValue } : {}),
      },
    });
    const artifactsPrefix = mlTrainingPrefix({ projectId, trainingId: t.id });
    await db.mlTraining.update({ where: { id: t.id }, data: { artifactsPrefix } });
    await enqueueBuild(queue, { jobId: job.id });
    const ended = await waitForJobRow(db, job.id, 300_000);
    const logs = await db.jobLog.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    const row = await db.mlTraining.findUniqueOrThrow({ where: { id: t.id } });
    return { job: ended, logs: logs.map((l) => l.message), training: row, artifactsPrefix };
  }

  async function portableOf(key: string) {
    const lease = await ctx.storage.acquire(path.posix.dirname(key));
    try {
      return PortableClusterModelSchema.parse(
        JSON.parse(readFileSync(path.join(lease.dir, path.posix.basename(key)), "utf8")),
      );
    } finally {
      await lease.release();
    }
  }

  it("trains the design again on the current data and deploys each asked model as a new version", {
    timeout: 900_000,
  }, async () => {
    const { db } = ctx;
    // The first clustering, deployed as the Lab's Deploy does: k-means as version 1.
    const first = await train(1);
    expect(first.job.state, first.logs.join("\n")).toBe("SUCCEEDED");
    const firstResult = ClusterResultSchema.parse(first.training.result);
    if (!firstResult.ok) throw new Error("first clustering refused");
    expect(firstResult.rows.read).toBe(400);
    const kmeans1 = firstResult.models[0]!;
    const saved = await db.savedModel.create({
      data: { projectId, name: "segments_model", datasetId, analysisId },
    });
    const v1 = await db.savedModelVersion.create({
      data: {
        savedModelId: saved.id,
        number: 1,
        trainingId: first.training.id,
        modelIndex: 0,
        task: "clustering",
        algorithm: deployedClusterAlgorithm(kmeans1) as unknown as Prisma.InputJsonValue,
        metrics: kmeans1.metrics as Prisma.InputJsonValue,
        portableKey: `${first.artifactsPrefix}${kmeans1.portable}`,
        artifactKey: `${first.artifactsPrefix}${kmeans1.pickle}`,
      },
    });
    await db.savedModel.update({ where: { id: saved.id }, data: { activeVersionId: v1.id } });

    // The dataset's next version: 700 rows in four groups.
    const versionId = newId();
    const vPrefix = datasetVersionPrefix({ projectId, datasetId, versionId });
    const staged = await ctx.storage.stage(vPrefix);
    const n = await ctx.engine.runWrite(
      `COPY (SELECT ${rowsSql(4)} FROM range(700) AS t(i)) TO ${duckString(path.join(staged.dir, "part-0.parquet"))} (FORMAT parquet)`,
    );
    const { schema } = await ctx.engine.describeParquet(staged.dir);
    const { bytes } = await staged.commit();
    await publishDatasetVersion(db, { datasetId, versionId, prefix: vPrefix, schema, rowCount: n, bytes });

    // Retrain the k-means (activated), then the Gaussian mixture (not activated).
    const retrained = await train(2, { savedModelId: saved.id, modelIndex: 0, activate: true });
    expect(retrained.job.state, retrained.logs.join("\n")).toBe("SUCCEEDED");
    expect(retrained.logs).toContain("Deployed as version 2 of saved model segments_model (now active).");
    const result = ClusterResultSchema.parse(retrained.training.result);
    if (!result.ok) throw new Error("retraining refused");
    expect(result.rows.read).toBe(700);
    const kmeans2 = result.models[0]!;
    // Four groups now: the k search keeps another k than the first time's.
    expect(kmeans1.k).toBe(2);
    expect(kmeans2.k).toBe(4);

    const mixture = await train(3, { savedModelId: saved.id, modelIndex: 1, activate: false });
    expect(mixture.job.state, mixture.logs.join("\n")).toBe("SUCCEEDED");
    expect(mixture.logs).toContain("Deployed as version 3 of saved model segments_model (not activated).");

    const after = await db.savedModel.findUniqueOrThrow({
      where: { id: saved.id },
      include: { versions: { orderBy: { number: "asc" } } },
    });
    const [, v2, v3] = after.versions;
    expect(after.versions).toHaveLength(3);
    expect(after.activeVersionId).toBe(v2!.id);
    expect(v2).toMatchObject({
      trainingId: retrained.training.id,
      modelIndex: 0,
      task: "clustering",
      algorithm: { algorithm: "kmeans", k: 4, maxIter: 100 },
      metrics: kmeans2.metrics,
      portableKey: `${retrained.artifactsPrefix}${kmeans2.portable}`,
      artifactKey: `${retrained.artifactsPrefix}${kmeans2.pickle}`,
    });
    // A mixture has no portable form: it scores through its pickle.
    expect(v3).toMatchObject({
      trainingId: mixture.training.id,
      modelIndex: 1,
      task: "clustering",
      algorithm: { algorithm: "gaussianMixture", k: 2, maxIter: 100 },
      portableKey: null,
    });
    // The stored portable form is the retrained model: its sample rows land in its clusters.
    const model = await portableOf(v2!.portableKey!);
    expect(model.centroids).toHaveLength(4);
    expect(result.sample.map((r) => nearestCentroid(model, r))).toEqual(kmeans2.sample.cluster);

    // A Score recipe built now scores with the active (retrained) version.
    const { outputId } = await addRecipe(db, projectId, {
      name: "score_segments",
      spec: { kind: "score", version: 1, params: { savedModelId: saved.id } } as RecipeSpec,
      inputs: [datasetId],
      output: "segments_scored",
    });
    const j = await submitBuild(db, queue, projectId, [outputId], "build-only-this");
    const built = await waitForJobRow(db, j.jobId, 240_000);
    expect(built.state).toBe("SUCCEEDED");
    const out = await db.dataset.findUniqueOrThrow({
      where: { id: outputId },
      include: { currentVersion: true },
    });
    const lease = await ctx.storage.acquire(out.currentVersion!.prefix);
    try {
      const rows = await ctx.engine.sandboxed({ read: [lease.dir] }, (box) =>
        box.withConnection(async (c) =>
          (
            await c.runAndReadAll(`SELECT * FROM read_parquet('${lease.dir}/*.parquet') ORDER BY id`)
          ).getRowObjectsJS(),
        ),
      );
      expect(rows).toHaveLength(700);
      expect(rows.map((r) => r.cluster)).toEqual(rows.map((r) => nearestCentroid(model, r)));
      expect(new Set(rows.map((r) => r.cluster)).size).toBe(4);
    } finally {
      await lease.release();
    }
  });
});
