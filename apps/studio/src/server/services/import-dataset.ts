import "server-only";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { DatasetInfo, ImportSource } from "@sous/contracts";
import { importPostgres, importToParquet } from "@sous/engine-local";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { importBlobFolder, listBlobFolder, normalizeBlobFolder } from "./blob-import.ts";
import { postgresSourceOf } from "./connections.ts";
import { findDataset, nameTaken, writeVersion } from "./dataset-store.ts";
import { datasetDto } from "./dto.ts";
import { deleteUpload, openUpload } from "./uploads.ts";

/**
 * Imports data as a new dataset (`name`) or as a new version of an existing one (`datasetId`,
 * keeping its id and so its recipes). Every failure leaves no dataset, no version and no file;
 * an imported upload is deleted.
 */
export async function importDataset(opts: {
  projectId: string;
  target: { create: string } | { datasetId: string };
  source: ImportSource;
}): Promise<DatasetInfo> {
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
  switch (src.kind) {
    case "upload": {
      const u = await openUpload(opts.projectId, src.uploadId);
      releaseSource = u.release;
      origin = `upload ${u.fileName}`;
      write = (staged) =>
        u.read(() =>
          importToParquet(engine, {
            file: u.file,
            fileName: u.fileName,
            options: src.options,
            outDir: staged.dir,
          }),
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
      write = (staged) =>
        importPostgres(engine, {
          source,
          table: src.table,
          query: src.query,
          outDir: staged.dir,
          spoolDir,
          statementTimeoutMs,
        });
      break;
    }
    case "blob": {
      const folder = normalizeBlobFolder(src.folder);
      await listBlobFolder(storage, folder, src.format); // fails before anything is staged
      origin = `blob ${folder}`;
      const tmpRoot = path.join(dataDir, "tmp", "imports");
      await mkdir(tmpRoot, { recursive: true });
      write = (staged) =>
        importBlobFolder({ storage, engine, tmpRoot }, { folder, format: src.format, outDir: staged.dir });
      break;
    }
  }
  try {
    const { datasetId } = await writeVersion({
      projectId: opts.projectId,
      target: opts.target,
      origin,
      write,
    });
    return datasetDto(await findDataset(opts.projectId, datasetId));
  } finally {
    await releaseSource();
    if (src.kind === "upload") await deleteUpload(opts.projectId, src.uploadId);
  }
}
