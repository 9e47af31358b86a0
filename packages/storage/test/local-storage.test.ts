import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLocalStorage, StorageLimitError } from "../src/index.ts";
import { defineStorageContractTests } from "./storage-contract.ts";

defineStorageContractTests("local", async () => {
  const root = await mkdtemp(join(tmpdir(), "sous-storage-local-"));
  return {
    storage: createLocalStorage({ root }),
    cachesCopies: false,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe("local storage specifics", () => {
  it("maps keys to files under the root and leases the folder itself", async () => {
    const root = await mkdtemp(join(tmpdir(), "sous-storage-local-"));
    try {
      const storage = createLocalStorage({ root });
      await storage.putStream(
        "projects/p/datasets/d/versions/v/a.parquet",
        Readable.from([Buffer.from("x")]),
      );
      const lease = await storage.acquire("projects/p/datasets/d/versions/v/");
      expect(lease.dir).toBe(join(root, "projects/p/datasets/d/versions/v"));
      await lease.release();
      const staged = await storage.stage("projects/p/datasets/d/versions/w/");
      expect(staged.dir).toBe(join(root, "projects/p/datasets/d/versions/w"));
      await staged.abort();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("leaves no temp file behind when a body exceeds maxBytes or fails", async () => {
    const root = await mkdtemp(join(tmpdir(), "sous-storage-local-"));
    try {
      const storage = createLocalStorage({ root });
      await expect(
        storage.putStream("u/big", Readable.from([Buffer.alloc(2048)]), { maxBytes: 1024 }),
      ).rejects.toBeInstanceOf(StorageLimitError);
      const failing = new Readable({
        read() {
          this.destroy(new Error("client went away"));
        },
      });
      await expect(storage.putStream("u/broken", failing)).rejects.toThrow("client went away");
      expect(await readdir(join(root, ".sous", "tmp"))).toEqual([]);
      expect(await storage.list("u/")).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
