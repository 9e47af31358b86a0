import "server-only";
import { AppError, type ImportedDataset, type ImportOptions } from "@sous/contracts";
import { ctx } from "../context.ts";
import { nameTaken } from "./dataset-store.ts";
import { importDataset } from "./import-dataset.ts";
import { deleteUpload, stageUpload } from "./uploads.ts";

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
 * One request, one dataset: streams the body into storage, detects its format and dialect,
 * converts it to Parquet as version 1 of a new dataset (or the next version of `datasetId`).
 * A failure at any step leaves no row and no file behind.
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
  }
  const fileName = opts.fileName ?? ("create" in opts.target ? opts.target.create : "upload");
  const { id } = await stageUpload({ ...opts, fileName });
  try {
    return await importDataset({
      projectId: opts.projectId,
      target: opts.target,
      source: { kind: "upload", uploadId: id, ...(opts.options ? { options: opts.options } : {}) },
    });
  } finally {
    await deleteUpload(opts.projectId, id);
  }
}

/** The original endpoint's name: a CSV (or any supported file) as a new dataset. */
export function uploadCsvDataset(
  opts: Omit<Parameters<typeof uploadDataset>[0], "target"> & { name: string },
) {
  return uploadDataset({ ...opts, target: { create: opts.name } });
}
