import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isLiveLease, PrefixCache } from "./prefix-cache.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "sous-prefix-cache-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const fillWith = (bytes: number, calls: { n: number }) => async (dir: string) => {
  calls.n++;
  await writeFile(join(dir, "f.bin"), Buffer.alloc(bytes));
};
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
/** The folder for `prefix`, read without holding it (as a caller done reading would). */
async function readOnce(cache: PrefixCache, prefix: string, fill: (dir: string) => Promise<void>) {
  const lease = await cache.acquire(prefix, fill);
  await lease.release();
  return lease.dir;
}
/** The lease files held on the entry whose data folder is `dir`. */
const leaseFiles = (dir: string) => readdir(join(dirname(dir), "leases"));

/** The pid of a process that has exited (and so cannot hold a lease). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  if (child.pid === undefined) throw new Error("could not start node");
  return child.pid;
}

describe("PrefixCache", () => {
  it("fills once and reuses the folder, also for concurrent callers", async () => {
    const cache = new PrefixCache(root, 1_000);
    const calls = { n: 0 };
    const [a, b] = await Promise.all([
      readOnce(cache, "p/", fillWith(10, calls)),
      readOnce(cache, "p/", fillWith(10, calls)),
    ]);
    const c = await readOnce(cache, "p/", fillWith(10, calls));
    expect(calls.n).toBe(1);
    expect(new Set([a, b, c]).size).toBe(1);
  });

  it("evicts the least recently used entries past the cap, never the one just used", async () => {
    const cache = new PrefixCache(root, 250);
    const calls = { n: 0 };
    const a = await readOnce(cache, "a/", fillWith(100, calls));
    const b = await readOnce(cache, "b/", fillWith(100, calls));
    await readOnce(cache, "a/", fillWith(100, calls));
    const c = await readOnce(cache, "c/", fillWith(100, calls));
    expect(await exists(b)).toBe(false);
    expect(await exists(a)).toBe(true);
    expect(await exists(c)).toBe(true);
    const big = await readOnce(cache, "big/", fillWith(1_000, calls));
    expect(await exists(big)).toBe(true);
    expect(await exists(a)).toBe(false);
    expect(await exists(c)).toBe(false);
  });

  it("keeps a leased entry past the cap and evicts it once released", async () => {
    const cache = new PrefixCache(root, 250);
    const calls = { n: 0 };
    const leased = await cache.acquire("a/", fillWith(100, calls));
    // Two leases on one entry: it stays protected until both are released.
    const second = await cache.acquire("a/", fillWith(100, calls));
    const b = await readOnce(cache, "b/", fillWith(100, calls));
    await readOnce(cache, "c/", fillWith(100, calls)); // 300 > 250: A is the LRU but leased, B goes
    expect(await exists(join(leased.dir, "f.bin"))).toBe(true);
    expect(await exists(b)).toBe(false);
    await leased.release();
    await leased.release(); // idempotent: does not drop the second lease
    await readOnce(cache, "d/", fillWith(100, calls));
    expect(await exists(join(leased.dir, "f.bin"))).toBe(true);
    await second.release();
    expect(await leaseFiles(leased.dir)).toEqual([]);
    await readOnce(cache, "e/", fillWith(100, calls));
    expect(await exists(leased.dir)).toBe(false);
  });

  it("goes over the cap while every other entry is leased, and shrinks on the next fill", async () => {
    const cache = new PrefixCache(root, 150);
    const calls = { n: 0 };
    const a = await cache.acquire("a/", fillWith(100, calls));
    const b = await cache.acquire("b/", fillWith(100, calls));
    const c = await readOnce(cache, "c/", fillWith(100, calls));
    for (const dir of [a.dir, b.dir, c]) expect(await exists(dir)).toBe(true);
    await a.release();
    await b.release();
    const d = await readOnce(cache, "d/", fillWith(100, calls));
    expect(await exists(a.dir)).toBe(false);
    expect(await exists(b.dir)).toBe(false);
    expect(await exists(c)).toBe(false);
    expect(await exists(d)).toBe(true);
  });

  it("respects a lease held by another instance on the same dir (as another process would)", async () => {
    const calls = { n: 0 };
    const other = new PrefixCache(root, 150);
    const held = await other.acquire("a/", fillWith(100, calls));
    const cache = new PrefixCache(root, 150);
    expect(await readOnce(cache, "a/", fillWith(100, calls))).toBe(held.dir); // indexed, now the LRU
    await readOnce(cache, "b/", fillWith(100, calls));
    expect(await exists(join(held.dir, "f.bin"))).toBe(true);
    await held.release();
    await readOnce(cache, "c/", fillWith(100, calls));
    expect(await exists(held.dir)).toBe(false);
  });

  it("ignores the lease file of a process that has exited", async () => {
    const calls = { n: 0 };
    const cache = new PrefixCache(root, 150);
    const a = await readOnce(cache, "a/", fillWith(100, calls));
    const stale = `${await deadPid()}-crashed`;
    await writeFile(join(dirname(a), "leases", stale), "");
    await readOnce(cache, "b/", fillWith(100, calls));
    expect(await exists(a)).toBe(false);
  });

  it("refills an entry an eviction claimed and then died before removing", async () => {
    const calls = { n: 0 };
    const cache = new PrefixCache(root, 1_000);
    const a = await readOnce(cache, "a/", fillWith(100, calls));
    await rmdir(join(dirname(a), "leases")); // the claim, and nothing after it
    const longAgo = new Date(Date.now() - 10 * 60 * 1000);
    await utimes(dirname(a), longAgo, longAgo);
    const lease = await cache.acquire("a/", fillWith(100, calls));
    expect(calls.n).toBe(2);
    expect(lease.dir).toBe(a);
    expect((await readFile(join(lease.dir, "f.bin"))).length).toBe(100);
    expect(await leaseFiles(lease.dir)).toHaveLength(1);
    await lease.release();
  });

  it("cleans up a failed fill and lets the next call retry", async () => {
    const cache = new PrefixCache(root, 1_000);
    await expect(
      cache.acquire("p/", async (dir) => {
        await writeFile(join(dir, "partial"), "x");
        throw new Error("download failed");
      }),
    ).rejects.toThrow("download failed");
    expect(await readdir(join(root, "tmp"))).toEqual([]);
    const calls = { n: 0 };
    const dir = await readOnce(cache, "p/", fillWith(5, calls));
    expect(calls.n).toBe(1);
    expect((await readFile(join(dir, "f.bin"))).length).toBe(5);
  });

  it("invalidates entries overlapping a deleted prefix, leased or not", async () => {
    const cache = new PrefixCache(root, 1_000);
    const calls = { n: 0 };
    const inner = await cache.acquire("x/a/v1/", fillWith(1, calls));
    const other = await readOnce(cache, "x/b/v1/", fillWith(1, calls));
    await cache.invalidate("x/a/");
    expect(await exists(inner.dir)).toBe(false);
    expect(await exists(other)).toBe(true);
    await inner.release(); // its lease file went with the entry: nothing to remove, no error
    await readOnce(cache, "x/a/v1/", fillWith(1, calls));
    expect(calls.n).toBe(3);
  });

  it("adopts a complete folder without filling", async () => {
    const cache = new PrefixCache(root, 1_000);
    const src = await cache.tempDir();
    await writeFile(join(src, "f.bin"), "abc");
    await cache.adopt("p/", src);
    const calls = { n: 0 };
    const dir = await readOnce(cache, "p/", fillWith(1, calls));
    expect(calls.n).toBe(0);
    expect(await readFile(join(dir, "f.bin"), "utf8")).toBe("abc");
    expect(await exists(src)).toBe(false);
  });

  it("rebuilds its index from disk and drops what is not an entry", async () => {
    const calls = { n: 0 };
    const first = new PrefixCache(root, 150);
    const a = await readOnce(first, "a/", fillWith(100, calls));
    const junk = join(root, "prefixes", "not-a-real-entry");
    await mkdir(junk);
    const oldLayoutMeta = join(root, "prefixes", "0123abcd.json");
    await writeFile(oldLayoutMeta, JSON.stringify({ prefix: "z/", bytes: 1 }));
    const second = new PrefixCache(root, 150);
    expect(await readOnce(second, "a/", fillWith(100, calls))).toBe(a);
    expect(calls.n).toBe(1);
    expect(await exists(junk)).toBe(false);
    expect(await exists(oldLayoutMeta)).toBe(false);
    await readOnce(second, "b/", fillWith(100, calls));
    expect(await exists(a)).toBe(false);
  });
});

describe("isLiveLease", () => {
  it("holds for leases held here and for running processes only", async () => {
    const held = new Set([`${process.pid}-mine`]);
    expect(isLiveLease(`${process.pid}-mine`, held)).toBe(true);
    // Our pid but not a lease we hold: a crashed predecessor that had the same pid.
    expect(isLiveLease(`${process.pid}-predecessor`, held)).toBe(false);
    expect(isLiveLease(`${process.ppid}-parent`, held)).toBe(true);
    expect(isLiveLease(`${await deadPid()}-gone`, held)).toBe(false);
    expect(isLiveLease("0-group", held)).toBe(false);
    expect(isLiveLease("junk", held)).toBe(false);
  });
});
