import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type DatasetStorage, uploadPrefix } from "@sous/storage";
import { z } from "zod";

// What a staged upload is made of (projects/<p>/uploads/<id>/{data,meta.json}) and how old ones
// go: no server-only imports, so the sweep is unit-tested on a local storage.

export const UPLOAD_DATA = "data";
export const UPLOAD_META = "meta.json";
const UploadMetaSchema = z.object({ fileName: z.string(), bytes: z.number(), createdAt: z.string() });
export type UploadMeta = z.infer<typeof UploadMetaSchema>;

/**
 * Whether `e` is @sous/storage's error of that name. Not `instanceof`: Next compiles the
 * instrumentation hook (which seeds the demo, and so may create the studio's storage first) with
 * its own copy of the package, whose error classes are not the route code's; a missing upload
 * then was a 500 instead of a 404. The name is the same in every copy.
 */
export function isStorageError(e: unknown, name: "StorageNotFoundError" | "StorageLimitError"): boolean {
  return e instanceof Error && e.name === name;
}

/** An upload's meta.json; null when it is missing or unreadable (an upload that never finished). */
export async function readUploadMeta(storage: DatasetStorage, prefix: string): Promise<UploadMeta | null> {
  let text: string;
  try {
    const chunks: Buffer[] = [];
    for await (const c of await storage.getStream(`${prefix}${UPLOAD_META}`)) chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString("utf8");
  } catch (e) {
    if (isStorageError(e, "StorageNotFoundError")) return null;
    throw e;
  }
  try {
    return UploadMetaSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
}

/** True once an upload is older than `maxAgeMs`. */
export function uploadExpired(meta: UploadMeta, maxAgeMs: number, now = Date.now()): boolean {
  const created = Date.parse(meta.createdAt);
  return Number.isFinite(created) && now - created > maxAgeMs;
}

/** When the sweep first saw an upload without a readable meta.json (its age is not written anywhere). */
const firstSeenWithoutMeta = new Map<string, number>();

/**
 * Deletes the staged uploads of these projects that are older than `maxAgeMs`. An upload whose
 * meta.json is missing or unreadable (the studio stopped while storing it) is aged from the first
 * sweep that saw it. Returns the prefixes it deleted.
 */
export async function sweepStagedUploads(
  storage: DatasetStorage,
  opts: { projectIds: string[]; maxAgeMs: number; now?: number; seen?: Map<string, number> },
): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const seen = opts.seen ?? firstSeenWithoutMeta;
  const deleted: string[] = [];
  for (const projectId of opts.projectIds) {
    const root = `${path.posix.dirname(uploadPrefix({ projectId, uploadId: "_" }))}/`;
    const ids = new Set((await storage.list(root)).map((o) => o.key.slice(root.length).split("/")[0] ?? ""));
    for (const uploadId of ids) {
      let prefix: string;
      try {
        prefix = uploadPrefix({ projectId, uploadId });
      } catch {
        continue; // not an upload folder Sous wrote
      }
      const meta = await readUploadMeta(storage, prefix);
      let old: boolean;
      if (meta) old = uploadExpired(meta, opts.maxAgeMs, now);
      else {
        const first = seen.get(prefix) ?? now;
        seen.set(prefix, first);
        old = now - first > opts.maxAgeMs;
      }
      if (!old) continue;
      await storage.deletePrefix(prefix);
      seen.delete(prefix);
      deleted.push(prefix);
    }
  }
  return deleted;
}

/**
 * Deletes what imports left in their scratch folder (`<data dir>/tmp/imports`: a streamed CSV's
 * segment files, head and spool, spooled Postgres rows, blob copies) untouched for `maxAgeMs`: a
 * studio stopped mid-import leaves them behind, and a streamed upload's segments are as large as
 * the file. A folder counts as touched when it or anything directly in it was. Never fails on an
 * entry another sweep or its import removed meanwhile. Returns the names it deleted.
 */
export async function sweepImportScratch(
  dir: string,
  opts: { maxAgeMs: number; now?: number },
): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const deleted: string[] = [];
  for (const entry of entries) {
    const at = path.join(dir, entry.name);
    try {
      let touched = (await stat(at)).mtimeMs;
      if (entry.isDirectory())
        for (const inner of await readdir(at))
          touched = Math.max(touched, (await stat(path.join(at, inner)).catch(() => null))?.mtimeMs ?? 0);
      if (now - touched <= opts.maxAgeMs) continue;
      await rm(at, { recursive: true, force: true });
      deleted.push(entry.name);
    } catch {
      // gone meanwhile
    }
  }
  return deleted;
}
