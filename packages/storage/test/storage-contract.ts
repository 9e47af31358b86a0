import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  type DatasetStorage,
  datasetVersionPrefix,
  InvalidStorageKeyError,
  StorageLimitError,
  StorageNotFoundError,
} from "../src/index.ts";

/**
 * One behavioural contract for every DatasetStorage backend. Each backend's test file calls
 * defineStorageContractTests with a factory; the factory makes a fresh, isolated storage
 * (own temp root / own container and cache dir) per call.
 */
export interface StorageHarness {
  storage: DatasetStorage;
  /** True when acquire copies into a size-capped cache (blob), false when it is the folder itself (local). */
  cachesCopies: boolean;
  cleanup(): Promise<void>;
}

export type StorageFactory = (opts: { cacheMaxBytes?: number }) => Promise<StorageHarness>;

const MiB = 1024 * 1024;

export function defineStorageContractTests(name: string, factory: StorageFactory): void {
  const withStorage = async (
    opts: { cacheMaxBytes?: number },
    fn: (storage: DatasetStorage, harness: StorageHarness) => Promise<void>,
  ): Promise<void> => {
    const harness = await factory(opts);
    try {
      await fn(harness.storage, harness);
    } finally {
      await harness.cleanup();
    }
  };
  const test = (title: string, fn: (storage: DatasetStorage, harness: StorageHarness) => Promise<void>) =>
    it(title, () => withStorage({}, fn));

  const version = (v: string) => datasetVersionPrefix({ projectId: "p1", datasetId: "d1", versionId: v });
  /** The local folder of `prefix`, not held any longer (as a caller done reading would). */
  const readOnce = async (storage: DatasetStorage, prefix: string) => {
    const lease = await storage.acquire(prefix);
    await lease.release();
    return lease.dir;
  };

  describe(`DatasetStorage contract: ${name}`, () => {
    test("streams a multi-MB body in and out without buffering it", async (storage) => {
      const total = 64 * MiB;
      // Live memory (after a GC) is checked every few MiB while the body flows: an
      // implementation that buffered the body would hold about all of it at some checkpoint.
      const putMemory = liveMemoryProbe();
      const source = generatedBody(total, () => putMemory.check());
      const put = await storage.putStream("projects/p1/uploads/u1/big.bin", source.stream);
      expect(put.bytes).toBe(total);

      const getMemory = liveMemoryProbe();
      const hash = createHash("sha256");
      let read = 0;
      let nextCheck = 0;
      for await (const chunk of await storage.getStream("projects/p1/uploads/u1/big.bin")) {
        hash.update(chunk as Buffer);
        read += (chunk as Buffer).length;
        if (read >= nextCheck) {
          getMemory.check();
          nextCheck += 4 * MiB;
        }
      }
      expect(read).toBe(total);
      expect(hash.digest("hex")).toBe(source.digest());
      expect(putMemory.peakGrowth()).toBeLessThan(total / 2);
      expect(getMemory.peakGrowth()).toBeLessThan(total / 2);
    });

    test("rejects a body over maxBytes with StorageLimitError and keeps nothing", async (storage) => {
      const key = "projects/p1/uploads/u2/too-big.csv";
      const source = generatedBody(3 * MiB);
      await expect(storage.putStream(key, source.stream, { maxBytes: MiB })).rejects.toBeInstanceOf(
        StorageLimitError,
      );
      expect(await storage.exists(key)).toBe(false);
      expect(await storage.list("projects/p1/uploads/u2/")).toEqual([]);
      // A body of exactly maxBytes is allowed.
      const exact = await storage.putStream(key, generatedBody(MiB).stream, { maxBytes: MiB });
      expect(exact.bytes).toBe(MiB);
    });

    test("a body that fails midway rejects with its error and keeps nothing", async (storage) => {
      const key = "projects/p1/uploads/u4/broken.csv";
      let sent = 0;
      const failing = new Readable({
        read() {
          if (sent >= 3 * MiB) {
            this.destroy(new Error("client went away"));
            return;
          }
          sent += 256 * 1024;
          this.push(Buffer.alloc(256 * 1024, 1));
        },
      });
      await expect(storage.putStream(key, failing)).rejects.toThrow("client went away");
      expect(await storage.exists(key)).toBe(false);
      expect(await storage.list("projects/p1/uploads/u4/")).toEqual([]);
    });

    test("putStream replaces an existing object and accepts an empty body", async (storage) => {
      const key = "projects/p1/uploads/u3/a.txt";
      await storage.putStream(key, Readable.from([Buffer.from("first version")]));
      await storage.putStream(key, Readable.from([Buffer.from("second")]));
      expect(await readAll(await storage.getStream(key))).toBe("second");
      await storage.putStream("projects/p1/uploads/u3/empty", Readable.from([]));
      expect(await storage.list("projects/p1/uploads/u3/")).toEqual([
        { key: "projects/p1/uploads/u3/a.txt", bytes: 6 },
        { key: "projects/p1/uploads/u3/empty", bytes: 0 },
      ]);
    });

    test("getStream of a missing key rejects with StorageNotFoundError", async (storage) => {
      await expect(storage.getStream("projects/p1/uploads/none/x")).rejects.toBeInstanceOf(
        StorageNotFoundError,
      );
      expect(await storage.exists("projects/p1/uploads/none/x")).toBe(false);
    });

    test("stage, commit and acquire round-trip several files", async (storage) => {
      const prefix = version("v1");
      const files = {
        "part-0.parquet": randomBytes(300_000),
        "part-1.parquet": randomBytes(5_000),
        "nested/part-2.parquet": randomBytes(1_234),
      };
      const staged = await storage.stage(prefix);
      for (const [rel, data] of Object.entries(files)) {
        await mkdir(join(staged.dir, rel, ".."), { recursive: true });
        await writeFile(join(staged.dir, rel), data);
      }
      const committed = await staged.commit();
      const totalBytes = Object.values(files).reduce((s, b) => s + b.length, 0);
      expect(committed).toEqual({ files: 3, bytes: totalBytes });

      expect(await storage.list(prefix)).toEqual(
        Object.entries(files)
          .map(([rel, data]) => ({ key: prefix + rel, bytes: data.length }))
          .sort((a, b) => (a.key < b.key ? -1 : 1)),
      );
      expect(await storage.exists(`${prefix}part-1.parquet`)).toBe(true);

      const lease = await storage.acquire(prefix);
      try {
        for (const [rel, data] of Object.entries(files)) {
          expect((await readFile(join(lease.dir, rel))).equals(data)).toBe(true);
        }
      } finally {
        await lease.release();
      }
      const viaStream = await readAllBuffer(await storage.getStream(`${prefix}nested/part-2.parquet`));
      expect(viaStream.equals(files["nested/part-2.parquet"])).toBe(true);
    });

    test("abort before commit leaves nothing behind", async (storage) => {
      const prefix = version("v2");
      const staged = await storage.stage(prefix);
      await writeFile(join(staged.dir, "part-0.parquet"), randomBytes(10_000));
      await staged.abort();
      expect(await storage.list(prefix)).toEqual([]);
      expect(await exists(staged.dir)).toBe(false);
      await expect(storage.acquire(prefix)).rejects.toBeInstanceOf(StorageNotFoundError);
    });

    test("abort after commit removes the committed files too", async (storage) => {
      const prefix = version("v3");
      const staged = await storage.stage(prefix);
      await writeFile(join(staged.dir, "a.parquet"), randomBytes(1_000));
      await writeFile(join(staged.dir, "b.parquet"), randomBytes(1_000));
      await staged.commit();
      expect(await storage.list(prefix)).toHaveLength(2);
      await staged.abort();
      expect(await storage.list(prefix)).toEqual([]);
      expect(await storage.exists(`${prefix}a.parquet`)).toBe(false);
      await expect(storage.acquire(prefix)).rejects.toBeInstanceOf(StorageNotFoundError);
      // The prefix is free again.
      const again = await storage.stage(prefix);
      await again.abort();
    });

    test("stage refuses a prefix that already holds files", async (storage) => {
      const prefix = version("v4");
      await storage.putStream(`${prefix}existing.parquet`, Readable.from([Buffer.from("x")]));
      await expect(storage.stage(prefix)).rejects.toThrow(/already exist/);
      expect(await storage.exists(`${prefix}existing.parquet`)).toBe(true);
    });

    test("list returns the objects under a prefix, sorted, and only that folder", async (storage) => {
      for (const key of ["x/a/2.bin", "x/a/1.bin", "x/a/sub/3.bin", "x/ab/4.bin", "x/b.bin"]) {
        await storage.putStream(key, Readable.from([Buffer.from(key)]));
      }
      expect(await storage.list("x/a/")).toEqual([
        { key: "x/a/1.bin", bytes: 9 },
        { key: "x/a/2.bin", bytes: 9 },
        { key: "x/a/sub/3.bin", bytes: 13 },
      ]);
      // Without the trailing slash it is still the folder "x/a", never "x/ab".
      expect((await storage.list("x/a")).map((o) => o.key)).toEqual([
        "x/a/1.bin",
        "x/a/2.bin",
        "x/a/sub/3.bin",
      ]);
      expect(await storage.list("x/none/")).toEqual([]);
    });

    test("deletePrefix removes everything under the prefix and nothing else", async (storage) => {
      for (const key of ["y/a/1", "y/a/deep/2", "y/ab/3", "y/b/4"]) {
        await storage.putStream(key, Readable.from([Buffer.from("z")]));
      }
      expect(await storage.deletePrefix("y/a/")).toBe(2);
      expect((await storage.list("y/")).map((o) => o.key)).toEqual(["y/ab/3", "y/b/4"]);
      expect(await storage.deletePrefix("y/a/")).toBe(0);
      expect(await storage.deletePrefix("y/nothing")).toBe(0);
    });

    test("rejects keys and prefixes that could escape the root", async (storage) => {
      const bad = ["../x", "/etc/passwd", "a//b", "a\\b", "a/../../x", "./a", "", "a/\u0000b", ".sous/tmp/x"];
      for (const key of bad) {
        await expect(storage.putStream(key, Readable.from([Buffer.from("x")])), key).rejects.toBeInstanceOf(
          InvalidStorageKeyError,
        );
        await expect(storage.getStream(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.exists(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.list(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.deletePrefix(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.stage(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.acquire(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      }
      // A key names one object, so a trailing slash is rejected there (but fine on a prefix).
      await expect(storage.exists("a/b/")).rejects.toBeInstanceOf(InvalidStorageKeyError);
      expect(await storage.list("a/b/")).toEqual([]);
    });

    test("commit rejects staged file names that are not valid keys", async (storage) => {
      const staged = await storage.stage(version("v5"));
      await writeFile(join(staged.dir, "bad\\name.parquet"), "x");
      await expect(staged.commit()).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await staged.abort();
      expect(await storage.list(version("v5"))).toEqual([]);
    });

    test("acquire of an unknown prefix rejects with StorageNotFoundError", async (storage) => {
      await expect(storage.acquire(version("missing"))).rejects.toBeInstanceOf(StorageNotFoundError);
    });

    test("acquire reuses the cached folder for a prefix", async (storage) => {
      const prefix = version("v6");
      await storage.putStream(`${prefix}part-0.parquet`, Readable.from([randomBytes(100_000)]));
      await storage.putStream(`${prefix}part-1.parquet`, Readable.from([randomBytes(100_000)]));
      const first = await readOnce(storage, prefix);
      const before = await stat(join(first, "part-0.parquet"));
      const [second, third] = await Promise.all([storage.acquire(prefix), storage.acquire(prefix)]);
      expect(second.dir).toBe(first);
      expect(third.dir).toBe(first);
      // Same inode and mtime: the file was not downloaded or rewritten again.
      const after = await stat(join(second.dir, "part-0.parquet"));
      expect(after.ino).toBe(before.ino);
      expect(after.mtimeMs).toBe(before.mtimeMs);
      await Promise.all([second.release(), third.release()]);
    });

    test("release is idempotent and a released prefix can be acquired again", async (storage) => {
      const prefix = version("v7");
      await storage.putStream(`${prefix}part-0.parquet`, Readable.from([Buffer.from("rows")]));
      const lease = await storage.acquire(prefix);
      await lease.release();
      await lease.release();
      const again = await storage.acquire(prefix);
      try {
        expect(await readFile(join(again.dir, "part-0.parquet"), "utf8")).toBe("rows");
      } finally {
        await again.release();
      }
    });

    test("deletePrefix removes a prefix even while it is leased", async (storage) => {
      const prefix = version("v8");
      await storage.putStream(`${prefix}part-0.parquet`, Readable.from([Buffer.from("rows")]));
      const lease = await storage.acquire(prefix);
      expect(await storage.deletePrefix(prefix)).toBe(1);
      expect(await exists(join(lease.dir, "part-0.parquet"))).toBe(false);
      await lease.release(); // nothing left to release: still resolves
      await expect(storage.acquire(prefix)).rejects.toBeInstanceOf(StorageNotFoundError);
    });

    it("acquire evicts least recently used prefixes past the cache cap", async () => {
      await withStorage({ cacheMaxBytes: 5 * MiB }, async (storage, harness) => {
        if (!harness.cachesCopies) return; // local: acquire is the folder itself, nothing to evict
        const [a, b, c] = [version("ea"), version("eb"), version("ec")];
        for (const prefix of [a, b, c]) {
          await storage.putStream(`${prefix}data.parquet`, Readable.from([randomBytes(2 * MiB)]));
        }
        const dirA = await readOnce(storage, a);
        const dirB = await readOnce(storage, b);
        expect(await readOnce(storage, a)).toBe(dirA); // A is now more recent than B
        const dirC = await readOnce(storage, c); // 6 MiB > 5 MiB: evict the LRU, B
        expect(await exists(dirB)).toBe(false);
        expect(await exists(join(dirA, "data.parquet"))).toBe(true);
        expect(await exists(join(dirC, "data.parquet"))).toBe(true);
        // An evicted prefix comes back on demand.
        const dirB2 = await readOnce(storage, b);
        expect(await exists(join(dirB2, "data.parquet"))).toBe(true);
      });
    });

    it("a leased prefix outlives the cache cap and is evictable once released", async () => {
      await withStorage({ cacheMaxBytes: 5 * MiB }, async (storage, harness) => {
        const [a, b, c, d] = [version("la"), version("lb"), version("lc"), version("ld")];
        for (const prefix of [a, b, c, d]) {
          await storage.putStream(`${prefix}data.parquet`, Readable.from([randomBytes(2 * MiB)]));
        }
        const leased = await storage.acquire(a);
        const file = join(leased.dir, "data.parquet");
        // Reads past the cap: A is the least recently used, but held (blob: B goes instead).
        for (const prefix of [b, c]) await readOnce(storage, prefix);
        expect((await stat(file)).size).toBe(2 * MiB);
        await leased.release();
        await readOnce(storage, d);
        // Blob: A, the LRU and no longer held, makes room. Local: the folder itself, always there.
        expect(await exists(file)).toBe(!harness.cachesCopies);
      });
    });

    it("acquire keeps a single prefix larger than the cap (it was just asked for)", async () => {
      await withStorage({ cacheMaxBytes: MiB }, async (storage, harness) => {
        if (!harness.cachesCopies) return;
        const prefix = version("huge");
        await storage.putStream(`${prefix}data.parquet`, Readable.from([randomBytes(2 * MiB)]));
        const dir = await readOnce(storage, prefix);
        expect((await stat(join(dir, "data.parquet"))).size).toBe(2 * MiB);
      });
    });
  });
}

/**
 * A deterministic body produced lazily in fresh 64 KiB chunks (so a consumer that kept them
 * would show), calling `onCheckpoint` every 4 MiB.
 */
function generatedBody(total: number, onCheckpoint?: () => void): { stream: Readable; digest(): string } {
  const chunkSize = 64 * 1024;
  const palette = Array.from({ length: 7 }, () => randomBytes(chunkSize));
  const hash = createHash("sha256");
  let produced = 0;
  let i = 0;
  const stream = new Readable({
    read() {
      if (produced >= total) {
        this.push(null);
        return;
      }
      if (produced % (4 * MiB) === 0) onCheckpoint?.();
      const template = palette[(i++ * 5) % palette.length]!;
      const chunk = Buffer.from(template.subarray(0, Math.min(chunkSize, total - produced)));
      produced += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest("hex") };
}

// Expose V8's gc() (without needing --expose-gc on the runner) to measure live memory only.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Live heap + Buffer memory, measured after a full GC at each check(), relative to creation. */
function liveMemoryProbe(): { check(): void; peakGrowth(): number } {
  const live = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const baseline = live();
  let peak = baseline;
  return {
    check() {
      peak = Math.max(peak, live());
    },
    peakGrowth: () => peak - baseline,
  };
}

async function readAllBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readAll(stream: Readable): Promise<string> {
  return (await readAllBuffer(stream)).toString("utf8");
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
