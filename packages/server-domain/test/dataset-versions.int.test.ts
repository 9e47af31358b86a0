import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError, type DatasetSchema, newId } from "@sous/contracts";
import { createDb, type Db } from "@sous/db";
import {
  createLocalStorage,
  type DatasetStorage,
  datasetVersionPrefix,
  localStorageRoot,
  sampleCacheDir,
} from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneDatasetVersions, publishDatasetVersion } from "../src/index.ts";

// Publishing and pruning against the real Postgres: the update of the dataset's row (its
// lastVersionNumber) is what keeps racing publishers (an upload and a build of the same dataset)
// from both taking `last + 1`.
const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const schema: DatasetSchema = [{ name: "x", type: "bigint" }];

describe.skipIf(!databaseUrl)("dataset versions", () => {
  let db: Db;
  let storage: DatasetStorage;
  let projectId: string;
  const dataDir = path.join(tmpdir(), `sous-server-domain-${randomBytes(4).toString("hex")}`);

  beforeAll(async () => {
    db = createDb({ databaseUrl });
    storage = createLocalStorage({ root: localStorageRoot(dataDir) });
    const key = `SD${randomBytes(3).toString("hex").toUpperCase()}`;
    projectId = (await db.project.create({ data: { key, name: "server domain" } })).id;
  });
  afterAll(async () => {
    await db?.project.deleteMany({ where: { id: projectId } });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const newDataset = async () => (await db.dataset.create({ data: { projectId, name: newId() } })).id;

  /** A version whose files are committed in storage, ready to publish. */
  async function staged(datasetId: string) {
    const versionId = newId();
    const prefix = datasetVersionPrefix({ projectId, datasetId, versionId });
    const write = await storage.stage(prefix);
    writeFileSync(path.join(write.dir, "part-0.parquet"), "not really parquet");
    const { bytes } = await write.commit();
    return { datasetId, versionId, prefix, schema, rowCount: 1, bytes };
  }

  it("gives an upload and a build racing on one dataset consecutive numbers", async () => {
    const datasetId = await newDataset();
    const job = await db.job.create({
      data: { projectId, targets: [datasetId], mode: "build-only-this", state: "RUNNING" },
    });
    // Several rounds of uploads against builds, all at once: without the lock, two of them read
    // the same last number and the second insert hits the (datasetId, number) unique index.
    const versions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => staged(datasetId).then((v) => ({ ...v, i }))),
    );
    const results = await Promise.allSettled(
      versions.map((v) =>
        v.i % 2 === 0
          ? publishDatasetVersion(db, { ...v, origin: "upload orders.csv" })
          : publishDatasetVersion(db, { ...v, jobId: job.id, buildHash: `hash-${v.i}` }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const numbers = results.map((r) => (r.status === "fulfilled" ? r.value.number : 0));
    expect([...numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const rows = await db.datasetVersion.findMany({ where: { datasetId }, orderBy: { number: "asc" } });
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const d = await db.dataset.findUniqueOrThrow({ where: { id: datasetId } });
    expect(d.currentVersionId).toBe(rows[7]?.id);
  });

  it("runs the caller's writes in the same transaction, and none of it when one fails", async () => {
    const datasetId = await newDataset();
    const v = await staged(datasetId);
    await expect(
      publishDatasetVersion(db, v, {
        after: async () => {
          throw new Error("the job was taken over");
        },
      }),
    ).rejects.toThrow("taken over");
    expect(await db.datasetVersion.count({ where: { datasetId } })).toBe(0);
    expect((await db.dataset.findUniqueOrThrow({ where: { id: datasetId } })).currentVersionId).toBeNull();
  });

  it("publishes for the job's owning attempt only, stamping its heartbeat in the locking statement", async () => {
    const datasetId = await newDataset();
    const job = await db.job.create({
      data: { projectId, targets: [datasetId], mode: "build-only-this", state: "RUNNING" },
    });
    const old = new Date(Date.now() - 60_000);
    await db.jobAttempt.create({ data: { jobId: job.id, token: "mine", number: 2, heartbeatAt: old } });
    const notOwner = () => new Error("not the owner");
    // Another attempt's token: nothing is published, and the owner's heartbeat is left alone.
    await expect(
      publishDatasetVersion(db, await staged(datasetId), {
        owner: { jobId: job.id, token: "theirs", notOwner },
      }),
    ).rejects.toThrow("not the owner");
    expect(await db.datasetVersion.count({ where: { datasetId } })).toBe(0);
    const attempt = () => db.jobAttempt.findUniqueOrThrow({ where: { jobId: job.id } });
    expect((await attempt()).heartbeatAt).toEqual(old);
    // The owner publishes, and its heartbeat moves on.
    const { number } = await publishDatasetVersion(db, await staged(datasetId), {
      owner: { jobId: job.id, token: "mine", notOwner },
    });
    expect(number).toBe(1);
    expect((await attempt()).heartbeatAt!.getTime()).toBeGreaterThan(old.getTime());
    // A deleted dataset is still a conflict for the owner (the lock found no row).
    const gone = await newDataset();
    const v = await staged(gone);
    await db.dataset.delete({ where: { id: gone } });
    const error = await publishDatasetVersion(db, v, {
      owner: { jobId: job.id, token: "mine", notOwner },
    }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("conflict");
  });

  it("releases the job's lease and logs its line with the publish, and neither for an attempt that lost the job", async () => {
    const datasetId = await newDataset();
    const job = await db.job.create({
      data: { projectId, targets: [datasetId], mode: "build-only-this", state: "RUNNING" },
    });
    await db.jobAttempt.create({
      data: { jobId: job.id, token: "mine", number: 1, heartbeatAt: new Date() },
    });
    await db.datasetBuildLock.create({
      data: { datasetId, jobId: job.id, expiresAt: new Date(Date.now() + 60_000) },
    });
    const hooks = (token: string) => ({
      owner: { jobId: job.id, token, notOwner: () => new Error("not the owner") },
      releaseBuildLock: { jobId: job.id },
      logLine: { jobId: job.id, message: `Wrote 1 rows (${token})` },
    });
    const lines = async () =>
      (await db.jobLog.findMany({ where: { jobId: job.id }, select: { message: true } })).map(
        (l) => l.message,
      );

    await expect(publishDatasetVersion(db, await staged(datasetId), hooks("theirs"))).rejects.toThrow(
      "not the owner",
    );
    expect(await db.datasetBuildLock.count({ where: { datasetId } })).toBe(1);
    expect(await lines()).toEqual([]);

    await publishDatasetVersion(db, await staged(datasetId), hooks("mine"));
    expect(await db.datasetBuildLock.count({ where: { datasetId } })).toBe(0);
    expect(await lines()).toEqual(["Wrote 1 rows (mine)"]);
  });

  it("keeps numbering after pruning, and above a version written around it", async () => {
    const datasetId = await newDataset();
    for (let i = 0; i < 3; i++) await publishDatasetVersion(db, await staged(datasetId));
    await pruneDatasetVersions({ db, storage, dataDir }, datasetId, 1);
    expect((await publishDatasetVersion(db, await staged(datasetId))).number).toBe(4);
    // A writer that inserts a version itself (an older studio, a script) does not make the next
    // publish collide with it.
    const v = await staged(datasetId);
    await db.datasetVersion.create({
      data: { id: v.versionId, datasetId, number: 9, prefix: v.prefix, status: "PUBLISHED", schema },
    });
    expect((await publishDatasetVersion(db, await staged(datasetId))).number).toBe(10);
    expect((await db.dataset.findUniqueOrThrow({ where: { id: datasetId } })).lastVersionNumber).toBe(10);
  });

  it("answers a conflict, not a foreign-key error, when the dataset was deleted meanwhile", async () => {
    const datasetId = await newDataset();
    const v = await staged(datasetId);
    await db.dataset.delete({ where: { id: datasetId } });
    const error = await publishDatasetVersion(db, v).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("conflict");
  });

  it("prunes to the newest N, never below one nor the current version, with files and samples", async () => {
    const datasetId = await newDataset();
    const published: { versionId: string; prefix: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const v = await staged(datasetId);
      await publishDatasetVersion(db, v);
      mkdirSync(sampleCacheDir(dataDir, v.versionId), { recursive: true });
      published.push(v);
    }
    const deps = { db, storage, dataDir };
    expect(await pruneDatasetVersions(deps, datasetId, 2)).toEqual([
      published[1]!.versionId,
      published[0]!.versionId,
    ]);
    expect(existsSync(path.join(localStorageRoot(dataDir), published[0]!.prefix))).toBe(false);
    expect(existsSync(sampleCacheDir(dataDir, published[0]!.versionId))).toBe(false);
    expect(existsSync(sampleCacheDir(dataDir, published[2]!.versionId))).toBe(true);

    // A setting of 0 still keeps one version: the current one.
    expect(await pruneDatasetVersions(deps, datasetId, 0)).toEqual([published[2]!.versionId]);
    const left = await db.datasetVersion.findMany({ where: { datasetId } });
    expect(left.map((r) => r.id)).toEqual([published[3]!.versionId]);
    expect(await storage.exists(`${published[3]!.prefix}part-0.parquet`)).toBe(true);
  });
});
