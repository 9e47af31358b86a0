import { once } from "node:events";
import { createWriteStream } from "node:fs";
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

/**
 * Streams one sheet of an .xlsx file into NDJSON (one object per row, keyed by the header row),
 * so DuckDB can infer types from it without the workbook ever being held in memory. The first
 * non-empty row is the header. Stops after `maxRows` data rows when given (previews).
 */
export async function xlsxToNdjson(opts: {
  file: string;
  out: string;
  sheet?: string;
  maxRows?: number;
}): Promise<XlsxConversion> {
  const out = createWriteStream(opts.out);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(opts.file, {
    sharedStrings: "cache",
    hyperlinks: "ignore",
    styles: "cache",
    worksheets: "emit",
    entries: "ignore",
  });
  let found: string | null = null;
  let columns: string[] = [];
  let rows = 0;
  const sheets: string[] = [];
  try {
    for await (const ws of reader) {
      const name = String((ws as unknown as { name: string }).name);
      sheets.push(name);
      const wanted = found === null && (opts.sheet === undefined || opts.sheet === name);
      let headerRow: number | null = null;
      let sheetRow = 0;
      for await (const row of ws) {
        if (!wanted) continue; // the rest of the zip must still be read through
        sheetRow = row.number;
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
        if (opts.maxRows !== undefined && rows >= opts.maxRows) continue;
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
      if (wanted) {
        found = name;
        if (headerRow === null)
          throw new AppError("invalid_input", `Sheet ${name} is empty: it needs a header row.`);
      }
    }
  } catch (e) {
    out.destroy();
    if (e instanceof AppError) throw e;
    const why = (e as Error).message.split("\n")[0] ?? "";
    throw new AppError(
      "invalid_input",
      `The Excel file could not be read (${why.replaceAll(opts.file, "the file")}). Save it again as .xlsx and upload it.`,
    );
  }
  out.end();
  await once(out, "close");
  if (found === null) {
    if (sheets.length === 0)
      throw new AppError("invalid_input", "The Excel file has no worksheet (xl/worksheets is empty).");
    throw new AppError(
      "invalid_input",
      `The Excel file has no sheet named ${opts.sheet}. Its sheets: ${sheets.join(", ")}.`,
    );
  }
  return { sheet: found, sheets, columns, rows };
}
