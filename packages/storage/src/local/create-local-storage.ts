import { mkdir, open, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { StorageNotFoundError } from "../errors.ts";
import { checkMaxBytes } from "../internal/byte-counter.ts";
import { mapLimit } from "../internal/map-limit.ts";
import { isCode, walkFiles } from "../internal/walk-files.ts";
import { normalizePrefix, RESERVED_ROOT_SEGMENT, validateKey } from "../keys.ts";
import type { DatasetStorage, PutStreamOptions, StagedWrite, StoredObject } from "../types.ts";
import { fsyncDir, fsyncFile } from "./fsync.ts";
import { resolveUnderRoot } from "./resolve-under-root.ts";
import { writeAtomically } from "./write-atomically.ts";

/**
 * Dataset files in a local folder: key "a/b/c" is the file `<root>/a/b/c`, so DuckDB reads a
 * version folder in place and `acquire` costs nothing (there is no cache to evict from).
 */
export function createLocalStorage(opts: { root: string }): DatasetStorage {
  const root = resolve(opts.root);
  // Temp files live inside the root so the final rename never crosses file systems.
  const tmpDir = join(root, RESERVED_ROOT_SEGMENT, "tmp");
  const pathOfKey = (key: string) => resolveUnderRoot(root, validateKey(key));
  const pathOfPrefix = (prefix: string) => resolveUnderRoot(root, normalizePrefix(prefix));

  const listUnder = async (prefix: string): Promise<StoredObject[]> => {
    const normalized = normalizePrefix(prefix);
    const files = await walkFiles(resolveUnderRoot(root, normalized));
    return files.map((f) => ({ key: normalized + f.rel, bytes: f.bytes }));
  };

  const folderOf = async (prefix: string): Promise<string> => {
    const dir = pathOfPrefix(prefix);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new StorageNotFoundError(normalizePrefix(prefix));
    return dir;
  };

  return {
    kind: "local",

    acquire: async (prefix) => ({ dir: await folderOf(prefix), release: async () => {} }),

    async stage(prefix) {
      const normalized = normalizePrefix(prefix);
      const dir = pathOfPrefix(normalized);
      // Versions are immutable and abort() deletes the whole folder: refusing a non-empty
      // prefix means an abort can never destroy files some other write put there.
      if ((await walkFiles(dir)).length > 0) {
        throw new Error(`cannot stage ${JSON.stringify(normalized)}: files already exist under it`);
      }
      await mkdir(dir, { recursive: true });
      return localStagedWrite(dir);
    },

    async putStream(key, body, putOpts?: PutStreamOptions) {
      const target = pathOfKey(key);
      return writeAtomically(
        body,
        target,
        tmpDir,
        checkMaxBytes(putOpts?.maxBytes),
        putOpts?.durable ?? true,
      );
    },

    async getStream(key): Promise<Readable> {
      const path = pathOfKey(key);
      // Open first so a missing key rejects here rather than as a later 'error' event.
      const handle = await open(path, "r").catch((error: unknown) => {
        if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) throw new StorageNotFoundError(key);
        throw error;
      });
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw new StorageNotFoundError(key);
      }
      return handle.createReadStream();
    },

    async exists(key) {
      const info = await stat(pathOfKey(key)).catch(() => undefined);
      return info?.isFile() ?? false;
    },

    list: listUnder,

    async deletePrefix(prefix) {
      const dir = pathOfPrefix(prefix);
      const count = (await walkFiles(dir)).length;
      // Empty parent folders are left in place: removing them would race with a concurrent
      // write that just created a sibling under the same parent.
      await rm(dir, { recursive: true, force: true });
      return count;
    },
  };
}

function localStagedWrite(dir: string): StagedWrite {
  return {
    dir,
    async commit() {
      const files = await walkFiles(dir);
      // Same key rules as blob, so a version written locally could be copied to blob unchanged.
      for (const file of files) validateKey(file.rel);
      const dirs = new Set(files.map((f) => join(f.abs, "..")));
      dirs.add(dir);
      // The files' data and the folders' entries side by side: the version is durable once both
      // are, in whichever order the disk does them (one fsync's wait per build instead of two).
      await Promise.all([mapLimit(files, 8, (f) => fsyncFile(f.abs)), mapLimit([...dirs], 8, fsyncDir)]);
      return { files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
    },
    async abort() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
