// Inputs that live in Sous' local storage must be in the mounted container before the cluster
// can read them. Versions are immutable, so "already there" is decided by the prefix alone.
import { cp } from "node:fs/promises";
import type { DatasetStorage } from "@sous/storage";
import type { JobLogFn } from "./ensure-cluster.ts";

export type UploadedInput = { prefix: string; uploaded: boolean; files: number; bytes: number; ms: number };

export async function uploadInputsIfMissing(o: {
  /** Where the versions are now (the installation's storage). */
  source: DatasetStorage;
  /** The Blob container the workspace mounts. */
  target: DatasetStorage;
  /** Storage key prefixes of the input versions. */
  prefixes: readonly string[];
  log: JobLogFn;
  signal?: AbortSignal;
}): Promise<UploadedInput[]> {
  const out: UploadedInput[] = [];
  for (const prefix of new Set(o.prefixes)) {
    o.signal?.throwIfAborted();
    const t0 = performance.now();
    const present = await o.target.list(prefix);
    if (present.length > 0) {
      out.push({ prefix, uploaded: false, files: present.length, bytes: sum(present), ms: 0 });
      continue;
    }
    const source = await o.source.acquire(prefix);
    try {
      const staged = await o.target.stage(prefix);
      try {
        await cp(source.dir, staged.dir, { recursive: true });
        const { files, bytes } = await staged.commit();
        const ms = Math.round(performance.now() - t0);
        await o.log(
          "info",
          `Uploaded ${prefix} to the mounted container (${files} file(s), ${bytes} bytes, ${ms} ms)`,
        );
        out.push({ prefix, uploaded: true, files, bytes, ms });
      } catch (e) {
        await staged.abort();
        throw e;
      }
    } finally {
      await source.release();
    }
  }
  return out;
}

/** Brings a version the cluster wrote back into the installation's storage (when that is not the container). */
export async function copyPrefix(o: { from: DatasetStorage; to: DatasetStorage; prefix: string }): Promise<{
  files: number;
  bytes: number;
}> {
  const source = await o.from.acquire(o.prefix);
  try {
    const staged = await o.to.stage(o.prefix);
    try {
      await cp(source.dir, staged.dir, { recursive: true });
      return await staged.commit();
    } catch (e) {
      await staged.abort();
      throw e;
    }
  } finally {
    await source.release();
  }
}

const sum = (objs: { bytes: number }[]) => objs.reduce((n, x) => n + x.bytes, 0);
