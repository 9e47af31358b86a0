import "server-only";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AppError, type DatasetInfo, newId } from "@sous/contracts";
import { isUniqueViolation } from "@sous/db";
import { importCsvToParquet } from "@sous/engine-local";
import { datasetVersionPrefix } from "@sous/storage";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { datasetDto } from "./dto.ts";

// Browsers label .csv files inconsistently (Windows says application/vnd.ms-excel); curl says
// application/x-www-form-urlencoded with --data-binary. The content itself is checked afterwards.
const ACCEPTED_TYPES = new Set([
  "",
  "text/csv",
  "text/plain",
  "application/csv",
  "application/vnd.ms-excel",
  "application/octet-stream",
  "application/x-www-form-urlencoded",
]);

function limitBytes(max: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) cb(new AppError("payload_too_large", tooLarge(max)));
      else cb(null, chunk);
    },
  });
}

const tooLarge = (max: number) =>
  `The file is larger than the upload limit of ${Math.round(max / 1024 / 1024)} MiB (SOUS_UPLOAD_MAX_BYTES).`;

/**
 * Streams an uploaded CSV to a temporary file, converts it to Parquet as version 1 of a new
 * dataset, and registers dataset, version and pointer in one transaction, so a failure at any
 * step leaves no row and no file behind.
 */
export async function uploadCsvDataset(opts: {
  projectId: string;
  name: string;
  contentType: string | null;
  contentLength: string | null;
  body: ReadableStream<Uint8Array> | null;
}): Promise<DatasetInfo> {
  const { db, storage, dataDir, engine } = ctx();
  const max = env().SOUS_UPLOAD_MAX_BYTES;
  const type = (opts.contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!ACCEPTED_TYPES.has(type)) {
    throw new AppError(
      "unsupported_media_type",
      `Uploads must be CSV files; this one is ${type}. Export it as CSV first.`,
    );
  }
  if (opts.contentLength && Number(opts.contentLength) > max)
    throw new AppError("payload_too_large", tooLarge(max));
  if (!opts.body) throw new AppError("invalid_input", "The file is empty.");
  const taken = await db.dataset.findUnique({
    where: { projectId_name: { projectId: opts.projectId, name: opts.name } },
  });
  if (taken)
    throw new AppError(
      "conflict",
      `A dataset named ${opts.name} already exists in this project. Choose another name.`,
    );

  const datasetId = newId();
  const versionId = newId();
  const tmpDir = path.join(dataDir, "tmp", "uploads");
  const tmpFile = path.join(tmpDir, `${versionId}.csv`);
  await mkdir(tmpDir, { recursive: true });
  const prefix = datasetVersionPrefix({ projectId: opts.projectId, datasetId, versionId });
  const staged = await storage.stage(prefix);
  try {
    await pipeline(
      Readable.fromWeb(opts.body as unknown as WebReadableStream<Uint8Array>),
      limitBytes(max),
      createWriteStream(tmpFile),
    );
    const imported = await importCsvToParquet(await engine, { file: tmpFile, outDir: staged.dir });
    const { bytes } = await staged.commit();
    const created = await db.$transaction(async (tx) => {
      await tx.dataset.create({
        data: { id: datasetId, projectId: opts.projectId, name: opts.name, schema: imported.schema },
      });
      await tx.datasetVersion.create({
        data: {
          id: versionId,
          datasetId,
          number: 1,
          prefix,
          status: "PUBLISHED",
          schema: imported.schema,
          rowCount: BigInt(imported.rowCount),
          bytes: BigInt(bytes),
        },
      });
      return tx.dataset.update({
        where: { id: datasetId },
        data: { currentVersionId: versionId },
        include: { currentVersion: true },
      });
    });
    return datasetDto(created);
  } catch (e) {
    await staged.abort();
    if (isUniqueViolation(e)) {
      throw new AppError(
        "conflict",
        `A dataset named ${opts.name} already exists in this project. Choose another name.`,
      );
    }
    throw e;
  } finally {
    await rm(tmpFile, { force: true });
  }
}
