import "server-only";
import path from "node:path";
import { Readable, type Transform } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AppError, type ImportOptions, type ImportPreview, newId, type UploadInfo } from "@sous/contracts";
import { detectImportOptions, previewImport } from "@sous/engine-local";
import { ByteCounter, type ReadLease, uploadPrefix } from "@sous/storage";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import {
  UPLOAD_DATA as DATA,
  isStorageError,
  UPLOAD_META as META,
  readUploadMeta,
  sweepImportScratch,
  sweepStagedUploads,
  uploadExpired,
} from "./staged-uploads.ts";

// An upload is a raw file kept in storage under projects/<p>/uploads/<id>/ until it is imported
// (or deleted), or until it expires (SOUS_UPLOAD_TTL_HOURS): the import dialog previews it with
// detected options, the user edits them, and the import reads it again. The file is streamed in
// and never held in memory.

const ttlMs = () => env().SOUS_UPLOAD_TTL_HOURS * 3600_000;

/** The one answer for an upload id that has no readable upload behind it, whatever the reason. */
const uploadNotFound = () =>
  new AppError(
    "not_found",
    `Upload not found: it was imported, deleted or never finished, or it expired (uploads are kept ${env().SOUS_UPLOAD_TTL_HOURS} hours). Upload the file again.`,
  );

export const tooLarge = (max: number) =>
  `The file is larger than the upload limit of ${Math.round(max / 1024 / 1024)} MiB (SOUS_UPLOAD_MAX_BYTES).`;

/** Streams a request body into storage; a body that stops halfway or grows too large leaves nothing. */
export async function stageUpload(opts: {
  projectId: string;
  fileName: string;
  contentLength: string | null;
  body: ReadableStream<Uint8Array> | null;
  /** Sees every byte on its way to storage (the streamed import's tap); fails with the upload. */
  tap?: Transform;
  /** false for an upload imported and deleted in the same request: not flushed to disk. */
  durable?: boolean;
}): Promise<{ id: string; bytes: number }> {
  ensureUploadSweeper(); // an import that streams never opens the stored upload, which starts it too
  const { storage } = ctx();
  const max = env().SOUS_UPLOAD_MAX_BYTES;
  if (opts.contentLength && Number(opts.contentLength) > max)
    throw new AppError("payload_too_large", tooLarge(max));
  if (!opts.body) throw new AppError("invalid_input", "The file is empty.");
  const id = newId();
  const prefix = uploadPrefix({ projectId: opts.projectId, uploadId: id });
  try {
    const body = Readable.fromWeb(opts.body as unknown as WebReadableStream<Uint8Array>);
    // Counted before the tap: a tap may keep the only copy of the bytes (StreamTap's exclusive
    // route), and then storage gets none of them.
    const counter = new ByteCounter(max);
    // `a.pipe(b)` does not forward a's errors; an aborted request must fail the write.
    body.on("error", (e) => counter.destroy(e));
    let stream: Readable = body.pipe(counter);
    if (opts.tap) {
      const from = stream;
      const tap = opts.tap;
      from.on("error", (e) => tap.destroy(e));
      stream = from.pipe(tap);
    }
    await storage.putStream(`${prefix}${DATA}`, stream, { durable: opts.durable ?? true });
    const bytes = counter.bytes;
    if (bytes === 0) throw new AppError("invalid_input", "The file is empty.");
    const meta = { fileName: opts.fileName, bytes, createdAt: new Date().toISOString() };
    await storage.putStream(`${prefix}${META}`, Readable.from([JSON.stringify(meta)]));
    return { id, bytes };
  } catch (e) {
    await storage.deletePrefix(prefix).catch(() => {});
    if (isStorageError(e, "StorageLimitError")) throw new AppError("payload_too_large", tooLarge(max));
    if (e instanceof AppError) throw e;
    throw new AppError(
      "invalid_input",
      "The upload was interrupted before the end of the file. Upload it again.",
    );
  }
}

/**
 * The local path of an upload's file and what is known about it. The file stays there until
 * `release()`: call it in a `finally` once done reading. An id with no complete upload behind it
 * (never stored, imported, deleted, half-written, expired) is a 404; an expired one is deleted.
 */
export async function openUpload(projectId: string, uploadId: string) {
  ensureUploadSweeper();
  const { storage } = ctx();
  const prefix = uploadPrefix({ projectId, uploadId });
  let lease: ReadLease | undefined;
  try {
    lease = await storage.acquire(prefix);
    const meta = await readUploadMeta(storage, prefix);
    if (!meta || !(await storage.exists(`${prefix}${DATA}`))) throw uploadNotFound();
    if (uploadExpired(meta, ttlMs())) {
      await lease.release();
      lease = undefined;
      await storage.deletePrefix(prefix);
      throw uploadNotFound();
    }
    const { release } = lease;
    const file = path.join(lease.dir, DATA);
    return {
      file,
      prefix,
      ...meta,
      release,
      /**
       * Runs a read of the file: when it fails because the upload went away meanwhile (a
       * concurrent import or delete), the answer is the upload's 404, not the reader's error.
       */
      read: async <T>(fn: () => Promise<T>): Promise<T> => {
        try {
          return await fn();
        } catch (e) {
          if (!(await storage.exists(`${prefix}${DATA}`).catch(() => true))) throw uploadNotFound();
          throw e;
        }
      },
    };
  } catch (e) {
    await lease?.release();
    if (isStorageError(e, "StorageNotFoundError")) throw uploadNotFound();
    throw e;
  }
}

export async function deleteUpload(projectId: string, uploadId: string): Promise<void> {
  await ctx().storage.deletePrefix(uploadPrefix({ projectId, uploadId }));
}

export async function previewUpload(
  projectId: string,
  uploadId: string,
  options?: ImportOptions,
): Promise<ImportPreview> {
  const u = await openUpload(projectId, uploadId);
  try {
    const engine = await ctx().engine;
    const p = await u.read(() => previewImport(engine, { file: u.file, fileName: u.fileName, options }));
    return {
      options: p.options,
      ...(p.sheets ? { sheets: p.sheets } : {}),
      columns: p.columns,
      rows: p.rows,
      ...(p.skippedLines ? { skippedLines: p.skippedLines } : {}),
    };
  } finally {
    await u.release();
  }
}

/** The options detected for an upload (format, CSV dialect), without reading it as a table. */
async function detectUploadOptions(projectId: string, uploadId: string): Promise<ImportOptions> {
  const u = await openUpload(projectId, uploadId);
  try {
    const engine = await ctx().engine;
    return await u.read(() => engine.withConnection((c) => detectImportOptions(c, u.file, u.fileName)));
  } finally {
    await u.release();
  }
}

/**
 * Deletes expired staged uploads: of one project (on each new upload there, cheap), or of every
 * project and the imports' abandoned scratch files (the studio's periodic sweep). Never throws: a
 * failed sweep is retried by the next one.
 */
async function sweepUploads(projectIds?: string[]): Promise<number> {
  try {
    const { storage, db, dataDir } = ctx();
    if (!projectIds) await sweepImportScratch(path.join(dataDir, "tmp", "imports"), { maxAgeMs: ttlMs() });
    const ids = projectIds ?? (await db.project.findMany({ select: { id: true } })).map((p) => p.id);
    return (await sweepStagedUploads(storage, { projectIds: ids, maxAgeMs: ttlMs() })).length;
  } catch (e) {
    console.warn(`[uploads] sweeping expired uploads failed: ${(e as Error).message}`);
    return 0;
  }
}

const g = globalThis as unknown as { __sousUploadSweeper?: NodeJS.Timeout };

/**
 * Sweeps every project's expired uploads now, then periodically (a quarter of the TTL, 1 min to
 * 1 h). Started by the first upload request the studio serves, not by the instrumentation hook:
 * that runs in its own bundle, and creating the studio's context there would make every storage
 * error a foreign class to the routes.
 */
function ensureUploadSweeper(): void {
  if (g.__sousUploadSweeper) return;
  const every = Math.min(3600_000, Math.max(60_000, ttlMs() / 4));
  g.__sousUploadSweeper = setInterval(() => void sweepUploads(), every);
  g.__sousUploadSweeper.unref();
  void sweepUploads();
}

/**
 * Stores an upload and previews it with the given or detected options. A preview that fails with
 * those options keeps the upload: the answer carries the options and why, so the dialog can offer
 * others (header off, another delimiter, skip bad lines...). Only a file that is not readable as
 * any table (binary content, not a known format) is not kept.
 */
export async function createUpload(
  opts: Parameters<typeof stageUpload>[0] & { options?: ImportOptions },
): Promise<UploadInfo> {
  const { id, bytes } = await stageUpload(opts);
  ensureUploadSweeper();
  void sweepUploads([opts.projectId]); // the project's expired uploads, in the background
  try {
    const options = opts.options ?? (await detectUploadOptions(opts.projectId, id));
    try {
      const preview = await previewUpload(opts.projectId, id, options);
      return { id, fileName: opts.fileName, bytes, options: preview.options, preview };
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== "invalid_input") throw e;
      return { id, fileName: opts.fileName, bytes, options, preview: null, previewError: e.message };
    }
  } catch (e) {
    await deleteUpload(opts.projectId, id);
    throw e;
  }
}
