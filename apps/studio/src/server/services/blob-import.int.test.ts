import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { LocalEngine } from "@sous/engine-local";
import { createBlobStorage, createLocalStorage, type DatasetStorage } from "@sous/storage";
import { type AzuriteHandle, startAzurite } from "@sous/storage/test/azurite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importBlobFolder, normalizeBlobFolder } from "./blob-import.ts";

// Import from Blob: a folder of CSV or Parquet files already in the container (Azurite here,
// the real @azure/storage-blob client) becomes one Parquet file, read the way the import
// endpoint reads it. Also against local storage, the default installation.
let azurite: AzuriteHandle;
let dataDir: string;
let engine: LocalEngine;
beforeAll(async () => {
  azurite = await startAzurite();
  dataDir = await mkdtemp(path.join(tmpdir(), "sous-blob-import-"));
  engine = await LocalEngine.create({ allowedDirectories: [dataDir] });
});
afterAll(async () => {
  engine?.close();
  await azurite?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const put = (s: DatasetStorage, key: string, text: string | Buffer) =>
  s.putStream(key, Readable.from([text]));
const tmpRoot = () => path.join(dataDir, "tmp", "imports");

async function importInto(storage: DatasetStorage, folder: string, format: "csv" | "parquet") {
  const outDir = path.join(dataDir, "out", randomUUID());
  await mkdir(outDir, { recursive: true });
  await mkdir(tmpRoot(), { recursive: true });
  const r = await importBlobFolder({ storage, engine, tmpRoot: tmpRoot() }, { folder, format, outDir });
  const back = await engine.previewParquet(outDir, { limit: 100, offset: 0 });
  return { ...r, rows: back.rows };
}

function blobStorage(): DatasetStorage {
  return createBlobStorage({
    connectionString: azurite.connectionString,
    container: `imp-${randomUUID()}`,
    cacheDir: path.join(dataDir, "cache", randomUUID()),
  });
}

describe("import from Blob (Azurite)", () => {
  it("reads every CSV of a folder (subfolders too) as one dataset, and re-reads it after it changed", async () => {
    const storage = blobStorage();
    await put(storage, "imports/sales/2024-01.csv", "region;amount\nnorth;10.5\nsouth;3\n");
    await put(storage, "imports/sales/q2/2024-04.csv", "region;amount\neast;7\n");
    // Only delimited text (.csv, .tsv, .txt, .tbl, .dat, .psv) is read: not a README.
    await put(storage, "imports/sales/readme.md", "not data");
    await put(storage, "imports/other/x.csv", "region;amount\nwest;1\n");

    const first = await importInto(storage, "imports/sales", "csv");
    expect(first.schema).toEqual([
      { name: "region", type: "string" },
      { name: "amount", type: "double" },
    ]);
    expect(first.rowCount).toBe(3);
    expect(first.rows.map((r) => r[0]).sort()).toEqual(["east", "north", "south"]);

    // A folder under imports/ is not an immutable version: a new file shows up in the next import.
    await put(storage, "imports/sales/2024-07.csv", "region;amount\nnorth;1\n");
    const second = await importInto(storage, "/imports/sales/", "csv");
    expect(second.rowCount).toBe(4);
    // The downloaded copies are gone, and nothing went into the version cache.
    expect(await readdir(tmpRoot())).toEqual([]);
  });

  it("reads a folder of Parquet files", async () => {
    const storage = blobStorage();
    for (const part of [0, 1]) {
      const dir = path.join(dataDir, randomUUID());
      await engine.runWrite(
        `COPY (SELECT i + ${part * 100} AS id, 'p${part}' AS part FROM range(50) t(i)) TO '${dir}.parquet' (FORMAT parquet)`,
      );
      await put(storage, `imports/events/part-${part}.parquet`, await readFile(`${dir}.parquet`));
    }
    const r = await importInto(storage, "imports/events/", "parquet");
    expect(r.rowCount).toBe(100);
    expect(r.schema.map((c) => c.name)).toEqual(["id", "part"]);
  });

  it("names the problem: outside imports/, a traversal, no file of the format, a ragged CSV", async () => {
    const storage = blobStorage();
    await put(storage, "imports/bad/a.csv", 'a,b\n1,2\n3,"unterminated\n');
    await put(storage, "projects/p1/datasets/d/v/part-0.parquet", "x");
    expect(() => normalizeBlobFolder("projects/p1/")).toThrow(/under imports\/ only/);
    expect(() => normalizeBlobFolder("imports/../projects/p1")).toThrow(/under imports\/ only/);
    await expect(importInto(storage, "projects/p1", "parquet")).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(importInto(storage, "imports/bad", "parquet")).rejects.toThrow(
      "Folder imports/bad/ holds no .parquet file.",
    );
    await expect(importInto(storage, "imports/missing", "csv")).rejects.toThrow(
      /holds no \.csv, \.tsv, \.txt, \.tbl, \.dat, \.psv file/,
    );
    await expect(importInto(storage, "imports/bad", "csv")).rejects.toMatchObject({ code: "invalid_input" });
    expect(await readdir(tmpRoot())).toEqual([]);
  });
});

describe("import from Blob, local storage", () => {
  it("reads the folder in place", async () => {
    const storage = createLocalStorage({ root: path.join(dataDir, "storage") });
    await put(storage, "imports/local/a.csv", "id,name\n1,a\n2,b\n");
    const r = await importInto(storage, "imports/local", "csv");
    expect(r.rowCount).toBe(2);
    expect(r.rows).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
  });
});
