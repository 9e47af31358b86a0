import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PrefixCache } from "./prefix-cache.ts";

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

describe("PrefixCache", () => {
  it("fills once and reuses the folder, also for concurrent callers", async () => {
    const cache = new PrefixCache(root, 1_000);
    const calls = { n: 0 };
    const [a, b] = await Promise.all([
      cache.get("p/", fillWith(10, calls)),
      cache.get("p/", fillWith(10, calls)),
    ]);
    const c = await cache.get("p/", fillWith(10, calls));
    expect(calls.n).toBe(1);
    expect(new Set([a, b, c]).size).toBe(1);
  });

  it("evicts the least recently used entries past the cap, never the one just used", async () => {
    const cache = new PrefixCache(root, 250);
    const calls = { n: 0 };
    const a = await cache.get("a/", fillWith(100, calls));
    const b = await cache.get("b/", fillWith(100, calls));
    await cache.get("a/", fillWith(100, calls));
    const c = await cache.get("c/", fillWith(100, calls));
    expect(await exists(b)).toBe(false);
    expect(await exists(a)).toBe(true);
    expect(await exists(c)).toBe(true);
    const big = await cache.get("big/", fillWith(1_000, calls));
    expect(await exists(big)).toBe(true);
    expect(await exists(a)).toBe(false);
    expect(await exists(c)).toBe(false);
  });

  it("cleans up a failed fill and lets the next call retry", async () => {
    const cache = new PrefixCache(root, 1_000);
    await expect(
      cache.get("p/", async (dir) => {
        await writeFile(join(dir, "partial"), "x");
        throw new Error("download failed");
      }),
    ).rejects.toThrow("download failed");
    expect(await readdir(join(root, "tmp"))).toEqual([]);
    const calls = { n: 0 };
    const dir = await cache.get("p/", fillWith(5, calls));
    expect(calls.n).toBe(1);
    expect((await readFile(join(dir, "f.bin"))).length).toBe(5);
  });

  it("invalidates entries overlapping a deleted prefix", async () => {
    const cache = new PrefixCache(root, 1_000);
    const calls = { n: 0 };
    const inner = await cache.get("x/a/v1/", fillWith(1, calls));
    const other = await cache.get("x/b/v1/", fillWith(1, calls));
    await cache.invalidate("x/a/");
    expect(await exists(inner)).toBe(false);
    expect(await exists(other)).toBe(true);
    await cache.get("x/a/v1/", fillWith(1, calls));
    expect(calls.n).toBe(3);
  });

  it("adopts a complete folder without filling", async () => {
    const cache = new PrefixCache(root, 1_000);
    const src = await cache.tempDir();
    await writeFile(join(src, "f.bin"), "abc");
    const dir = await cache.adopt("p/", src);
    const calls = { n: 0 };
    expect(await cache.get("p/", fillWith(1, calls))).toBe(dir);
    expect(calls.n).toBe(0);
    expect(await exists(src)).toBe(false);
  });

  it("rebuilds its index from disk and drops folders without metadata", async () => {
    const calls = { n: 0 };
    const first = new PrefixCache(root, 150);
    const a = await first.get("a/", fillWith(100, calls));
    const junk = join(root, "prefixes", "not-a-real-entry");
    await mkdir(junk);
    const second = new PrefixCache(root, 150);
    expect(await second.get("a/", fillWith(100, calls))).toBe(a);
    expect(calls.n).toBe(1);
    expect(await exists(junk)).toBe(false);
    await second.get("b/", fillWith(100, calls));
    expect(await exists(a)).toBe(false);
  });
});
