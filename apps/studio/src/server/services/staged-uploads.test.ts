import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createLocalStorage, type DatasetStorage, uploadPrefix } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isStorageError,
  readUploadMeta,
  sweepImportScratch,
  sweepStagedUploads,
  UPLOAD_DATA,
  UPLOAD_META,
  uploadExpired,
} from "./staged-uploads.ts";

let dir: string;
let storage: DatasetStorage;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-uploads-"));
  storage = createLocalStorage({ root: dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stage(projectId: string, uploadId: string, meta?: string | { createdAt: string }) {
  const prefix = uploadPrefix({ projectId, uploadId });
  await storage.putStream(`${prefix}${UPLOAD_DATA}`, Readable.from(["a,b\n1,2\n"]));
  if (meta !== undefined) {
    const text = typeof meta === "string" ? meta : JSON.stringify({ fileName: "a.csv", bytes: 8, ...meta });
    await storage.putStream(`${prefix}${UPLOAD_META}`, Readable.from([text]));
  }
  return prefix;
}

describe("readUploadMeta", () => {
  it("reads a missing or broken meta.json as no upload (a 404, not a 500)", async () => {
    expect(await readUploadMeta(storage, uploadPrefix({ projectId: "p4", uploadId: "none" }))).toBeNull();
    expect(await readUploadMeta(storage, await stage("p4", "empty", ""))).toBeNull();
    expect(await readUploadMeta(storage, await stage("p4", "bad", '{"fileName": 1}'))).toBeNull();
    const ok = await readUploadMeta(
      storage,
      await stage("p4", "ok", { createdAt: "2026-01-01T00:00:00.000Z" }),
    );
    expect(ok).toEqual({ fileName: "a.csv", bytes: 8, createdAt: "2026-01-01T00:00:00.000Z" });
  });
});

describe("isStorageError", () => {
  it("recognises an error of another copy of @sous/storage (Next's instrumentation bundle)", async () => {
    // The class a separately bundled copy of the package would throw: same name, other identity.
    class StorageNotFoundError extends Error {
      override readonly name = "StorageNotFoundError";
    }
    expect(isStorageError(new StorageNotFoundError("x"), "StorageNotFoundError")).toBe(true);
    const real = await storage.getStream("projects/none/x").catch((e: unknown) => e);
    expect(isStorageError(real, "StorageNotFoundError")).toBe(true);
    expect(isStorageError(new Error("x"), "StorageNotFoundError")).toBe(false);
    expect(isStorageError(new StorageNotFoundError("x"), "StorageLimitError")).toBe(false);
  });
});

// Issue "Staged uploads are never cleaned up": files uploaded for the import dialog and never
// imported stayed in storage forever. The sweep deletes those older than the expiry.
const present = async (prefix: string) => (await storage.list(prefix)).length > 0;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe("sweepStagedUploads", () => {
  it("deletes the uploads older than the expiry and keeps the others", async () => {
    const old = await stage("p1", "old", { createdAt: ago(200) });
    const fresh = await stage("p1", "fresh", { createdAt: ago(0) });
    const otherProject = await stage("p2", "old", { createdAt: ago(200) });
    const deleted = await sweepStagedUploads(storage, { projectIds: ["p1"], maxAgeMs: 100 });
    expect(deleted).toEqual([old]);
    expect(await present(old)).toBe(false);
    expect(await present(fresh)).toBe(true);
    expect(await present(otherProject)).toBe(true);
  });

  it("ages an upload without a readable meta.json from the first sweep that saw it", async () => {
    const seen = new Map<string, number>();
    const missing = await stage("p3", "halfway");
    const garbled = await stage("p3", "garbled", "{not json");
    const t0 = Date.now();
    expect(await sweepStagedUploads(storage, { projectIds: ["p3"], maxAgeMs: 100, now: t0, seen })).toEqual(
      [],
    );
    expect(await present(missing)).toBe(true);
    const later = await sweepStagedUploads(storage, {
      projectIds: ["p3"],
      maxAgeMs: 100,
      now: t0 + 101,
      seen,
    });
    expect(later.sort()).toEqual([garbled, missing].sort());
    expect(seen.size).toBe(0);
  });

  it("is a no-op for a project without uploads", async () => {
    expect(await sweepStagedUploads(storage, { projectIds: ["nothing"], maxAgeMs: 1 })).toEqual([]);
  });

  it("tells an expired upload from a recent one", () => {
    expect(uploadExpired({ fileName: "a", bytes: 1, createdAt: ago(1000) }, 500)).toBe(true);
    expect(uploadExpired({ fileName: "a", bytes: 1, createdAt: ago(0) }, 500)).toBe(false);
  });
});

describe("sweepImportScratch", () => {
  it("deletes what an interrupted import left untouched past the age, keeps what a running one uses", async () => {
    const scratch = path.join(dir, "scratch");
    mkdirSync(scratch);
    const hour = 3600_000;
    const now = Date.now();
    const aged = (p: string, ms: number) => utimesSync(p, new Date(now - ms), new Date(now - ms));
    // A streamed upload's segments and head, from a studio stopped a day ago.
    for (const f of [".segment-a-0.csv", ".segment-a-1.csv", ".head-a.csv"]) {
      writeFileSync(path.join(scratch, f), "x");
      aged(path.join(scratch, f), 25 * hour);
    }
    // A running (slow) upload's files: its first segment written two hours ago, its spool now.
    writeFileSync(path.join(scratch, ".segment-b-0.csv"), "x");
    aged(path.join(scratch, ".segment-b-0.csv"), 2 * hour);
    writeFileSync(path.join(scratch, ".spool-b.csv"), "x");
    // An import's folder, old itself but with a file written a minute ago.
    mkdirSync(path.join(scratch, "pg-live"));
    writeFileSync(path.join(scratch, "pg-live", "rows.parquet"), "x");
    aged(path.join(scratch, "pg-live", "rows.parquet"), 60_000);
    aged(path.join(scratch, "pg-live"), 30 * hour);
    // An abandoned import folder.
    mkdirSync(path.join(scratch, "pg-dead"));
    writeFileSync(path.join(scratch, "pg-dead", "rows.parquet"), "x");
    aged(path.join(scratch, "pg-dead", "rows.parquet"), 30 * hour);
    aged(path.join(scratch, "pg-dead"), 30 * hour);

    const deleted = await sweepImportScratch(scratch, { maxAgeMs: 24 * hour, now });
    expect(deleted.sort()).toEqual([".head-a.csv", ".segment-a-0.csv", ".segment-a-1.csv", "pg-dead"]);
    expect(readdirSync(scratch).sort()).toEqual([".segment-b-0.csv", ".spool-b.csv", "pg-live"]);
  });

  it("is a no-op for a scratch folder no import created yet", async () => {
    const missing = path.join(dir, "never-created");
    expect(await sweepImportScratch(missing, { maxAgeMs: 1000 })).toEqual([]);
    expect(existsSync(missing)).toBe(false);
  });
});
