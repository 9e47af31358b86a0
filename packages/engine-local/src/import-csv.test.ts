import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCsvToParquet } from "./import-csv.ts";
import { LocalEngine } from "./local-engine.ts";

let dir: string;
let engine: LocalEngine;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-csv-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

async function importText(content: string | Buffer) {
  n++;
  const file = path.join(dir, `in-${n}.csv`);
  const outDir = path.join(dir, `out-${n}`);
  mkdirSync(outDir);
  writeFileSync(file, content);
  return { outDir, result: await importCsvToParquet(engine, { file, outDir }) };
}

async function importError(content: string | Buffer): Promise<AppError> {
  const e = await importText(content).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe("importCsvToParquet", () => {
  it("infers types, counts rows and writes parquet that reads back", async () => {
    const { outDir, result } = await importText(
      'id;name;amount;day;ok\n1;Ann;10.5;2024-01-02;true\n2;"Bo;b";;2024-02-03;false\n',
    );
    expect(result.dialect.delimiter).toBe(";");
    expect(result.rowCount).toBe(2);
    expect(result.schema).toEqual([
      { name: "id", type: "bigint" },
      { name: "name", type: "string" },
      { name: "amount", type: "double" },
      { name: "day", type: "date" },
      { name: "ok", type: "boolean" },
    ]);
    const page = await engine.previewParquet(outDir, { limit: 10, offset: 0 });
    expect(page.rows).toEqual([
      [1, "Ann", 10.5, "2024-01-02", true],
      [2, "Bo;b", null, "2024-02-03", false],
    ]);
  });

  it("rejects an empty file", async () => {
    expect((await importError("")).message).toBe("The file is empty.");
  });

  it("rejects binary content as unsupported media", async () => {
    const e = await importError(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01]));
    expect(e.code).toBe("unsupported_media_type");
  });

  it("names duplicate columns, ignoring case as Spark does", async () => {
    const e = await importError("id,Name,name\n1,a,b\n");
    expect(e.code).toBe("invalid_input");
    expect(e.message).toContain("Name/name");
  });

  it("names the position of an empty header", async () => {
    expect((await importError("id,,x\n1,2,3\n")).message).toContain("position 2");
  });

  it("reports ragged rows without leaking the server path", async () => {
    const e = await importError("a,b\n1,2\n3,4,5,6\n");
    expect(e.code).toBe("invalid_input");
    expect(e.message).toContain("line 3 does not have the 2 columns");
    expect(e.message).not.toContain(dir);
  });
});

describe("LocalEngine sandbox", () => {
  it("refuses to read files outside the allowed directories", async () => {
    await expect(
      engine.withConnection((c) => c.runAndReadAll("SELECT * FROM read_csv('/etc/passwd')")),
    ).rejects.toThrow(/disabled by configuration|Permission/);
  });

  it("refuses to unlock its configuration", async () => {
    await expect(engine.withConnection((c) => c.run("SET enable_external_access = true"))).rejects.toThrow(
      /locked/,
    );
  });
});
