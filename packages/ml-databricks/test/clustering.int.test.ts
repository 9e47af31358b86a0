// MLlib clustering through the Jobs API of the Databricks emulator, on real local Spark: k-means
// (k chosen by silhouette) and bisecting k-means on a seeded dataset version with NULLs, the
// models brought back into the installation's storage. The oracle is MLlib itself: its cluster
// of each sampled row and its cluster sizes, which the portable forms (nearest centroid after the
// feature handling; down the tree for bisecting k-means) must repeat.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { AppError } from "@sous/contracts";
import { type ComputeProfileRef, createClusterLoad, createDatabricksRestClient } from "@sous/databricks";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import { type MllibClusterRequest, nearestCentroid, PortableClusterModelSchema } from "@sous/ml";
import { sparkLocalAvailability } from "@sous/spark-local";
import {
  createLocalStorage,
  type DatasetStorage,
  datasetVersionPrefix,
  mlTrainingPrefix,
} from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterOnDatabricks, type DatabricksTrainOptions } from "../src/index.ts";

const available = sparkLocalAvailability();
const title = available.ok
  ? "MLlib clustering on the emulator (real Spark)"
  : `MLlib clustering on the emulator: SKIPPED, ${available.reason}`;
const TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const ROWS = 1200;
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  WITH base AS (SELECT i, i % 3 AS blob FROM range(${ROWS}) t(i))
  SELECT
    CASE WHEN i % 13 = 0 THEN NULL ELSE blob * 6 + ${u(1)} * 4 END AS x1,
    CASE WHEN i % 17 = 0 THEN NULL ELSE (blob % 2) * 30 + ${u(2)} * 20 END AS x2,
    CASE WHEN i % 11 = 0 THEN NULL
      WHEN ${u(3)} < 0.7 THEN ['red', 'green', 'blue'][1 + blob::INT]
      ELSE ['black', 'white', 'pink', 'gold'][1 + (hash(i * 10 + 4) % 4)::INT] END AS colour
  FROM base`;

const request: MllibClusterRequest = {
  features: [
    { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
    { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
    { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
  ],
  algorithms: [
    { algorithm: "kmeans", k: 2, kGrid: [2, 3, 4], maxIter: 50 },
    { algorithm: "bisectingKmeans", k: 3, maxIter: 20 },
  ],
  seed: 5,
  sampleRows: 300,
};

describe.skipIf(!available.ok)(title, () => {
  let emu: DatabricksEmulator;
  let work: string;
  let installation: DatasetStorage;
  let mount: DatasetStorage;
  const input = datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v1" });
  const profile: ComputeProfileRef = {
    id: "ml-profile",
    name: "ml",
    spec: { spark_version: "17.3.x-scala2.13", num_workers: 0 },
    maxClusters: 1,
    maxActiveStatements: 4,
  };
  let options: (trainingId: string) => DatabricksTrainOptions;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "sous-ml-cluster-"));
    installation = createLocalStorage({ root: path.join(work, "installation") });
    mount = createLocalStorage({ root: path.join(work, "mount") });
    const staged = await installation.stage(input);
    await queryLocalDuckDb(`COPY (${SEED_SQL}) TO '${staged.dir}/part-0.parquet' (FORMAT parquet)`);
    await staged.commit();
    await mount.putStream("README", Readable.from(["mount"]));
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: { "dbfs:/mnt/sous": path.join(work, "mount") },
      clusterStartDelayMs: 100,
    });
    const rest = createDatabricksRestClient({
      baseUrl: emu.url,
      token: TOKEN,
      retry: { initialDelayMs: 50 },
    });
    options = (trainingId) => ({
      engine: { rest, profile, mapping: { clusterPrefix: "dbfs:/mnt/sous" }, mountStorage: mount },
      load: createClusterLoad(),
      installationStorage: installation,
      inputPrefix: input,
      outputPrefix: mlTrainingPrefix({ projectId: "p", trainingId }),
      poll: { initialMs: 100, maxMs: 500 },
    });
  });
  afterAll(async () => {
    await emu?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("k-means and bisecting k-means train on MLlib; their portable forms assign rows as MLlib does", {
    timeout: 600_000,
  }, async () => {
    const { result } = await clusterOnDatabricks(request, options("c1"));
    if (!result.ok) throw new Error(`refused: ${result.error.message}`);
    expect(result.rows.read).toBe(ROWS);
    const [kmeans, bisecting] = result.models;
    if (!kmeans || !bisecting) throw new Error("two models expected");
    expect(kmeans.kSearch?.tried.map((t) => t.k)).toEqual([2, 3, 4]);
    expect(kmeans.metrics.silhouette).toBe(
      Math.max(...(kmeans.kSearch?.tried.map((t) => t.silhouette ?? -2) ?? [])),
    );
    for (const m of result.models) {
      expect(m.sizes.reduce((a, b) => a + b)).toBe(ROWS);
      expect(m.sample.cluster).toHaveLength(300);
    }
    // The sample rows as read (NULLs kept), in the input's order.
    const rows = await queryLocalDuckDb(
      `SELECT * FROM '${path.join(work, "installation", input, "part-0.parquet")}'`,
    );
    expect(result.sample).toEqual(rows.slice(0, 300));
    expect(result.sample.some((r) => r.x1 === null) && result.sample.some((r) => r.colour === null)).toBe(
      true,
    );

    const out = await installation.acquire(mlTrainingPrefix({ projectId: "p", trainingId: "c1" }));
    try {
      for (const m of result.models) expect(existsSync(path.join(out.dir, m.pickle, "metadata"))).toBe(true);
      const portable = (m: typeof kmeans) =>
        PortableClusterModelSchema.parse(
          JSON.parse(readFileSync(path.join(out.dir, m.portable ?? "missing"), "utf8")),
        );
      const model = portable(kmeans);
      // MLlib's cluster of each sampled row, and its sizes over every row: by nearest centroid for
      // the k-means, down its tree for the bisecting k-means (which has one, the k-means none).
      expect(model.tree).toBeUndefined();
      expect(portable(bisecting).tree).toHaveLength(2 * bisecting.k - 1);
      for (const [m, p] of [
        [kmeans, model],
        [bisecting, portable(bisecting)],
      ] as const) {
        expect(result.sample.map((r) => nearestCentroid(p, r))).toEqual(m.sample.cluster);
        const sizes = new Array<number>(m.k).fill(0);
        for (const r of rows) sizes[nearestCentroid(p, r)]!++;
        expect(sizes).toEqual(m.sizes);
      }
      // Profiles: each cluster's mean of x1, as DuckDB computes it over the same assignment.
      const x1 = kmeans.profiles.numeric.find((p) => p.feature === "x1")!;
      for (let c = 0; c < kmeans.k; c++) {
        const values = rows
          .filter((r) => nearestCentroid(model, r) === c && r.x1 !== null)
          .map((r) => r.x1 as number);
        expect(x1.clusters[c]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
      }
    } finally {
      await out.release();
    }
    console.log(
      `[mllib clustering] ${ROWS} rows: ${result.models.map((m) => `${m.algorithm.algorithm} k=${m.k} silhouette ${m.metrics.silhouette?.toFixed(4)} sizes ${m.sizes.join("/")}`).join("; ")}`,
    );
  });

  it("refuses a Gaussian mixture (local only) before anything is submitted", {
    timeout: 600_000,
  }, async () => {
    const gmm = await clusterOnDatabricks(
      { ...request, algorithms: [{ algorithm: "gaussianMixture", k: 2, maxIter: 10 }] },
      options("c2"),
    ).catch((e: unknown) => e);
    expect(gmm).toBeInstanceOf(AppError);
    expect((gmm as AppError).message).toMatch(/Gaussian mixture trains locally/);
  });
});
