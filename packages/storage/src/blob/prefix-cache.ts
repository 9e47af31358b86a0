import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, utimes, writeFile } from "node:fs/promises";
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

/** A cached folder held safe from eviction until `release()`. */
export interface CacheLease {
  dir: string;
  /** Lets eviction remove the folder again. Idempotent; never rejects. */
  release(): Promise<void>;
}

// Temp dirs older than this are leftovers of a crashed process, not downloads in progress.
const STALE_TMP_MS = 24 * 60 * 60 * 1000;
// A lease is taken on an installed entry; another process may evict that entry between our
// install and our lease, so a caller refills at most this many times before giving up.
const LEASE_ATTEMPTS = 4;
// An eviction moves an entry away right after claiming it; a claim older than this was left by
// a process that died in between.
const ABANDONED_CLAIM_MS = 60 * 1000;
// Names of the lease files this process holds, over every PrefixCache instance: several
// instances (storages built per request or per connection) may share one cache dir.
const leasesHeldHere = new Set<string>();

/**
 * Local copies of blob prefixes for DuckDB, with a size cap and LRU eviction.
 *
 * Layout under `root`:
 *   prefixes/<sha256(prefix)>/data/          the files, as complete as they will ever be
 *   prefixes/<sha256(prefix)>/meta.json      { prefix, bytes }
 *   prefixes/<sha256(prefix)>/leases/<pid>-<uuid>   one empty file per lease held
 *   tmp/<uuid>/                              downloads, staged writes, entries being removed
 *
 * An entry only appears by an atomic rename of a complete temp folder (data, meta and an empty
 * leases folder), so an entry that exists is complete; that lets several processes share one
 * cache dir without locks. Versions are immutable, so a cached folder never needs revalidation.
 *
 * Leases keep a folder from being evicted while a caller reads it, in this process and in any
 * other process sharing the cache dir. `acquire` writes its lease file into `leases/` (which
 * fails once eviction has claimed the entry) and only then hands out `data/`; eviction claims
 * an entry by removing its `leases/` folder, which the file system refuses while it holds a
 * lease file. So either the lease or the eviction wins, never both. Lease files of processes
 * that no longer run are removed by eviction, so a crash does not pin an entry forever (a pid
 * reused by an unrelated process pins it until that process exits). When every entry over the
 * cap is leased the cache stays over its cap until a later eviction pass (the next fill).
 *
 * Deleting a prefix through the storage (`invalidate`) removes matching entries in this process
 * even while they are leased: a deleted version is gone for its readers anyway.
 */
export class PrefixCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<void>>();
  /** Leases this instance holds, per entry. */
  private readonly leaseCounts = new Map<string, number>();
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

  /** A lease on the cached folder for `prefix`, filling it with `fill(tmpDir)` on a miss. */
  async acquire(prefix: string, fill: (dir: string) => Promise<void>): Promise<CacheLease> {
    const id = cacheId(prefix);
    await this.load();
    for (let attempt = 1; ; attempt++) {
      const lease = await this.tryLease(id, prefix);
      if (lease) return lease;
      if (attempt === LEASE_ATTEMPTS)
        throw new Error(`cache entry for ${prefix} kept being evicted before it could be read`);
      await this.fillOnce(id, prefix, fill);
    }
  }

  /** A fresh empty folder on the cache's file system (so `adopt` can rename it in). */
  async tempDir(): Promise<string> {
    const dir = join(this.tmpRoot, randomUUID());
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Moves a complete folder (e.g. a committed staged write) into the cache as `prefix`. */
  async adopt(prefix: string, dir: string): Promise<void> {
    await this.load();
    await this.install(cacheId(prefix), prefix, dir);
  }

  /**
   * Drops every entry whose prefix overlaps `prefix` (contains it or lies inside it), leased or
   * not: the prefix was deleted, so its readers fail either way.
   */
  async invalidate(prefix: string): Promise<void> {
    await this.load();
    const doomed = [...this.entries].filter(
      ([, e]) => e.prefix.startsWith(prefix) || prefix.startsWith(e.prefix),
    );
    await Promise.all(doomed.map(([id]) => this.discard(id)));
  }

  /** Fills and installs `prefix` once, however many callers of this process miss it together. */
  private fillOnce(id: string, prefix: string, fill: (dir: string) => Promise<void>): Promise<void> {
    const pending = this.inflight.get(id);
    if (pending) return pending;
    const work = (async () => {
      const tmp = await this.tempDir();
      try {
        await fill(tmp);
      } catch (error) {
        await rm(tmp, { recursive: true, force: true });
        throw error;
      }
      await this.install(id, prefix, tmp);
    })().finally(() => this.inflight.delete(id));
    this.inflight.set(id, work);
    return work;
  }

  /** Leases the installed entry `id`; undefined when there is none (or it is being evicted). */
  private async tryLease(id: string, prefix: string): Promise<CacheLease | undefined> {
    const unit = join(this.prefixesRoot, id);
    const name = `${process.pid}-${randomUUID()}`;
    const file = join(unit, "leases", name);
    // Known as ours before the file exists, so a concurrent eviction here never takes it for stale.
    leasesHeldHere.add(name);
    try {
      await writeFile(file, "", { flag: "wx" });
    } catch (error) {
      leasesHeldHere.delete(name);
      if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return undefined;
      throw error;
    }
    const meta = await readMeta(join(unit, "meta.json"));
    if (!meta || !(await isDirectory(join(unit, "data")))) {
      // Invalidated between our lease file and now.
      leasesHeldHere.delete(name);
      await rm(file, { force: true });
      return undefined;
    }
    this.leaseCounts.set(id, (this.leaseCounts.get(id) ?? 0) + 1);
    // A hit may be an entry another process filled: index it so this process can evict it too.
    if (!this.entries.has(id)) this.entries.set(id, { prefix, bytes: meta.bytes, lastUsed: 0 });
    await this.touch(id);
    let released = false;
    return {
      dir: join(unit, "data"),
      release: async () => {
        if (released) return;
        released = true;
        const left = (this.leaseCounts.get(id) ?? 1) - 1;
        if (left > 0) this.leaseCounts.set(id, left);
        else this.leaseCounts.delete(id);
        leasesHeldHere.delete(name);
        // Best effort: a lease file left behind names this pid, and is stale once it exits.
        await rm(file, { force: true }).catch(() => undefined);
      },
    };
  }

  private async install(id: string, prefix: string, src: string): Promise<void> {
    const bytes = await folderBytes(src);
    const staging = await this.tempDir();
    const meta: EntryMeta = { prefix, bytes };
    await rename(src, join(staging, "data"));
    await writeFile(join(staging, "meta.json"), JSON.stringify(meta));
    await mkdir(join(staging, "leases"));
    await mkdir(this.prefixesRoot, { recursive: true });
    const unit = join(this.prefixesRoot, id);
    if (!(await this.moveInto(staging, unit))) return;
    this.entries.set(id, { prefix, bytes, lastUsed: 0 });
    await this.touch(id);
    await this.evict(id);
  }

  /** Renames a complete entry into place; false when the place holds an entry being evicted. */
  private async moveInto(staging: string, unit: string): Promise<boolean> {
    try {
      await rename(staging, unit);
      return true;
    } catch (error) {
      if (!isCode(error, "ENOTEMPTY") && !isCode(error, "EEXIST")) throw error;
    }
    try {
      // Someone else installed the same (immutable) prefix first: theirs is as good as ours.
      if (await isDirectory(join(unit, "leases"))) return true;
      // Claimed by an eviction: one in progress moves it away in a moment (the caller retries);
      // one whose process died in between never will, so take its place.
      if (!(await isAbandonedClaim(unit))) return false;
      await this.moveAway(unit);
      await rename(staging, unit).catch(() => undefined);
      return isDirectory(join(unit, "leases"));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
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
      if ((this.leaseCounts.get(id) ?? 0) > 0) continue;
      if (await this.removeUnleased(id)) total -= entry.bytes;
    }
  }

  /** Removes entry `id` unless some process holds a lease on it; true when it is gone. */
  private async removeUnleased(id: string): Promise<boolean> {
    const leases = join(this.prefixesRoot, id, "leases");
    await this.dropStaleLeases(leases);
    try {
      // The claim: fails while any lease file is in there, and makes new leases fail after it.
      await rmdir(leases);
    } catch (error) {
      if (isCode(error, "ENOTEMPTY") || isCode(error, "EEXIST")) return false;
      // ENOENT: already claimed (or removed) by someone else; the entry is doomed either way.
      if (!isCode(error, "ENOENT")) throw error;
    }
    await this.discard(id);
    return true;
  }

  /** Lease files of processes that are gone (or of this process, but no lease it still holds). */
  private async dropStaleLeases(leases: string): Promise<void> {
    const names = await readdir(leases).catch(() => [] as string[]);
    for (const name of names) {
      if (!isLiveLease(name)) await rm(join(leases, name), { force: true });
    }
  }

  private async discard(id: string): Promise<void> {
    this.entries.delete(id);
    await this.moveAway(join(this.prefixesRoot, id));
  }

  /** Renames `unit` out of prefixes/ (atomic, frees the name at once), then deletes it. */
  private async moveAway(unit: string): Promise<void> {
    const trash = join(this.tmpRoot, `removed-${randomUUID()}`);
    try {
      await rename(unit, trash);
    } catch (error) {
      if (isCode(error, "ENOENT")) return; // someone else moved it first
      throw error;
    }
    await rm(trash, { recursive: true, force: true });
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
    for (const name of await readdir(this.prefixesRoot)) {
      const unit = join(this.prefixesRoot, name);
      const meta = await readMeta(join(unit, "meta.json"));
      if (!meta) {
        // Not an entry: a file or folder of an older layout, or junk. Entries appear complete.
        await rm(unit, { recursive: true, force: true });
        continue;
      }
      if (!(await isDirectory(join(unit, "leases")))) {
        // Claimed by an eviction: gone in a moment, or left by one that died in between.
        if (await isAbandonedClaim(unit)) await this.moveAway(unit);
        continue;
      }
      const info = await stat(unit).catch(() => undefined);
      if (info) this.entries.set(name, { prefix: meta.prefix, bytes: meta.bytes, lastUsed: info.mtimeMs });
    }
    const now = Date.now();
    for (const name of await readdir(this.tmpRoot)) {
      const info = await stat(join(this.tmpRoot, name)).catch(() => undefined);
      if (info && now - info.mtimeMs > STALE_TMP_MS)
        await rm(join(this.tmpRoot, name), { recursive: true, force: true });
    }
  }
}

/**
 * Whether lease file `name` (`<pid>-<uuid>`) still protects its entry: ours while we hold it,
 * another process's while that process runs. Exported for tests.
 */
export function isLiveLease(name: string, heldHere: ReadonlySet<string> = leasesHeldHere): boolean {
  const match = /^(\d+)-/.exec(name);
  if (!match) return false;
  const pid = Number(match[1]);
  if (!(pid > 0)) return false; // kill(0) would signal our own process group
  // Our own pid may also be a crashed predecessor's (containers reuse low pids on restart).
  if (pid === process.pid) return heldHere.has(name);
  return isProcessAlive(pid);
}

/**
 * An entry whose leases/ an eviction removed (which also set the entry folder's mtime) long
 * enough ago that the eviction must have died before moving the entry away.
 */
async function isAbandonedClaim(unit: string): Promise<boolean> {
  const info = await stat(unit).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ABANDONED_CLAIM_MS;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return !isCode(error, "ESRCH");
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
