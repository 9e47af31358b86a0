import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isCode, walkFiles } from "../internal/walk-files.ts";

interface Entry {
  prefix: string;
  bytes: number;
  lastUsed: number;
}

interface EntryMeta {
  prefix: string;
  bytes: number;
}

// Temp dirs older than this are leftovers of a crashed process, not downloads in progress.
const STALE_TMP_MS = 24 * 60 * 60 * 1000;

/**
 * Local copies of blob prefixes for DuckDB, with a size cap and LRU eviction.
 *
 * Layout under `root`:
 *   prefixes/<sha256(prefix)>/       the files, as complete as they will ever be
 *   prefixes/<sha256(prefix)>.json   { prefix, bytes } (written before the folder appears)
 *   tmp/<uuid>/                      downloads and staged writes in progress
 *
 * A prefix folder only appears by an atomic rename of a complete temp folder, so a folder
 * that exists is complete; that lets several processes share one cache dir without locks.
 * Versions are immutable, so a cached folder never needs revalidation; deleting a prefix
 * through the storage invalidates matching entries.
 *
 * Known limit: eviction can remove a folder that an earlier caller is still reading. The
 * entry just materialized is never evicted, so size the cap well above the working set.
 */
export class PrefixCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string>>();
  private loaded: Promise<void> | undefined;
  readonly tmpRoot: string;
  private readonly prefixesRoot: string;

  constructor(
    root: string,
    private readonly maxBytes: number,
  ) {
    this.tmpRoot = join(root, "tmp");
    this.prefixesRoot = join(root, "prefixes");
  }

  /** The cached folder for `prefix`, filling it with `fill(tmpDir)` on a miss. */
  get(prefix: string, fill: (dir: string) => Promise<void>): Promise<string> {
    const id = cacheId(prefix);
    const pending = this.inflight.get(id);
    if (pending) return pending;
    const work = this.getUncached(id, prefix, fill).finally(() => this.inflight.delete(id));
    this.inflight.set(id, work);
    return work;
  }

  /** A fresh empty folder on the cache's file system (so `adopt` can rename it in). */
  async tempDir(): Promise<string> {
    const dir = join(this.tmpRoot, randomUUID());
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Moves a complete folder (e.g. a committed staged write) into the cache as `prefix`. */
  async adopt(prefix: string, dir: string): Promise<string> {
    await this.load();
    return this.install(cacheId(prefix), prefix, dir);
  }

  /** Drops every entry whose prefix overlaps `prefix` (contains it or lies inside it). */
  async invalidate(prefix: string): Promise<void> {
    await this.load();
    const doomed = [...this.entries].filter(
      ([, e]) => e.prefix.startsWith(prefix) || prefix.startsWith(e.prefix),
    );
    await Promise.all(doomed.map(([id]) => this.remove(id)));
  }

  private async getUncached(
    id: string,
    prefix: string,
    fill: (dir: string) => Promise<void>,
  ): Promise<string> {
    await this.load();
    const dir = join(this.prefixesRoot, id);
    if (await isDirectory(dir)) {
      // Hit (possibly filled by another process sharing the cache dir).
      if (!this.entries.has(id)) this.entries.set(id, { prefix, bytes: await folderBytes(dir), lastUsed: 0 });
      await this.touch(id);
      return dir;
    }
    this.entries.delete(id); // evicted behind our back by another process
    const tmp = await this.tempDir();
    try {
      await fill(tmp);
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
    return this.install(id, prefix, tmp);
  }

  private async install(id: string, prefix: string, src: string): Promise<string> {
    const dir = join(this.prefixesRoot, id);
    const bytes = await folderBytes(src);
    await mkdir(this.prefixesRoot, { recursive: true });
    const meta: EntryMeta = { prefix, bytes };
    await writeFile(`${dir}.json`, JSON.stringify(meta));
    try {
      await rename(src, dir);
    } catch (error) {
      // Someone else installed the same (immutable) prefix first: theirs is as good as ours.
      if (!isCode(error, "ENOTEMPTY") && !isCode(error, "EEXIST")) throw error;
      await rm(src, { recursive: true, force: true });
    }
    this.entries.set(id, { prefix, bytes, lastUsed: 0 });
    await this.touch(id);
    await this.evict(id);
    return dir;
  }

  private async touch(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    // Strictly increasing, so two uses within one millisecond still order correctly.
    const now = Math.max(Date.now(), ...[...this.entries.values()].map((e) => e.lastUsed + 1));
    entry.lastUsed = now;
    // Persist recency in the folder's mtime so LRU order survives a restart. Best effort.
    await utimes(join(this.prefixesRoot, id), new Date(now), new Date(now)).catch(() => undefined);
  }

  private async evict(keep: string): Promise<void> {
    let total = [...this.entries.values()].reduce((sum, e) => sum + e.bytes, 0);
    const oldestFirst = [...this.entries]
      .filter(([id]) => id !== keep)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [id, entry] of oldestFirst) {
      if (total <= this.maxBytes) break;
      total -= entry.bytes;
      await this.remove(id);
    }
  }

  private async remove(id: string): Promise<void> {
    this.entries.delete(id);
    const dir = join(this.prefixesRoot, id);
    // Meta first: a folder without meta is treated as junk on the next load, never as valid.
    await rm(`${dir}.json`, { force: true });
    await rm(dir, { recursive: true, force: true });
  }

  private load(): Promise<void> {
    this.loaded ??= this.scan().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  /** Rebuilds the index from disk, so the cap holds across restarts. */
  private async scan(): Promise<void> {
    await mkdir(this.prefixesRoot, { recursive: true });
    await mkdir(this.tmpRoot, { recursive: true });
    const names = await readdir(this.prefixesRoot);
    const metas = new Set(names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5)));
    for (const id of metas) {
      // Meta without a folder: a crash between writing the meta and the rename.
      if (!names.includes(id)) await rm(join(this.prefixesRoot, `${id}.json`), { force: true });
    }
    for (const name of names) {
      if (name.endsWith(".json")) continue;
      const dir = join(this.prefixesRoot, name);
      const meta = metas.has(name) ? await readMeta(`${dir}.json`) : undefined;
      if (!meta) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      const info = await stat(dir);
      this.entries.set(name, { prefix: meta.prefix, bytes: meta.bytes, lastUsed: info.mtimeMs });
    }
    const now = Date.now();
    for (const name of await readdir(this.tmpRoot)) {
      const info = await stat(join(this.tmpRoot, name)).catch(() => undefined);
      if (info && now - info.mtimeMs > STALE_TMP_MS)
        await rm(join(this.tmpRoot, name), { recursive: true, force: true });
    }
  }
}

function cacheId(prefix: string): string {
  return createHash("sha256").update(prefix).digest("hex").slice(0, 40);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function folderBytes(dir: string): Promise<number> {
  return (await walkFiles(dir)).reduce((sum, f) => sum + f.bytes, 0);
}

async function readMeta(path: string): Promise<EntryMeta | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<EntryMeta>;
    return typeof parsed.prefix === "string" && typeof parsed.bytes === "number"
      ? { prefix: parsed.prefix, bytes: parsed.bytes }
      : undefined;
  } catch {
    return undefined;
  }
}
