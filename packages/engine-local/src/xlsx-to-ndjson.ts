import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { AppError } from "@sous/contracts";
import ExcelJS from "exceljs";
import { checkColumnNames } from "./column-checks.ts";

export interface XlsxConversion {
  sheet: string;
  sheets: string[];
  columns: string[];
  rows: number;
}

type CellValue = string | number | boolean | null;

/** An ExcelJS cell value as JSON: formulas give their result, rich text its text, dates ISO strings. */
function cellValue(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace("T", " ").replace(/Z$/, "");
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("result" in o) return cellValue(o.result);
    if (Array.isArray(o.richText)) return o.richText.map((r: { text?: string }) => r.text ?? "").join("");
    if ("text" in o) return cellValue(o.text);
    if ("error" in o) return null;
  }
  return String(v);
}

/** What went wrong, for a reader error that is not ours: the zip, the XML, or the sheet data. */
function notAWorkbook(e: unknown, file: string, sheet: string | null): AppError {
  const err = e as Error & { code?: unknown };
  const why = (err.message ?? String(e)).split("\n")[0]?.replaceAll(file, "the file") ?? "";
  const code = typeof err.code === "string" ? err.code : "";
  let reason: string;
  if (
    /^(FILE_ENDED|invalid signature|Corrupted|invalid (stored|distance|code|block))|unexpected end/i.test(
      why,
    ) ||
    code.startsWith("Z_")
  )
    reason = `its zip archive is damaged or truncated (${why})`;
  else if (/^\d+:\d+: /.test(why))
    reason = `${sheet === null ? "one of its parts" : `sheet ${sheet}`} is not well-formed XML (${why})`;
  // ExcelJS fails with TypeErrors ("Cannot read properties of undefined") and "Invalid Address"
  // on cells or rows without a position: nothing a user can act on, so say where and what to do.
  else if (sheet !== null) reason = `the cells of sheet ${sheet} do not follow the .xlsx format`;
  else reason = `its structure does not follow the .xlsx format (${why})`;
  return new AppError(
    "invalid_input",
    `The file is not a valid Excel workbook: ${reason}. Open it in Excel or LibreOffice, save it again as .xlsx and upload it.`,
  );
}

/** The parts of ExcelJS's streaming reader this module reads or patches (exceljs 4.4.0, pinned). */
interface ReaderInternals {
  model?: unknown;
  workbookRels?: { Id: string; Target: string }[];
  stream?: { destroy(): void };
}

/**
 * The zip as ExcelJS reads it, with two of its reader's faults worked around:
 *
 * - unzipper's parser emits "end" as soon as the zip's last byte is read, while it may still hold
 *   entries ExcelJS has not taken (it was busy spooling a worksheet): those were silently dropped,
 *   losing the shared strings (every text cell), the workbook part or a whole sheet. "end" now waits
 *   until every entry has been handed over.
 * - a worksheet is parsed as soon as the shared strings and the relationships are known, then
 *   reads the sheet list of xl/workbook.xml: when the zip holds that part after the worksheets
 *   (valid; some writers do it) this was "Cannot read properties of undefined (reading 'sheets')".
 *   Hiding the relationships until the workbook part is parsed makes ExcelJS spool such worksheets
 *   and read them at the end. Absolute targets ("/xl/worksheets/sheet1.xml") are made relative so
 *   that their sheets keep their names.
 */
function openWorkbook(file: string) {
  const input = createReadStream(file);
  const pipe = input.pipe.bind(input);
  input.pipe = ((zip: Readable & Writable, o?: { end?: boolean }) => {
    const emit = zip.emit.bind(zip) as (event: string | symbol, ...args: unknown[]) => boolean;
    let heldEnd: unknown[] | null = null;
    zip.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === "end" && zip.readableLength > 0) {
        heldEnd = args;
        return true;
      }
      const r = emit(event, ...args);
      if (event === "data" && heldEnd && zip.readableLength === 0) {
        const held = heldEnd;
        heldEnd = null;
        setImmediate(() => emit("end", ...held));
      }
      return r;
    }) as typeof zip.emit;
    return pipe(zip, o);
  }) as typeof input.pipe;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: "cache",
    hyperlinks: "ignore",
    styles: "cache",
    worksheets: "emit",
    entries: "ignore",
  }) as unknown as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader & { name: string }> & ReaderInternals;
  let rels: ReaderInternals["workbookRels"];
  Object.defineProperty(reader, "workbookRels", {
    configurable: true,
    get: () => (reader.model ? rels : undefined),
    set: (v: ReaderInternals["workbookRels"]) => {
      rels = v?.map((r) => ({ ...r, Target: String(r.Target).replace(/^\/?xl\//, "") }));
    },
  });
  return { reader, close: () => input.destroy() };
}

/**
 * Streams one sheet of an .xlsx file into NDJSON (one object per row, keyed by the header row),
 * so DuckDB can infer types from it without the workbook ever being held in memory. The first
 * non-empty row is the header. Without a sheet named, the first sheet that has one is read.
 * Stops after `maxRows` data rows when given (previews). Every problem with the file is an
 * AppError that says what to fix.
 */
export async function xlsxToNdjson(opts: {
  file: string;
  out: string;
  sheet?: string;
  maxRows?: number;
}): Promise<XlsxConversion> {
  const out = createWriteStream(opts.out);
  const { reader, close } = openWorkbook(opts.file);
  let found: string | null = null;
  let columns: string[] = [];
  let rows = 0;
  const sheets: string[] = [];
  let reading: string | null = null;
  try {
    for await (const ws of reader) {
      // Without xl/workbook.xml there are no sheet names, order or date system: not a workbook.
      if (!reader.model)
        throw new AppError(
          "invalid_input",
          "The file is not a valid Excel workbook: it has worksheets but no xl/workbook.xml. Open it in Excel or LibreOffice, save it again as .xlsx and upload it.",
        );
      const name = String(ws.name);
      sheets.push(name);
      const wanted = found === null && (opts.sheet === undefined || opts.sheet === name);
      if (!wanted) continue; // ExcelJS drains it; the rest of the zip is still read for the sheet list
      reading = name;
      let headerRow: number | null = null;
      let sheetRow = 0;
      for await (const row of ws) {
        sheetRow = row.number;
        if (opts.maxRows !== undefined && rows >= opts.maxRows) continue;
        const values = (row.values as unknown[]).slice(1).map(cellValue);
        if (headerRow === null) {
          if (values.every((v) => v === null || v === "")) continue;
          headerRow = sheetRow;
          // Trailing empty header cells are formatting, not columns.
          while (values.length && (values.at(-1) === null || values.at(-1) === "")) values.pop();
          columns = values.map((v) => (v === null ? "" : String(v).trim()));
          checkColumnNames(columns, `header row (row ${sheetRow} of sheet ${name})`);
          continue;
        }
        if (
          values.length > columns.length &&
          values.slice(columns.length).some((v) => v !== null && v !== "")
        ) {
          throw new AppError(
            "invalid_input",
            `Row ${sheetRow} of sheet ${name} has values beyond the ${columns.length} columns of the header row. Name every column and upload again.`,
          );
        }
        const obj: Record<string, CellValue> = {};
        columns.forEach((c, i) => {
          obj[c] = values[i] ?? null;
        });
        if (!out.write(`${JSON.stringify(obj)}\n`)) await once(out, "drain");
        rows++;
      }
      reading = null;
      if (headerRow !== null) found = name;
      // A named sheet must hold the data; otherwise a later sheet may (after an empty "Sheet1").
      else if (opts.sheet !== undefined)
        throw new AppError(
          "invalid_input",
          `Sheet ${name} is empty: it needs a header row. Pick a sheet with data, or add a header row.`,
        );
    }
    if (!reader.model)
      throw new AppError(
        "invalid_input",
        "The file is not a valid Excel workbook: it is a zip archive without xl/workbook.xml (another kind of document?). Upload an .xlsx file saved by Excel or LibreOffice.",
      );
  } catch (e) {
    out.destroy();
    if (e instanceof AppError) throw e;
    throw notAWorkbook(e, opts.file, reading);
  } finally {
    close();
  }
  out.end();
  await once(out, "close");
  if (found === null) {
    if (opts.sheet !== undefined && sheets.length > 0)
      throw new AppError(
        "invalid_input",
        `The Excel file has no sheet named ${opts.sheet}. Its sheets: ${sheets.join(", ")}.`,
      );
    throw new AppError(
      "invalid_input",
      sheets.length === 0
        ? "This .xlsx has no sheet with data: it holds no worksheet (only chart sheets, or none). Add a sheet with a header row and upload again."
        : `This .xlsx has no sheet with data: ${sheets.join(", ")} ${sheets.length === 1 ? "is" : "are"} empty. Add a header row and data, and upload again.`,
    );
  }
  return { sheet: found, sheets, columns, rows };
}
