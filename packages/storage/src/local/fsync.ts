import { open } from "node:fs/promises";

/** Flushes a file's data to disk, so a later crash cannot leave a committed file empty or torn. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a directory entry (a rename or a new file in it). Best effort: some platforms and
 * file systems refuse to open or sync directories, and data is already synced by then.
 */
export async function fsyncDir(path: string): Promise<void> {
  try {
    await fsyncFile(path);
  } catch {
    // Not supported here; nothing more we can do.
  }
}
