import "server-only";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { AppError, type ImportedDataset, type ImportOptions, newId } from "@sous/contracts";
import { type ImportResult, importCsvStream, importToParquet, type LocalEngine } from "@sous/engine-local";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { findDataset, nameTaken, writeVersion } from "./dataset-store.ts";
import { datasetDto } from "./dto.ts";
import { skippedNote } from "./import-dataset.ts";
import { StreamTap } from "./stream-tap.ts";
import { deleteUpload, openUpload, stageUpload, tooLarge } from "./uploads.ts";

// Browsers label files inconsistently (Windows says application/vnd.ms-excel for .csv); curl says
// application/x-www-form-urlencoded with --data-binary. The content itself decides the format.
const ACCEPTED_TYPES = new Set([
  "",
  "text/csv",
  "text/tab-separated-values",
  "text/plain",
  "application/csv",
  "application/json",
  "application/x-ndjson",
  "application/vnd.apache.parquet",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-excel",
  "application/octet-stream",
  "application/x-www-form-urlencoded",
]);

export function checkContentType(contentType: string | null): void {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!ACCEPTED_TYPES.has(type)) {
    throw new AppError(
      "unsupported_media_type",
      `Uploads must be CSV, TSV, Parquet, JSON or .xlsx files; this one is ${type}.`,
    );
  }
}

/**
 * One request, one dataset: streams the body, as version 1 of a new dataset (or the next version
 * of `datasetId`). A CSV goes into DuckDB while it arrives (cut into segments that DuckDB converts
 * to Parquet parts while the next arrives: the import is done soon after the last byte), and the
 * segments are the file's only copy on disk; any other file goes into storage. What one forward
 * read cannot do (other formats, small files, skip bad lines, a value that contradicts a type read
 * from the start of the file, any error to name a line for) is done by importDataset's path on the
 * whole file once the upload is complete (the stored upload, or the CSV's segments joined). A
 * failure at any step leaves no row and no file behind.
 */
export async function uploadDataset(opts: {
  projectId: string;
  target: { create: string } | { datasetId: string };
  fileName?: string;
  contentType: string | null;
  contentLength: string | null;
  body: ReadableStream<Uint8Array> | null;
  /** The same options as the dialog's (the `options` query parameter); detected when omitted. */
  options?: ImportOptions;
}): Promise<ImportedDataset> {
  checkContentType(opts.contentType);
  if ("create" in opts.target) {
    const taken = await ctx().db.dataset.findUnique({
      where: { projectId_name: { projectId: opts.projectId, name: opts.target.create } },
    });
    if (taken) throw nameTaken(opts.target.create);
  } else await findDataset(opts.projectId, opts.target.datasetId);
  const fileName = opts.fileName ?? ("create" in opts.target ? opts.target.create : "upload");
  // Refused before anything is staged (stageUpload checks it again, and counts the bytes).
  const max = env().SOUS_UPLOAD_MAX_BYTES;
  if (opts.contentLength && Number(opts.contentLength) > max)
    throw new AppError("payload_too_large", tooLarge(max));
  const engine = await ctx().engine;
  const scratchDir = path.join(ctx().dataDir, "tmp", "imports");
  await mkdir(scratchDir, { recursive: true });
  const headFile = path.join(scratchDir, `.head-${newId()}.csv`);
  // A streamed CSV's segment files are its only copy while it arrives; the whole file is written
  // here only when the import falls back to reading it whole.
  const spool = path.join(scratchDir, `.spool-${newId()}.csv`);
  let uploadId: string | undefined;
  let result: ImportResult | undefined;
  try {
    const { datasetId } = await writeVersion({
      projectId: opts.projectId,
      target: opts.target,
      get origin() {
        return `upload ${fileName}${skippedNote(result?.skippedLines)}`;
      },
      write: async (staged) => {
        let streamed: Promise<ImportResult | null> | undefined;
        let spooled = false;
        const tap = new StreamTap(async (head) => {
          await writeFile(headFile, head);
          const body = new PassThrough();
          let decided: (streaming: boolean) => void = () => {};
          const streaming = new Promise<boolean>((resolve) => {
            decided = resolve;
          });
          streamed = importCsvStream(engine, {
            headFile,
            body,
            outDir: staged.dir,
            scratchDir,
            fileName,
            spool,
            onDecided: decided,
            ...(opts.options ? { options: opts.options } : {}),
          });
          // importCsvStream always decides before it settles; the race only guards that promise.
          const gaveUp = streamed.then(
            () => false,
            () => false,
          );
          if (await Promise.race([streaming, gaveUp])) {
            spooled = true;
            return { out: body, exclusive: true };
          }
          return null;
        });
        let up: { id: string };
        try {
          up = await stageUpload({ ...opts, fileName, tap, durable: false });
        } finally {
          // No read may still write into the staged folder once a failed upload aborts it.
          await streamed?.catch(() => null);
        }
        uploadId = up.id;
        const done = await streamed;
        if (done) result = done;
        else if (spooled) result = await importSpool(engine, spool, fileName, staged.dir, opts.options);
        else result = await importStored(engine, opts.projectId, up.id, staged.dir, opts.options);
        return result;
      },
    });
    const dataset = datasetDto(await findDataset(opts.projectId, datasetId));
    return result
      ? {
          ...dataset,
          import: {
            rowCount: result.rowCount,
            ...(result.skippedLines ? { skippedLines: result.skippedLines } : {}),
          },
        }
      : dataset;
  } finally {
    await rm(headFile, { force: true });
    await rm(spool, { force: true });
    if (uploadId) await deleteUpload(opts.projectId, uploadId);
  }
}

/** importDataset's read of a streamed upload's whole file (its spool), into a version already staged. */
async function importSpool(
  engine: LocalEngine,
  spool: string,
  fileName: string,
  outDir: string,
  options: ImportOptions | undefined,
): Promise<ImportResult> {
  // Written only when the body arrived whole (see importCsvStream): without it the upload failed.
  if (!existsSync(spool))
    throw new AppError("invalid_input", "The upload could not be stored for its import. Upload it again.");
  return importToParquet(engine, { file: spool, fileName, outDir, ...(options ? { options } : {}) });
}

/** importDataset's read of a stored upload, into a version already staged. */
async function importStored(
  engine: LocalEngine,
  projectId: string,
  uploadId: string,
  outDir: string,
  options: ImportOptions | undefined,
): Promise<ImportResult> {
  const u = await openUpload(projectId, uploadId);
  try {
    return await u.read(() =>
      importToParquet(engine, {
        file: u.file,
        fileName: u.fileName,
        outDir,
        ...(options ? { options } : {}),
      }),
    );
  } finally {
    await u.release();
  }
}

/** The original endpoint's name: a CSV (or any supported file) as a new dataset. */
export function uploadCsvDataset(
  opts: Omit<Parameters<typeof uploadDataset>[0], "target"> & { name: string },
) {
  return uploadDataset({ ...opts, target: { create: opts.name } });
}
