import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createLocalStorage, type DatasetStorage, uploadPrefix } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isStorageError, readUploadMeta, UPLOAD_DATA, UPLOAD_META } from "./staged-uploads.ts";

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
