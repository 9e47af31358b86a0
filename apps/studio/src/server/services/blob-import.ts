import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { AppError, CsvOptionsSchema, type FolderImportOptions, type ImportOptions } from "@sous/contracts";
import {
  defaultCsvOptions,
  detectImportOptions,
  type ImportResult,
  importToParquet,
  type LocalEngine,
} from "@sous/engine-local";
import type { DatasetStorage, StoredObject } from "@sous/storage";

// Import from Blob: the files already in the installation's container (or local storage folder)
// under imports/<folder>/, all CSV or all Parquet, become one dataset. It takes its dependencies
// as arguments (no studio context) so it is tested directly against Azurite.

/** Blob imports read only under this folder of the container: never another project's datasets. */
const BLOB_IMPORT_ROOT = "imports/";

/** `imports/sales/2024` -> `imports/sales/2024/`; anything outside imports/ or with `..` is refused. */
export function normalizeBlobFolder(folder: string): string {
  const f = folder.trim().replace(/^\/+/, "").replace(/\/*$/, "/");
  const parts = f.split("/").slice(0, -1);
  if (!f.startsWith(BLOB_IMPORT_ROOT) || parts.some((p) => p === ".." || p === "." || p === ""))
    throw new AppError(
      "invalid_input",
      `Blob imports read folders under ${BLOB_IMPORT_ROOT} only (e.g. ${BLOB_IMPORT_ROOT}sales/); got ${folder}.`,
    );
  return f;
}

/** The file names a folder import reads as delimited text: the usual CSV, TSV and .tbl/.dat exports. */
const DELIMITED_EXTENSIONS = [".csv", ".tsv", ".txt", ".tbl", ".dat", ".psv"];

const extensionsOf = (format: "csv" | "parquet") => (format === "csv" ? DELIMITED_EXTENSIONS : [".parquet"]);

/** The files of `format` under the folder (any depth), in name order, or a message naming the folder. */
export async function listBlobFolder(
  storage: DatasetStorage,
  folder: string,
  format: "csv" | "parquet",
): Promise<StoredObject[]> {
  const exts = extensionsOf(format);
  const files = (await storage.list(folder))
    .filter((f) => exts.some((e) => f.key.toLowerCase().endsWith(e)))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (files.length === 0)
    throw new AppError("invalid_input", `Folder ${folder} holds no ${exts.join(", ")} file.`);
  return files;
}

/**
 * Converts every delimited text file (options given, or detected on the first file: the same
 * options as an upload's) or every `.parquet` file under `folder` into `<outDir>/part-0.parquet`. Blob files are downloaded, streamed, into a private folder under
 * `tmpRoot` (which DuckDB may read) and removed afterwards: a folder under imports/ can change,
 * so it never goes through the cache of (immutable) dataset versions.
 */
export async function importBlobFolder(
  deps: { storage: DatasetStorage; engine: LocalEngine; tmpRoot: string },
  src: {
    folder: string;
    format: "csv" | "parquet";
    options?: FolderImportOptions;
    outDir: string;
    signal?: AbortSignal;
  },
): Promise<ImportResult> {
  const folder = normalizeBlobFolder(src.folder);
  const files = await listBlobFolder(deps.storage, folder, src.format);
  let dir: string;
  let cleanup = async () => {};
  if (deps.storage.kind === "local") {
    const lease = await deps.storage.acquire(folder); // the folder itself, read in place
    dir = lease.dir;
    cleanup = lease.release;
  } else {
    dir = path.join(deps.tmpRoot, `blob-${randomUUID()}`);
    cleanup = () => rm(dir, { recursive: true, force: true });
    try {
      for (const f of files) {
        const local = path.join(dir, f.key.slice(folder.length));
        await mkdir(path.dirname(local), { recursive: true });
        await pipeline(await deps.storage.getStream(f.key), createWriteStream(local), { signal: src.signal });
      }
    } catch (e) {
      await cleanup();
      throw e;
    }
  }
  try {
    const paths = files.map((f) => path.join(dir, f.key.slice(folder.length)));
    const first = paths[0] as string;
    return await importToParquet(deps.engine, {
      file: first,
      fileName: files[0]?.key,
      files: paths,
      options:
        src.format === "parquet"
          ? { format: "parquet" }
          : await completeCsvOptions(deps, first, files[0]?.key, src.options),
      // Not the folder itself: the sniffer's scratch copy must not show up among the user's files.
      scratchDir: deps.tmpRoot,
      outDir: src.outDir,
      ...(src.signal ? { signal: src.signal } : {}),
    });
  } finally {
    await cleanup();
  }
}

/**
 * The CSV options a folder is read with: the fields the user gave, the others as detected on the
 * first file (header "no" alone still finds the delimiter); none given, the importer detects all.
 */
async function completeCsvOptions(
  deps: { engine: LocalEngine; tmpRoot: string },
  file: string,
  fileName: string | undefined,
  given: FolderImportOptions | undefined,
): Promise<ImportOptions | undefined> {
  if (given?.format !== "csv") return undefined;
  const full = CsvOptionsSchema.safeParse(given.csv);
  if (full.success) return { format: "csv", csv: full.data }; // nothing left to detect
  const detected = await deps.engine.withConnection((c) =>
    detectImportOptions(c, file, fileName, deps.tmpRoot),
  );
  const base = detected.format === "csv" ? detected.csv : defaultCsvOptions("utf-8");
  const chosen = Object.fromEntries(Object.entries(given.csv).filter(([, v]) => v !== undefined));
  return { format: "csv", csv: { ...base, ...chosen } };
}
