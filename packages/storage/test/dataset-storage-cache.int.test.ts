import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatasetStorage, type DatasetStorage, datasetVersionPrefix } from "../src/index.ts";
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

/** The version prefixes cached on disk right now, from the cache entries' metadata files. */
async function cachedPrefixes(dataDir: string): Promise<string[]> {
  const root = join(dataDir, "cache", "prefixes");
  const prefixes = await Promise.all(
    (await readdir(root)).map(
      async (id) =>
        (JSON.parse(await readFile(join(root, id, "meta.json"), "utf8")) as { prefix: string }).prefix,
    ),
  );
  return prefixes.sort();
}

/** The local folder of `prefix`, not held any longer (as a caller done reading would). */
async function readOnce(storage: DatasetStorage, prefix: string): Promise<string> {
  const lease = await storage.acquire(prefix);
  await lease.release();
  return lease.dir;
}

/** A Blob installation on a fresh data dir and container, with versions of 1 MiB each. */
async function installation(name: string, versions: string[], cacheMaxBytes = Math.round(2.5 * MiB)) {
  const dataDir = await mkdtemp(join(tmpdir(), `sous-cache-${name}-`));
  const opts = {
    kind: "azure-blob" as const,
    dataDir,
    connectionString: azurite.connectionString,
    container: `c-${randomUUID()}`,
    cacheMaxBytes,
  };
  const writer = createDatasetStorage(opts);
  const prefixes = versions.map(prefixOf);
  for (const p of prefixes) await writer.putStream(`${p}part-0.parquet`, Readable.from([randomBytes(MiB)]));
  return {
    dataDir,
    prefixes,
    /** A storage as another process of the installation would build it: same data dir, own cache index. */
    process: () => createDatasetStorage(opts),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
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
      await readOnce(reader, a);
      await readOnce(reader, b);
      const dirA = await readOnce(reader, a);
      expect(await cachedPrefixes(dataDir)).toEqual([a, b]);

      // Reading C goes over 2.5 MiB: B goes, A (read more recently) stays.
      await readOnce(reader, c);
      expect(await cachedPrefixes(dataDir)).toEqual([a, c]);
      expect((await readFile(join(dirA, "part-0.parquet"))).length).toBe(MiB);

      // B is downloaded again when read again, and A, now the oldest read, makes room.
      const dirB = await readOnce(reader, b);
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
      for (const p of prefixes) await readOnce(storage, p);
      expect(await cachedPrefixes(dataDir)).toEqual([...prefixes].sort());
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("createDatasetStorage: leases on the Blob read cache", () => {
  it("a leased version is not evicted by reads past the cap, and is evictable after release", async () => {
    const inst = await installation("lease", ["va", "vb", "vc", "vd"]);
    try {
      const [a, b, c, d] = inst.prefixes as [string, string, string, string];
      const storage = inst.process();
      const lease = await storage.acquire(a);
      try {
        // B then C: over 2.5 MiB, and A is the least recently read, but it is being read.
        await readOnce(storage, b);
        await readOnce(storage, c);
        expect(await cachedPrefixes(inst.dataDir)).toEqual([a, c]);
        expect((await readFile(join(lease.dir, "part-0.parquet"))).length).toBe(MiB);
      } finally {
        await lease.release();
      }
      await readOnce(storage, d);
      expect(await cachedPrefixes(inst.dataDir)).toEqual([c, d]);
      await expect(readFile(join(lease.dir, "part-0.parquet"))).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await inst.cleanup();
    }
  });

  it("a lease held by another process sharing the data dir protects the version too", async () => {
    const inst = await installation("shared", ["va", "vb", "vc", "vd"]);
    try {
      const [a, b, c, d] = inst.prefixes as [string, string, string, string];
      const studio = inst.process();
      const worker = inst.process();
      const held = await studio.acquire(a);
      // The worker finds A in the shared cache (no download) and, reading more, would evict it.
      expect(await readOnce(worker, a)).toBe(held.dir);
      await readOnce(worker, b);
      await readOnce(worker, c);
      expect(await cachedPrefixes(inst.dataDir)).toEqual([a, c]);
      expect((await readFile(join(held.dir, "part-0.parquet"))).length).toBe(MiB);
      await held.release();
      await readOnce(worker, d);
      expect(await cachedPrefixes(inst.dataDir)).toEqual([c, d]);
    } finally {
      await inst.cleanup();
    }
  });

  it("a lease file of a process that is gone does not pin the version; one of a live process does", async () => {
    const inst = await installation("stale", ["va", "vb", "vc", "vd"]);
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120_000)"], { stdio: "ignore" });
    try {
      const [a, b, c, d] = inst.prefixes as [string, string, string, string];
      const storage = inst.process();
      const dirA = await readOnce(storage, a);
      const dirB = await readOnce(storage, b);
      // As another process would leave them: one that crashed while reading A, one reading B now.
      await writeFile(join(dirname(dirA), "leases", `${await exitedPid()}-${randomUUID()}`), "");
      await writeFile(join(dirname(dirB), "leases", `${sleeper.pid}-${randomUUID()}`), "");
      await readOnce(storage, c); // over the cap: A (stale lease) goes
      expect(await cachedPrefixes(inst.dataDir)).toEqual([b, c]);
      await readOnce(storage, d); // over the cap again: B is held by a running process, C goes
      expect(await cachedPrefixes(inst.dataDir)).toEqual([b, d]);
      sleeper.kill();
      await once(sleeper, "exit");
      await readOnce(storage, a); // now B's lease is stale too
      expect(await cachedPrefixes(inst.dataDir)).toEqual([a, d]);
    } finally {
      sleeper.kill();
      await inst.cleanup();
    }
  });
});

/** The pid of a node process that has exited. */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  if (child.pid === undefined) throw new Error("could not start node");
  return child.pid;
}
