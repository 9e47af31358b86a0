import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatasetStorage, datasetVersionPrefix } from "../src/index.ts";
import { type AzuriteHandle, startAzurite } from "./azurite.ts";

// The installation's storage (createDatasetStorage, as the studio and the worker build it from
// SOUS_BLOB_CACHE_MAX_BYTES) keeps the local copies of Blob versions under the cap, evicting the
// least recently *read* version, not the oldest written one.
let azurite: AzuriteHandle;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const MiB = 1024 * 1024;
const prefixOf = (v: string) => datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: v });

/** The version prefixes cached on disk right now, from the cache's metadata files. */
async function cachedPrefixes(dataDir: string): Promise<string[]> {
  const root = join(dataDir, "cache", "prefixes");
  const metas = (await readdir(root)).filter((n) => n.endsWith(".json"));
  const prefixes = await Promise.all(
    metas.map(async (m) => (JSON.parse(await readFile(join(root, m), "utf8")) as { prefix: string }).prefix),
  );
  return prefixes.sort();
}

describe("createDatasetStorage: the Blob read cache", () => {
  it("stays under cacheMaxBytes by evicting the least recently read version", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sous-cache-cap-"));
    const opts = {
      kind: "azure-blob" as const,
      dataDir,
      connectionString: azurite.connectionString,
      container: `c-${randomUUID()}`,
      cacheMaxBytes: Math.round(2.5 * MiB),
    };
    try {
      const writer = createDatasetStorage(opts);
      const [a, b, c] = ["va", "vb", "vc"].map(prefixOf) as [string, string, string];
      for (const p of [a, b, c])
        await writer.putStream(`${p}part-0.parquet`, Readable.from([randomBytes(MiB)]));

      // A fresh process (empty cache) reads A, then B, then A again: B is now the least recent.
      const reader = createDatasetStorage(opts);
      await reader.materialize(a);
      await reader.materialize(b);
      const dirA = await reader.materialize(a);
      expect(await cachedPrefixes(dataDir)).toEqual([a, b]);

      // Reading C goes over 2.5 MiB: B goes, A (read more recently) stays.
      await reader.materialize(c);
      expect(await cachedPrefixes(dataDir)).toEqual([a, c]);
      expect((await readFile(join(dirA, "part-0.parquet"))).length).toBe(MiB);

      // B is downloaded again when read again, and A, now the oldest read, makes room.
      const dirB = await reader.materialize(b);
      expect((await readFile(join(dirB, "part-0.parquet"))).length).toBe(MiB);
      expect(await cachedPrefixes(dataDir)).toEqual([b, c]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("without a cap keeps every version read (default 10 GiB)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sous-cache-default-"));
    const storage = createDatasetStorage({
      kind: "azure-blob",
      dataDir,
      connectionString: azurite.connectionString,
      container: `c-${randomUUID()}`,
    });
    try {
      const prefixes = ["v1", "v2", "v3"].map(prefixOf);
      for (const p of prefixes)
        await storage.putStream(`${p}part-0.parquet`, Readable.from([randomBytes(MiB)]));
      for (const p of prefixes) await storage.materialize(p);
      expect(await cachedPrefixes(dataDir)).toEqual([...prefixes].sort());
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
