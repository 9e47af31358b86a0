import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBlobStorage, type DatasetStorage, datasetVersionPrefix } from "../src/index.ts";
import { type AzuriteHandle, startAzurite } from "./azurite.ts";
import { defineStorageContractTests } from "./storage-contract.ts";

let azurite: AzuriteHandle;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

/** A blob storage on a container and cache dir of its own (the container does not exist yet). */
async function freshBlobStorage(opts: { cacheMaxBytes?: number; container?: string } = {}) {
  const cacheDir = await mkdtemp(join(tmpdir(), "sous-storage-blob-"));
  const container = opts.container ?? `t-${randomUUID()}`;
  const storage = createBlobStorage({
    connectionString: azurite.connectionString,
    container,
    cacheDir,
    cacheMaxBytes: opts.cacheMaxBytes,
  });
  return { storage, container, cacheDir, cleanup: () => rm(cacheDir, { recursive: true, force: true }) };
}

/** The local folder of `prefix`, not held any longer (as a caller done reading would). */
async function readOnce(storage: DatasetStorage, prefix: string): Promise<string> {
  const lease = await storage.acquire(prefix);
  await lease.release();
  return lease.dir;
}

defineStorageContractTests("azure-blob (Azurite)", async (opts) => {
  const { storage, cleanup } = await freshBlobStorage(opts);
  return { storage, cachesCopies: true, cleanup };
});

describe("blob storage specifics", () => {
  const prefix = datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v1" });
  const containerClient = (name: string) =>
    BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(name);

  it("creates the container on first use", async () => {
    const { storage, container, cleanup } = await freshBlobStorage();
    try {
      expect(await containerClient(container).exists()).toBe(false);
      expect(await storage.list("any/")).toEqual([]);
      expect(await containerClient(container).exists()).toBe(true);
    } finally {
      await cleanup();
    }
  });

  it("a second acquire does not touch the blobs again", async () => {
    const { storage, container, cleanup } = await freshBlobStorage();
    try {
      await storage.putStream(`${prefix}part-0.parquet`, Readable.from([Buffer.from("parquet bytes")]));
      const dir = await readOnce(storage, prefix);
      // Delete behind the storage's back: only a cache hit can still answer.
      await containerClient(container).getBlobClient(`${prefix}part-0.parquet`).delete();
      expect(await readOnce(storage, prefix)).toBe(dir);
      expect(await readFile(join(dir, "part-0.parquet"), "utf8")).toBe("parquet bytes");
    } finally {
      await cleanup();
    }
  });

  it("commit uploads every file: another instance with an empty cache downloads them", async () => {
    const writer = await freshBlobStorage();
    const reader = await freshBlobStorage({ container: writer.container });
    try {
      const staged = await writer.storage.stage(prefix);
      const files = Array.from({ length: 9 }, (_, i) => ({
        name: `part-${i}.parquet`,
        data: randomBytes(50_000 + i),
      }));
      for (const f of files) await writeFile(join(staged.dir, f.name), f.data);
      expect(await staged.commit()).toEqual({
        files: 9,
        bytes: files.reduce((s, f) => s + f.data.length, 0),
      });
      const dir = await readOnce(reader.storage, prefix);
      for (const f of files) expect((await readFile(join(dir, f.name))).equals(f.data)).toBe(true);
    } finally {
      await writer.cleanup();
      await reader.cleanup();
    }
  });

  it("the cache index survives a restart (new instance on the same cache dir)", async () => {
    const first = await freshBlobStorage({ cacheMaxBytes: 3 * 1024 * 1024 });
    try {
      const [a, b] = ["ra", "rb"].map((v) =>
        datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: v }),
      );
      for (const p of [a!, b!]) {
        await first.storage.putStream(`${p}data.parquet`, Readable.from([randomBytes(2 * 1024 * 1024)]));
      }
      const dirA = await readOnce(first.storage, a!);
      const restarted: DatasetStorage = createBlobStorage({
        connectionString: azurite.connectionString,
        container: first.container,
        cacheDir: first.cacheDir,
        cacheMaxBytes: 3 * 1024 * 1024,
      });
      await readOnce(restarted, b!); // 4 MiB > 3 MiB: the restarted instance must evict A
      await expect(readFile(join(dirA, "data.parquet"))).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await first.cleanup();
    }
  });
});
