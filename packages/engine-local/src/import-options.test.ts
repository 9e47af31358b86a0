import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError, type CsvOptions, type ImportOptions } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importToParquet, previewImport } from "./import-file.ts";
import { LocalEngine } from "./local-engine.ts";

// Issue 13 "Data in": headerless and trailing-delimiter files, detected with DuckDB's sniffer;
// skip bad lines with a count and line numbers; column names and types chosen in the dialog.
let dir: string;
let engine: LocalEngine;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-import-options-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

function put(content: string | Buffer, ext = "csv"): string {
  const file = path.join(dir, `in-${++n}.${ext}`);
  writeFileSync(file, content);
  return file;
}

async function importFile(file: string, options?: ImportOptions) {
  const outDir = path.join(dir, `out-${++n}`);
  mkdirSync(outDir);
  const result = await importToParquet(engine, { file, outDir, options });
  const page = await engine.previewParquet(outDir, { limit: 100, offset: 0 });
  return { result, page };
}

async function importError(file: string, options?: ImportOptions): Promise<AppError> {
  const e = await importFile(file, options).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const csvOf = (options: ImportOptions): CsvOptions => {
  if (options.format !== "csv") throw new Error(`not a CSV: ${options.format}`);
  return options.csv;
};
const withCsv = (base: ImportOptions, patch: Partial<CsvOptions>): ImportOptions => ({
  format: "csv",
  csv: { ...csvOf(base), ...patch },
});

// A TPC-H customer.tbl: no header, `|` at the end of every line, first-row values that repeat.
const TBL = [
  "1|Customer#000000001|IVhzIApeRb ot,c,E|15|25-989-741-2988|711.56|BUILDING|to the even, regular platelets|",
  "2|Customer#000000002|XSTf4,NCwDVaWNe6tE|13|23-768-687-3665|121.65|AUTOMOBILE|l accounts. blithely|",
  "3|Customer#000000003|MG9kdTD2WBHm|1|11-719-748-3364|7498.12|AUTOMOBILE| deposits eat slyly|",
  "4|Customer#000000004|XxVSJsLAGtn|4|14-128-190-5944|2866.83|MACHINERY| requests. final|",
].join("\n");

describe("detection with DuckDB's sniffer", () => {
  it("a headerless pipe file with a trailing | imports as col_1..col_n, the empty last column dropped", async () => {
    const file = put(`${TBL}\n`, "tbl");
    const preview = await previewImport(engine, { file, fileName: "customer.tbl" });
    expect(preview.options).toMatchObject({
      format: "csv",
      csv: { delimiter: "|", header: false, skipLines: 0, trailingDelimiter: true },
    });
    expect(preview.columns.map((c) => c.name)).toEqual([
      "col_1",
      "col_2",
      "col_3",
      "col_4",
      "col_5",
      "col_6",
      "col_7",
      "col_8",
    ]);
    expect(preview.columns.map((c) => c.type)).toEqual([
      "bigint",
      "string",
      "string",
      "bigint",
      "string",
      "double",
      "string",
      "string",
    ]);
    const { result, page } = await importFile(file);
    expect(result.rowCount).toBe(4);
    expect(result.schema).toHaveLength(8);
    expect(page.rows[0]).toEqual([
      1,
      "Customer#000000001",
      "IVhzIApeRb ot,c,E",
      15,
      "25-989-741-2988",
      711.56,
      "BUILDING",
      "to the even, regular platelets",
    ]);
  });

  it("first-row values that repeat in a headerless file are data, not duplicate column names", async () => {
    const file = put("1|A|x|\n1|A|y|\n2|B|z|\n", "tbl");
    const { result, page } = await importFile(file);
    expect(result.options).toMatchObject({ csv: { header: false, trailingDelimiter: true } });
    expect(result.schema.map((c) => c.name)).toEqual(["col_1", "col_2", "col_3"]);
    expect(page.rows).toEqual([
      [1, "A", "x"],
      [1, "A", "y"],
      [2, "B", "z"],
    ]);
  });

  it("a header with a trailing delimiter keeps its names", async () => {
    const { result, page } = await importFile(put("id|name|\n1|a|\n2|b|\n"));
    expect(result.options).toMatchObject({ csv: { header: true, trailingDelimiter: true } });
    expect(result.schema.map((c) => c.name)).toEqual(["id", "name"]);
    expect(page.rows).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
  });

  it("quoted fields holding the delimiter, doubled quotes and newlines", async () => {
    const { result, page } = await importFile(
      put('id,name,note\n1,"Smith, Ann","say ""hi"""\n2,"Bo","a\nb"\n'),
    );
    expect(result.options).toMatchObject({ csv: { delimiter: ",", quote: '"', header: true } });
    expect(page.rows).toEqual([
      [1, "Smith, Ann", 'say "hi"'],
      [2, "Bo", "a\nb"],
    ]);
  });

  it("a TSV", async () => {
    const { result, page } = await importFile(put("id\tname\n1\tAnn\n2\tBob\n", "tsv"));
    expect(result.options).toMatchObject({ csv: { delimiter: "\t", header: true } });
    expect(page.rows).toEqual([
      [1, "Ann"],
      [2, "Bob"],
    ]);
  });

  it("semicolons with a decimal comma read the amounts as numbers", async () => {
    const { result, page } = await importFile(put("id;amount;name\n1;10,5;Ann\n2;3,25;Bob\n"));
    expect(result.options).toMatchObject({ csv: { delimiter: ";", decimalSeparator: "," } });
    expect(result.schema).toEqual([
      { name: "id", type: "bigint" },
      { name: "amount", type: "double" },
      { name: "name", type: "string" },
    ]);
    expect(page.rows).toEqual([
      [1, 10.5, "Ann"],
      [2, 3.25, "Bob"],
    ]);
  });

  it("a value after the trailing delimiter refuses the import instead of dropping it", async () => {
    const file = put("1|A|x|\n1|A|y|oops\n", "tbl");
    const options = withCsv((await previewImport(engine, { file })).options, { trailingDelimiter: true });
    const e = await importError(file, options);
    expect(e.code).toBe("invalid_input");
    expect(e.message).toMatch(/value after its last delimiter.*Turn off "Lines end with the delimiter"/);
  });

  it("turning the header on for a headerless file names the duplicate, and renaming fixes it", async () => {
    const file = put("1|A|A|\n2|B|B|\n", "tbl");
    const detected = (await previewImport(engine, { file })).options;
    const e = await importError(file, withCsv(detected, { header: true }));
    expect(e.message).toMatch(/Duplicate column names in the header \(line 1\): A/);
    const { result } = await importFile(
      file,
      withCsv(detected, { header: true, columns: [{ name: "n" }, { name: "letter" }, { name: "again" }] }),
    );
    expect(result.schema.map((c) => c.name)).toEqual(["n", "letter", "again"]);
    expect(result.rowCount).toBe(1);
  });
});

describe("column names and types chosen in the dialog", () => {
  it("renames columns and reads a money column as decimal", async () => {
    const file = put(`${TBL}\n`, "tbl");
    const detected = (await previewImport(engine, { file })).options;
    const columns = Array.from({ length: 8 }, () => ({}) as { name?: string; type?: "decimal" });
    columns[0] = { name: "custkey" };
    columns[5] = { name: "acctbal", type: "decimal" };
    const options = withCsv(detected, { columns });
    const preview = await previewImport(engine, { file, options });
    expect(preview.columns[0]).toEqual({ name: "custkey", type: "bigint" });
    expect(preview.columns[5]).toEqual({ name: "acctbal", type: "decimal" });
    const { result, page } = await importFile(file, options);
    expect(result.schema[5]).toEqual({ name: "acctbal", type: "decimal" });
    expect(result.schema[1]?.name).toBe("col_2");
    // Decimals come back as their exact text.
    expect(page.rows.map((r) => r[5])).toEqual(["711.56", "121.65", "7498.12", "2866.83"]);
  });

  it("a value that does not fit the chosen type is a 400 naming the column, the line and the value", async () => {
    const file = put("id,amount\n1,10.5\n2,n/a\n3,4\n");
    const detected = (await previewImport(engine, { file })).options;
    const e = await importError(
      file,
      withCsv(detected, { columns: [{}, { name: "price", type: "decimal" }] }),
    );
    expect(e.code).toBe("invalid_input");
    expect(e.message).toMatch(/line 3: the value "n\/a" of column price cannot be read as decimal/);
    expect(e.message).toMatch(/Skip bad lines/);
  });

  it("a list of columns that does not match the file is refused with both counts", async () => {
    const file = put("a,b\n1,2\n");
    const detected = (await previewImport(engine, { file })).options;
    const e = await importError(file, withCsv(detected, { columns: [{ name: "x" }] }));
    expect(e.message).toMatch(/name 1 column, but .* the file has 2/);
  });

  it("names that collide are refused", async () => {
    const file = put("a,b\n1,2\n");
    const detected = (await previewImport(engine, { file })).options;
    const e = await importError(file, withCsv(detected, { columns: [{ name: "x" }, { name: "X" }] }));
    expect(e.message).toMatch(/Duplicate column names in the column names: x\/X/);
  });
});

describe("skip bad lines", () => {
  // 40,000 rows; a short line at line 30,001 and a long one at the end, after a quoted newline.
  function bigFile(): string {
    const lines = ["id,v,w"];
    for (let i = 0; i < 40_000; i++) {
      if (i === 29_999) lines.push(`${i},x`);
      else if (i === 35_000) lines.push(`${i},"a\nb",c`);
      else lines.push(`${i},${i},z`);
    }
    lines.push("40000,1,2,3");
    return put(`${lines.join("\n")}\n`);
  }

  it("without the option, the error names the line and says the option exists", async () => {
    const e = await importError(bigFile());
    expect(e.message).toMatch(/line 30001 does not have the 3 columns of the header \(it has 2\)/);
    expect(e.message).toMatch(/turn on "Skip bad lines"/);
  });

  it("with it, the import leaves the bad lines out and reports how many, with their line numbers", async () => {
    const file = bigFile();
    const detected = (await previewImport(engine, { file })).options;
    const options = withCsv(detected, { skipBadLines: true });
    const preview = await previewImport(engine, { file, options });
    expect(preview.skippedLines).toEqual({ count: 2, lines: [30001, 40003] });
    const { result } = await importFile(file, options);
    expect(result.rowCount).toBe(39_999);
    expect(result.skippedLines).toEqual({ count: 2, lines: [30001, 40003] });
  });

  it("a .tbl with a short line is still detected as headerless with a trailing |; the line is skipped", async () => {
    const file = put(`1|a|x|\n2|b|y|\n3|c\n4|d|z|\n5|e|w|\n`, "tbl");
    const detected = (await previewImport(engine, { file }).catch(() => null))?.options;
    expect(detected).toBeUndefined(); // without skipping, the preview names line 3
    const e = await importError(file);
    expect(e.message).toMatch(/line 3 does not have the 4 columns/);
    const { result } = await importFile(file, {
      format: "csv",
      csv: {
        delimiter: "|",
        quote: '"',
        escape: '"',
        encoding: "utf-8",
        header: false,
        skipLines: 0,
        trailingDelimiter: true,
        skipBadLines: true,
      },
    });
    expect(result.schema.map((c) => c.name)).toEqual(["col_1", "col_2", "col_3"]);
    expect(result.skippedLines).toEqual({ count: 1, lines: [3] });
  });

  it("a late row that contradicts an inferred type is kept (the column as text), not skipped", async () => {
    const lines = ["id,v"];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i}`);
    lines.push("30000,not a number", "30001");
    const file = put(`${lines.join("\n")}\n`);
    const detected = (await previewImport(engine, { file })).options;
    const { result } = await importFile(file, withCsv(detected, { skipBadLines: true }));
    expect(result.rowCount).toBe(30_001);
    expect(result.schema).toEqual([
      { name: "id", type: "bigint" },
      { name: "v", type: "string" },
    ]);
    expect(result.skippedLines).toEqual({ count: 1, lines: [30003] });
  });

  it("values that do not fit a chosen type are skipped as bad lines and counted", async () => {
    const file = put("id,amount\n1,10.5\n2,n/a\n3,4\n4,oops\n");
    const detected = (await previewImport(engine, { file })).options;
    const { result, page } = await importFile(
      file,
      withCsv(detected, { skipBadLines: true, columns: [{}, { type: "decimal" }] }),
    );
    expect(result.skippedLines).toEqual({ count: 2, lines: [3, 5] });
    expect(page.rows).toEqual([
      [1, "10.5"],
      [3, "4"],
    ]);
  });

  it("when every line is bad, the import says so instead of writing nothing", async () => {
    const file = put("a,b\n1\n2\n3\n");
    const e = await importError(file, {
      format: "csv",
      csv: {
        delimiter: ",",
        quote: '"',
        escape: '"',
        encoding: "utf-8",
        header: true,
        skipLines: 0,
        skipBadLines: true,
      },
    });
    expect(e.message).toMatch(/Every line was skipped as bad \(3 lines: lines 2, 3, 4\)/);
  });
});
