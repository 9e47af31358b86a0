import { randomUUID } from "node:crypto";
import { rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { CsvOptions } from "@sous/contracts";
import { splitCsvRecord, splitCsvRecords } from "./csv-header.ts";
import { decodeHead, detectEncoding, readHead } from "./detect-import.ts";
import { duckString } from "./sql-literals.ts";

// A CSV's dialect comes from DuckDB's own sniffer (`sniff_csv`): the reader that imports the file
// is the one that guessed how to read it, so a guess it makes is a guess it can read. Sous only
// adds what the sniffer does not tell: the encoding (it needs one given), a trailing delimiter
// (`a|b|` reads as an empty last column), a decimal comma, and a guard on skipped title lines.

/** Rows the sniffer looks at; the same sample the reader infers types from. */
export const SNIFF_SAMPLE_ROWS = 20480;
/** Bytes of a file the sniffer reads (a copy of the start of larger files). */
const SNIFF_SAMPLE_BYTES = 1024 * 1024;

interface Sniffed {
  Delimiter: string;
  Quote: string;
  Escape: string;
  SkipRows: number;
  HasHeader: boolean;
  Columns: { name: string; type: string }[];
}

const EMPTY = "(empty)";

async function sniff(c: DuckDBConnection, file: string, args: string[]): Promise<Sniffed> {
  const r = await c.runAndReadAll(
    `SELECT Delimiter, Quote, Escape, SkipRows, HasHeader, Columns FROM sniff_csv(${[duckString(file), ...args].join(", ")})`,
  );
  const row = r.getRowObjectsJson()[0] as unknown as Sniffed;
  return { ...row, SkipRows: Number(row.SkipRows) };
}

/** The options a file opens with when even the sniffer cannot read it: the dialog shows them to edit. */
export function defaultCsvOptions(encoding: CsvOptions["encoding"], delimiter = ","): CsvOptions {
  return {
    delimiter,
    quote: '"',
    escape: '"',
    encoding,
    header: true,
    skipLines: 0,
    trailingDelimiter: false,
    decimalSeparator: ".",
    skipBadLines: false,
  };
}

/**
 * Detects a CSV's dialect with DuckDB's sniffer: delimiter, quote, escape, header or not, title
 * lines to skip; plus the encoding (from the bytes), a trailing delimiter and a decimal comma.
 * A file the sniffer cannot read gets the defaults: the import dialog then says why and lets the
 * user change them.
 */
export async function sniffCsvOptions(
  c: DuckDBConnection,
  file: string,
  head: Buffer,
  scratchDir = path.dirname(file),
): Promise<CsvOptions> {
  const encoding = detectEncoding(head);
  const text = decodeHead(head, encoding);
  const enc = `encoding = ${duckString(encoding)}`;
  const sample = `sample_size = ${SNIFF_SAMPLE_ROWS}`;
  const copy = await sampleCopy(file, scratchDir);
  try {
    return await sniffSample(c, copy ?? file, text, encoding, [enc, sample]);
  } finally {
    if (copy) await rm(copy, { force: true });
  }
}

/**
 * The first MiB of a larger file, cut after a line, for the sniffer: it tries many dialects, each
 * over its sample, and a 10 MB line would take it seconds to refuse. Null for a small file.
 */
async function sampleCopy(file: string, scratchDir: string): Promise<string | null> {
  if ((await stat(file)).size <= SNIFF_SAMPLE_BYTES) return null;
  const head = await readHead(file, SNIFF_SAMPLE_BYTES);
  // Cut after a newline that is outside quotes as far as `"` tells (an even count before it).
  let cut = head.lastIndexOf(0x0a);
  for (let tries = 0; cut > 0 && tries < 50; tries++) {
    let quotes = 0;
    for (let i = 0; i < cut; i++) if (head[i] === 0x22) quotes++;
    if (quotes % 2 === 0) break;
    cut = head.lastIndexOf(0x0a, cut - 1);
  }
  const out = path.join(scratchDir, `.sniff-${process.pid}-${randomUUID()}.csv`);
  await writeFile(out, cut > 0 ? head.subarray(0, cut + 1) : head);
  return out;
}

async function sniffSample(
  c: DuckDBConnection,
  file: string,
  text: string,
  encoding: CsvOptions["encoding"],
  base: string[],
): Promise<CsvOptions> {
  // One column while the lines split on a usual delimiter: bad lines (a short row in a small
  // file) or an unclosed quote fooled the sniffer. Ask again, letting it skip lines that do not
  // fit; then with that delimiter; else the defaults, and the import names the line.
  const split = likelyDelimiter(text);
  const fooled = (x: Sniffed | null) => !x || (x.Columns.length === 1 && !!split && split !== x.Delimiter);
  let s = await sniff(c, file, base).catch(() => null);
  if (fooled(s)) s = await sniff(c, file, [...base, "ignore_errors = true"]).catch(() => null);
  if (fooled(s) && split)
    s = await sniff(c, file, [...base, `delim = ${duckString(split)}`]).catch(() => null);
  if (!s) return defaultCsvOptions(encoding, split);
  return completeDialect(c, file, text, encoding, base, s);
}

/** Sous' additions to what the sniffer found: skipped rows checked, quote, trailing delimiter, decimal comma. */
async function completeDialect(
  c: DuckDBConnection,
  file: string,
  text: string,
  encoding: CsvOptions["encoding"],
  enc: string[],
  found: Sniffed,
): Promise<CsvOptions> {
  let s = found;
  // The sniffer skips leading rows that do not fit the rest: a title above the header. When
  // they are most of the sample, they are data (a ragged file): keep them, so the import names
  // the line that does not fit instead of silently dropping rows.
  const { records } = splitCsvRecords(text, s.Quote === EMPTY ? '"' : s.Quote, [s.Delimiter]);
  const skipped = records.slice(0, s.SkipRows);
  const titles = skipped.every((r) => splitCsvRecord(r, s.Delimiter, '"').length < 2);
  if (s.SkipRows > 0 && !titles && s.SkipRows * 4 >= records.length) {
    s = await sniff(c, file, [...enc, "skip = 0", `delim = ${duckString(s.Delimiter)}`]).catch(() => ({
      ...found,
      SkipRows: 0,
    }));
  }
  // No quote the sniffer could use: it says "none", but a quoted value further down would then
  // split, and a stray quote be read as text. `"` reads an unquoted file the same, and a quote
  // that is never closed is reported on its line, where "None" in the dialog is one click away.
  const quote = s.Quote !== EMPTY ? s.Quote : '"';
  const esc = s.Escape !== EMPTY ? s.Escape : quote;
  const delimiter = s.Delimiter;
  const trailingDelimiter = hasTrailingDelimiter(text, delimiter, quote, s);
  let decimalSeparator: "." | "," = ".";
  if (delimiter !== "," && /\d,\d/.test(text) && s.Columns.some((col) => col.type === "VARCHAR")) {
    // A decimal comma (10,5) reads as text unless the reader is told: the option that types more
    // columns as numbers is the file's.
    const numeric = (cols: Sniffed["Columns"]) => cols.filter((col) => col.type !== "VARCHAR").length;
    const comma = await sniff(c, file, [
      ...enc,
      `delim = ${duckString(delimiter)}`,
      `skip = ${s.SkipRows}`,
      `header = ${s.HasHeader}`,
      "decimal_separator = ','",
    ]).catch(() => null);
    if (comma && comma.Columns.length === s.Columns.length && numeric(comma.Columns) > numeric(s.Columns))
      decimalSeparator = ",";
  }
  return {
    delimiter,
    quote,
    escape: esc,
    encoding,
    header: s.HasHeader,
    skipLines: s.SkipRows,
    trailingDelimiter,
    decimalSeparator,
    skipBadLines: false,
  };
}

/** The usual delimiter that splits the first line of the sample into the most fields, if any does. */
function likelyDelimiter(text: string): string | undefined {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  let best: string | undefined;
  let most = 1;
  for (const d of [",", ";", "\t", "|"]) {
    const n = splitCsvRecord(first, d, '"').length;
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

/**
 * The lines of the sample (after the skipped ones) end with the delimiter: the `.tbl`/`.dat`
 * export style, read by DuckDB as one more, empty, column.
 */
function hasTrailingDelimiter(text: string, delimiter: string, quote: string, s: Sniffed): boolean {
  const last = s.Columns[s.Columns.length - 1];
  if (s.Columns.length < 2 || last?.type !== "VARCHAR") return false;
  const { records, open } = splitCsvRecords(text, quote, [delimiter]);
  // The sample may end inside the last record: leave it out (unless it is the only one).
  const whole = open || !text.endsWith("\n") ? records.slice(0, -1) : records;
  const lines = (whole.length > s.SkipRows ? whole : records).slice(s.SkipRows, s.SkipRows + 200);
  const nonEmpty = lines.filter((l) => l.trim() !== "");
  // Lines with another number of fields are bad lines (skipped or reported on their own): the
  // others must all end with the delimiter, and be most of the sample.
  const full = nonEmpty
    .map((l) => splitCsvRecord(l, delimiter, quote))
    .filter((f) => f.length === s.Columns.length);
  return (
    full.length > 0 && full.length * 5 >= nonEmpty.length * 4 && full.every((f) => f[f.length - 1] === "")
  );
}
