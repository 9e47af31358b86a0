import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export interface LocalFile {
  /** Path relative to the walked directory, "/"-separated (it becomes part of a key). */
  rel: string;
  abs: string;
  bytes: number;
}

/** Every regular file under `dir`, sorted by relative path; [] when `dir` does not exist. */
export async function walkFiles(dir: string, opts: { skipTopLevel?: string } = {}): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  const visit = async (abs: string, rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (error) {
      if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return;
      throw error;
    }
    for (const entry of entries) {
      if (rel === "" && entry.name === opts.skipTopLevel) continue;
      const childAbs = join(abs, entry.name);
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await visit(childAbs, childRel);
      // Symlinks are skipped on purpose: following them could read outside the root.
      else if (entry.isFile()) out.push({ rel: childRel, abs: childAbs, bytes: (await stat(childAbs)).size });
    }
  };
  await visit(dir, "");
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
