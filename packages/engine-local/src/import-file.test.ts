import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError, type ImportOptions } from "@sous/contracts";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sniffCsvOptions } from "./csv-sniff.ts";
import { detectFormat } from "./detect-import.ts";
import { importToParquet, previewImport } from "./import-file.ts";
import { LocalEngine } from "./local-engine.ts";

let dir: string;
let engine: LocalEngine;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-import-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The dialect DuckDB's sniffer (and Sous' additions) finds for a file's content. */
async function sniff(content: string | Buffer) {
  const file = put(content, "csv");
  return engine.withConnection(async (c) => sniffCsvOptions(c, file, readFileSync(file)));
}

function put(content: string | Buffer, ext = "bin"): string {
  n++;
  const file = path.join(dir, `in-${n}.${ext}`);
  writeFileSync(file, content);
  return file;
}

async function importFile(file: string, options?: ImportOptions, fileName?: string) {
  const outDir = path.join(dir, `out-${++n}`);
  mkdirSync(outDir);
  const result = await importToParquet(engine, { file, outDir, options, fileName });
  const page = await engine.previewParquet(outDir, { limit: 100, offset: 0 });
  return { result, page, outDir };
}

async function importError(file: string, options?: ImportOptions): Promise<AppError> {
  const e = await importFile(file, options).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  // Temporary files (xlsx spools) never stay next to the upload.
  expect(readdirSync(dir).filter((f) => f.endsWith(".ndjson"))).toEqual([]);
  return e as AppError;
}

async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const file = path.join(dir, `in-${++n}.xlsx`);
  await wb.xlsx.writeFile(file);
  return file;
}

// A zip of stored entries in the given order: workbooks no writer library would produce.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = (CRC_TABLE[(c ^ x) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function zip(entries: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.from(content);
    const file = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(file.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc32(data), 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(file.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, file, data);
    central.push(entry, file);
    offset += 30 + file.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, end]);
}

const SML = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const NS = `${SML} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`;
/** The parts of a workbook, by short name, to put in a zip in any order. */
function parts(opts: {
  sheets: [name: string, target: string][];
  worksheets: Record<string, string>;
  strings?: string[];
}): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {
    types: [
      "[Content_Types].xml",
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    ],
    workbook: [
      "xl/workbook.xml",
      `<?xml version="1.0"?><workbook ${NS}><sheets>${opts.sheets.map(([name], i) => `<sheet name="${name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("")}</sheets></workbook>`,
    ],
    rels: [
      "xl/_rels/workbook.xml.rels",
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${opts.sheets.map(([, target], i) => `<Relationship Id="rId${i + 1}" Type="x" Target="${target}"/>`).join("")}</Relationships>`,
    ],
    strings: [
      "xl/sharedStrings.xml",
      `<?xml version="1.0"?><sst ${SML}>${(opts.strings ?? []).map((t) => `<si><t>${t}</t></si>`).join("")}</sst>`,
    ],
    theme: ["xl/theme/theme1.xml", "<theme/>"],
  };
  for (const [key, rows] of Object.entries(opts.worksheets))
    out[key] = [
      `xl/worksheets/${key}.xml`,
      `<?xml version="1.0"?><worksheet ${SML}><sheetData>${rows}</sheetData></worksheet>`,
    ];
  return out;
}
const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const shared = (ref: string, index: number) => `<c r="${ref}" t="s"><v>${index}</v></c>`;

describe("format and dialect detection", () => {
  it("tells formats from magic bytes and content", () => {
    expect(detectFormat(Buffer.from("PAR1xxxx"))).toBe("parquet");
    expect(detectFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1]))).toBe("xlsx");
    expect(detectFormat(Buffer.from('  [{"a":1}]'))).toBe("json");
    expect(detectFormat(Buffer.from('{"a":1}\n{"a":2}\n'))).toBe("json");
    expect(detectFormat(Buffer.from("a,b\n1,2\n"))).toBe("csv");
  });

  it("detects delimiter, encoding and title lines to skip", async () => {
    const o = await sniff(Buffer.from("Export of 2024\n\nid|name|x\n1|a|2\n2|b|3\n", "latin1"));
    expect(o).toMatchObject({ delimiter: "|", skipLines: 2, encoding: "utf-8", header: true });
    expect((await sniff(Buffer.from("a;b\n1;caf\xe9\n", "latin1"))).encoding).toBe("latin-1");
    expect((await sniff(Buffer.from("a\tb\n1\t2\n"))).delimiter).toBe("\t");
  });
});

describe("importToParquet", () => {
  it("imports a TSV with a title line, skipping it", async () => {
    const { result, page } = await importFile(put("My export\nid\tname\n1\tAnn\n2\tBob\n"));
    expect(result.options).toMatchObject({ format: "csv", csv: { delimiter: "\t", skipLines: 1 } });
    expect(result.schema.map((c) => c.name)).toEqual(["id", "name"]);
    expect(page.rows).toEqual([
      [1, "Ann"],
      [2, "Bob"],
    ]);
  });

  it("honours edited CSV options: no header, another quote, Latin-1", async () => {
    const file = put(Buffer.from("1;'a;b';caf\xe9\n2;'c';th\xe9\n", "latin1"));
    const { page, result } = await importFile(file, {
      format: "csv",
      csv: { delimiter: ";", quote: "'", escape: "'", encoding: "latin-1", header: false, skipLines: 0 },
    });
    expect(result.schema).toHaveLength(3);
    expect(page.rows).toEqual([
      [1, "a;b", "café"],
      [2, "c", "thé"],
    ]);
  });

  it("keeps a column as text when a late row contradicts the inferred type", async () => {
    const lines = ["id,v"];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i}`);
    lines.push("30000,not a number");
    const { result } = await importFile(put(`${lines.join("\n")}\n`));
    expect(result.rowCount).toBe(30_001);
    expect(result.schema).toEqual([
      { name: "id", type: "bigint" },
      { name: "v", type: "string" },
    ]);
  });

  it("imports JSON arrays and NDJSON, nested values as JSON text", async () => {
    const a = await importFile(put('[{"a":1,"b":"x","c":{"k":[1,2]}},{"a":2,"b":null,"c":null}]'));
    expect(a.result.schema).toEqual([
      { name: "a", type: "bigint" },
      { name: "b", type: "string" },
      { name: "c", type: "string" },
    ]);
    expect(a.page.rows[0]).toEqual([1, "x", '{"k":[1,2]}']);
    const nd = await importFile(put('{"a":1.5,"d":"2024-01-02"}\n{"a":2,"d":"2024-02-03"}\n'));
    expect(nd.result.schema).toEqual([
      { name: "a", type: "double" },
      { name: "d", type: "date" },
    ]);
  });

  it("imports Parquet as is", async () => {
    const first = await importFile(put("a,b\n1,x\n2,y\n"));
    const pq = path.join(first.outDir, "part-0.parquet");
    const { result, page } = await importFile(pq, undefined);
    expect(result.options.format).toBe("parquet");
    expect(page.rows).toEqual([
      [1, "x"],
      [2, "y"],
    ]);
  });

  it("imports the chosen sheet of an xlsx with typed cells", async () => {
    const file = await xlsx((wb) => {
      wb.addWorksheet("Notes").addRow(["nothing here"]);
      const s = wb.addWorksheet("Sales");
      s.addRow([]);
      s.addRow(["region", "amount", "day", "ok"]);
      s.addRow(["north", 10.5, new Date(Date.UTC(2024, 0, 2)), true]);
      s.addRow(["south", 3, new Date(Date.UTC(2024, 0, 3)), false]);
    });
    const preview = await previewImport(engine, { file });
    expect(preview.sheets).toEqual(["Notes", "Sales"]);
    expect(preview.options).toEqual({ format: "xlsx", sheet: "Notes" });
    const { result, page } = await importFile(file, { format: "xlsx", sheet: "Sales" });
    expect(result.schema).toEqual([
      { name: "region", type: "string" },
      { name: "amount", type: "double" },
      { name: "day", type: "date" },
      { name: "ok", type: "boolean" },
    ]);
    expect(page.rows).toEqual([
      ["north", 10.5, "2024-01-02", true],
      ["south", 3, "2024-01-03", false],
    ]);
  });
});

describe("bad input names the line or part", () => {
  it("ragged rows", async () => {
    expect((await importError(put("a,b\n1,2\n3,4\n5,6,7\n"))).message).toMatch(/line 4/);
  });
  it("an empty file and a file of blank lines", async () => {
    expect((await importError(put(""))).message).toBe("The file is empty.");
    expect((await importError(put("\n\n\n"))).message).toMatch(/Line 1 is empty/);
  });
  it("zero columns in JSON", async () => {
    expect((await importError(put("[{}, {}]"))).message).toMatch(/no columns|could not be read/);
  });
  it("duplicate and empty header names", async () => {
    expect((await importError(put("a,b,A\n1,2,3\n"))).message).toMatch(/Duplicate.*a\/A/);
    expect((await importError(put("a,,c\n1,2,3\n"))).message).toMatch(/position 2/);
  });
  it("a 10 MB single field", async () => {
    const e = await importError(put(`a,b\n1,x\n2,${"y".repeat(10 * 1024 * 1024)}\n`));
    expect(e.message).toMatch(/line 3/);
  });
  it("a truncated Parquet file", async () => {
    const first = await importFile(put("a,b\n1,x\n2,y\n"));
    const bytes = readFileSync(path.join(first.outDir, "part-0.parquet"));
    const e = await importError(put(bytes.subarray(0, Math.floor(bytes.length / 2)), "parquet"));
    expect(e.message).toMatch(/Parquet file is damaged or truncated/);
  });
  it("a malformed xlsx", async () => {
    const e = await importError(
      put(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)])),
    );
    expect(e.message).toMatch(/not a valid Excel workbook: its zip archive is damaged or truncated/);
  });
  it("an xlsx sheet that does not exist names the sheets", async () => {
    const file = await xlsx((wb) => wb.addWorksheet("Only").addRow(["a"]));
    expect((await importError(file, { format: "xlsx", sheet: "Nope" })).message).toMatch(
      /no sheet named Nope.*Only/,
    );
  });
  it("a CSV that is really binary", async () => {
    const e = await importError(put(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x00])));
    expect(e.code).toBe("unsupported_media_type");
  });
  it("invalid UTF-8 read as UTF-8 names the line", async () => {
    const e = await importError(put(Buffer.from("a,b\n1,x\n2,\xff\xfe\n", "latin1")), {
      format: "csv",
      csv: { delimiter: ",", quote: '"', escape: '"', encoding: "utf-8", header: true, skipLines: 0 },
    });
    expect(e.message).toMatch(/line 3|encoding|UTF-8/i);
  });
  it("leaves the output folder for the caller to remove, and writes no spool", async () => {
    expect(existsSync(dir)).toBe(true);
  });
});

// Issue "A 200 MB field reported on the wrong line": DuckDB numbers records, not lines, and said
// only "not valid CSV"; a quoted value with newlines before the field shifted the line it named.
describe("an enormous field names the line a user counts and what to fix", () => {
  const multiline = 'a,b\n1,"x\ny"\n2,"p\nq\nr"\n';
  it("a quoted value over the row limit, after values with newlines", async () => {
    const e = await importError(put(`${multiline}3,"${"y".repeat(3 * 1024 * 1024)}"\n4,z\n`, "csv"));
    expect(e.message).toMatch(/line 7 starts a row of 3\.0 MB, more than the 2,000,000 bytes a row can hold/);
    expect(e.message).toMatch(/Shorten or split its long values/);
  });
  it("a quote that is never closed makes the rest of the file one value", async () => {
    const e = await importError(put(`${multiline}3,"oops\n${"4,z\n".repeat(700_000)}`, "csv"));
    expect(e.message).toMatch(
      /the quote opened on line 7 is never closed, so the rest of the file \(2\.7 MB\)/,
    );
    expect(e.message).toMatch(/Close that quote/);
  });
  it("a 64 MB field far into the file, in a few seconds", async () => {
    const rows = '1,"x\ny"\n'.repeat(20_000);
    const file = path.join(dir, `in-${++n}.csv`);
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`a,b\n${rows}2,"`),
        Buffer.alloc(64 * 1024 * 1024, 0x79),
        Buffer.from('"\n3,z\n'),
      ]),
    );
    const t = Date.now();
    const e = await importError(file);
    expect(e.message).toMatch(/line 40002 starts a row of 64 MB/);
    expect(Date.now() - t).toBeLessThan(5000);
    rmSync(file);
  });
  it("a ragged row after values with newlines", async () => {
    const e = await importError(put(`${multiline}3,4,5\n`, "csv"));
    expect(e.message).toMatch(/line 7 does not have the 2 columns of the header \(it has 3\)/);
  });
});

// Issue "'.xlsx: Cannot read properties of undefined'": ExcelJS's streaming reader crashed when the
// zip held xl/workbook.xml after the worksheets, and silently dropped parts (the shared strings:
// every text cell) after a worksheet it spooled. Odd or broken workbooks now get a 400 that says
// what is wrong; valid ones import whatever the order of their parts.
describe("odd and malformed workbooks", () => {
  const data = {
    sheet1: `<row r="1">${shared("A1", 0)}${shared("B1", 1)}</row><row r="2">${inline("A2", "north")}<c r="B2"><v>10</v></c></row>`,
  };
  const book = (order: string[], opts: Partial<Parameters<typeof parts>[0]> = {}) => {
    const p = parts({
      sheets: [["Sales", "worksheets/sheet1.xml"]],
      worksheets: data,
      strings: ["region", "amount"],
      ...opts,
    });
    return put(zip(order.map((k) => p[k] as [string, string])), "xlsx");
  };
  const expectSales = async (file: string) => {
    const { result, page } = await importFile(file);
    expect(result.options).toEqual({ format: "xlsx", sheet: "Sales" });
    expect(result.schema.map((c) => c.name)).toEqual(["region", "amount"]);
    expect(page.rows).toEqual([["north", 10]]);
  };

  it("imports a workbook whose zip holds xl/workbook.xml after the worksheets", async () => {
    await expectSales(book(["types", "rels", "strings", "sheet1", "workbook"]));
  });
  it("keeps the shared strings that come after a worksheet and another part", async () => {
    await expectSales(book(["types", "workbook", "rels", "sheet1", "theme", "strings"]));
  });
  it("keeps the name of a sheet whose relationship has an absolute target", async () => {
    await expectSales(
      book(["types", "workbook", "rels", "strings", "sheet1"], {
        sheets: [["Sales", "/xl/worksheets/sheet1.xml"]],
      }),
    );
  });
  it("reads the first sheet with data when the first one is empty", async () => {
    const file = await xlsx((wb) => {
      wb.addWorksheet("Sheet1");
      wb.addWorksheet("Data").addRow(["a"]);
    });
    expect((await previewImport(engine, { file })).options).toEqual({ format: "xlsx", sheet: "Data" });
  });

  const refused: [string, () => Promise<string>, RegExp][] = [
    [
      "a zip that is not a workbook",
      async () => put(zip([["word/document.xml", "<w/>"]]), "xlsx"),
      /^The file is not a valid Excel workbook: it is a zip archive without xl\/workbook.xml/,
    ],
    [
      "worksheets without xl/workbook.xml",
      async () => book(["types", "rels", "sheet1"]),
      /^The file is not a valid Excel workbook: it has worksheets but no xl\/workbook.xml/,
    ],
    [
      "a sheet of cells without positions",
      async () =>
        book(["types", "workbook", "rels", "sheet1"], {
          worksheets: { sheet1: '<row><c t="inlineStr"><is><t>a</t></is></c></row>' },
        }),
      /^The file is not a valid Excel workbook: the cells of sheet Sales do not follow the .xlsx format/,
    ],
    [
      "a sheet that is not XML",
      async () => book(["types", "workbook", "rels", "sheet1"], { worksheets: { sheet1: "<<<" } }),
      /^The file is not a valid Excel workbook: sheet Sales is not well-formed XML/,
    ],
    [
      "a workbook with no sheets",
      () => xlsx(() => {}),
      /^This \.xlsx has no sheet with data: it holds no worksheet/,
    ],
    [
      "an empty sheet",
      () => xlsx((wb) => wb.addWorksheet("Empty")),
      /^This \.xlsx has no sheet with data: Empty is empty/,
    ],
    [
      "a sheet with only merged cells",
      () => xlsx((wb) => wb.addWorksheet("Merged").mergeCells("A1:C3")),
      /^This \.xlsx has no sheet with data: Merged is empty/,
    ],
    [
      "a chart sheet only",
      async () =>
        put(
          zip(
            Object.values(parts({ sheets: [["Chart1", "chartsheets/sheet1.xml"]], worksheets: {} })).concat([
              ["xl/chartsheets/sheet1.xml", "<chartsheet/>"],
            ]),
          ),
          "xlsx",
        ),
      /^This \.xlsx has no sheet with data: it holds no worksheet/,
    ],
  ];
  for (const [what, make, message] of refused) {
    it(`refuses ${what} with a 400 that says so`, async () => {
      const file = await make();
      const e = await importError(file);
      expect(e.code).toBe("invalid_input");
      expect(e.message).toMatch(message);
      expect(e.message).not.toMatch(/Cannot read properties|undefined/);
      const p = await previewImport(engine, { file }).catch((err: unknown) => err);
      expect(p).toBeInstanceOf(AppError);
      expect((p as AppError).message).toBe(e.message);
    });
  }
});

// Issue "A header with a quoted newline among odd names imports as one column and 0 rows,
// silently": the header was read as physical lines, so the dialect sniffer saw ragged lines and
// skipped the real header and data.
describe("a header with a quoted newline among odd names", () => {
  it("imports every column under its own name, with every row", async () => {
    const file = put('"a\nb",c,"d,e","f ""q""",é\n1,2,3,4,5\n6,7,8,9,10\n', "csv");
    const preview = await previewImport(engine, { file });
    expect(preview.options).toMatchObject({ csv: { delimiter: ",", skipLines: 0, header: true } });
    expect(preview.columns.map((c) => c.name)).toEqual(["a\nb", "c", "d,e", 'f "q"', "é"]);
    const { result, page } = await importFile(file);
    expect(result.rowCount).toBe(2);
    expect(result.schema.map((c) => c.name)).toEqual(["a\nb", "c", "d,e", 'f "q"', "é"]);
    expect(page.rows).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
  });
  it("the issue's file: three columns and one row, also with CRLF and a title line", async () => {
    for (const text of [
      '"a\nb",c,"d,e"\n1,2,3\n',
      '"a\r\nb";c;"d;e"\r\n1;2;3\r\n',
      'Export\n"a\nb",c,"d,e"\n1,2,3\n',
    ]) {
      const { result, page } = await importFile(put(text, "csv"));
      expect(result.schema).toHaveLength(3);
      expect(result.rowCount).toBe(1);
      expect(page.rows).toEqual([[1, 2, 3]]);
    }
  });
  it("names the line a header problem is on, counting the quoted newline", async () => {
    const e = await importError(put('"t\nitle"\na,,c\n1,2,3\n', "csv"), {
      format: "csv",
      csv: { delimiter: ",", quote: '"', escape: '"', encoding: "utf-8", header: true, skipLines: 1 },
    });
    expect(e.message).toMatch(/header \(line 3\) at position 2/);
  });
});
