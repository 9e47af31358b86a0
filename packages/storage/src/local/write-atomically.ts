import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { ByteCounter } from "../internal/byte-counter.ts";
import { fsyncDir, fsyncFile } from "./fsync.ts";

/**
 * Streams `body` into a temp file under `tmpDir` (same file system as `target`), fsyncs it and
 * renames it over `target`. Readers see the old file or the new one, never a partial one; on
 * any failure (including the size limit) the temp file is removed and `target` is untouched.
 */
export async function writeAtomically(
  body: NodeJS.ReadableStream,
  target: string,
  tmpDir: string,
  maxBytes: number | undefined,
  /** false: no fsync of the file or its folder (see PutStreamOptions.durable). */
  durable = true,
): Promise<{ bytes: number }> {
  await mkdir(tmpDir, { recursive: true });
  const tmp = join(tmpDir, `${randomUUID()}.partial`);
  const counter = new ByteCounter(maxBytes);
  try {
    await pipeline(body, counter, createWriteStream(tmp, { flags: "wx" }));
    if (durable) await fsyncFile(tmp);
    await mkdir(dirname(target), { recursive: true });
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  if (durable) await fsyncDir(dirname(target));
  return { bytes: counter.bytes };
}
