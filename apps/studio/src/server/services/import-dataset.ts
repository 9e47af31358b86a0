import "server-only";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { ImportedDataset, ImportSource, SkippedLines } from "@sous/contracts";
import { type ImportResult, importPostgres, importToParquet } from "@sous/engine-local";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { importBlobFolder, listBlobFolder, normalizeBlobFolder } from "./blob-import.ts";
import { postgresSourceOf } from "./connections.ts";
import { findDataset, nameTaken, writeVersion } from "./dataset-store.ts";
import { datasetDto } from "./dto.ts";
import { deleteUpload, openUpload } from "./uploads.ts";

/** How the version's origin records lines an import skipped, so the versions list says so later too. */
export function skippedNote(s: SkippedLines | undefined): string {
  if (!s?.count) return "";
  return ` (skipped ${s.count} bad line${s.count === 1 ? "" : "s"}: ${s.lines.join(", ")}${s.count > s.lines.length ? ", ..." : ""})`;
}

/**
 * Imports data as a new dataset (`name`) or as a new version of an existing one (`datasetId`,
 * keeping its id and so its recipes). Every failure leaves no dataset, no version and no file;
 * an imported upload is deleted, one that failed is kept (until it expires or the dialog
 * discards it) so it can be imported again with other options. The answer says what the import
 * did: rows, and the lines it skipped.
 */
export async function importDataset(opts: {
  projectId: string;
  target: { create: string } | { datasetId: string };
  source: ImportSource;
}): Promise<ImportedDataset> {
  const { storage, dataDir } = ctx();
  const engine = await ctx().engine;
  if ("datasetId" in opts.target) await findDataset(opts.projectId, opts.target.datasetId);
  else {
    // Checked before anything is read: a taken name keeps the upload, so the user can rename.
    const name = opts.target.create;
    const taken = await ctx().db.dataset.findUnique({
      where: { projectId_name: { projectId: opts.projectId, name } },
    });
    if (taken) throw nameTaken(name);
  }
  const src = opts.source;
  let origin: string;
  let write: Parameters<typeof writeVersion>[0]["write"];
  let releaseSource = async () => {};
  let result: Pick<ImportResult, "rowCount" | "skippedLines"> | undefined;
  const keep = <T extends Pick<ImportResult, "rowCount" | "skippedLines">>(r: T): T => {
    result = r;
    return r;
  };
  switch (src.kind) {
    case "upload": {
      const u = await openUpload(opts.projectId, src.uploadId);
      releaseSource = u.release;
      origin = `upload ${u.fileName}`;
      write = async (staged) =>
        keep(
          await u.read(() =>
            importToParquet(engine, {
              file: u.file,
              fileName: u.fileName,
              options: src.options,
              outDir: staged.dir,
            }),
          ),
        );
      break;
    }
    case "postgres": {
      // Only through a connection granted to this project; any other is "not found".
      const { name, source } = await postgresSourceOf(src.connectionId, { projectId: opts.projectId });
      origin = `postgres ${name}: ${src.table ?? "query"}`;
      const spoolDir = path.join(dataDir, "tmp", "imports");
      await mkdir(spoolDir, { recursive: true });
      const statementTimeoutMs = env().SOUS_POSTGRES_IMPORT_TIMEOUT_SECONDS * 1000;
      write = async (staged) =>
        keep(
          await importPostgres(engine, {
            source,
            table: src.table,
            query: src.query,
            outDir: staged.dir,
            spoolDir,
            statementTimeoutMs,
          }),
        );
      break;
    }
    case "blob": {
      const folder = normalizeBlobFolder(src.folder);
      await listBlobFolder(storage, folder, src.format); // fails before anything is staged
      origin = `blob ${folder}`;
      const tmpRoot = path.join(dataDir, "tmp", "imports");
      await mkdir(tmpRoot, { recursive: true });
      write = async (staged) =>
        keep(
          await importBlobFolder(
            { storage, engine, tmpRoot },
            { folder, format: src.format, options: src.options, outDir: staged.dir },
          ),
        );
      break;
    }
  }
  let imported = false;
  try {
    const { datasetId } = await writeVersion({
      projectId: opts.projectId,
      target: opts.target,
      // The origin is written after the data: it can name the lines skipped.
      get origin() {
        return `${origin}${skippedNote(result?.skippedLines)}`;
      },
      write,
    });
    imported = true;
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
    await releaseSource();
    if (src.kind === "upload" && imported) await deleteUpload(opts.projectId, src.uploadId);
  }
}
