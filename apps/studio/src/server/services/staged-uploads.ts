import type { DatasetStorage } from "@sous/storage";
import { z } from "zod";

// What a staged upload is made of (projects/<p>/uploads/<id>/{data,meta.json}): no server-only
// imports, so it is unit-tested on a local storage.

export const UPLOAD_DATA = "data";
export const UPLOAD_META = "meta.json";
export const UploadMetaSchema = z.object({ fileName: z.string(), bytes: z.number(), createdAt: z.string() });
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
