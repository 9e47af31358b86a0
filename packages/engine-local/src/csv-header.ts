const DELIMITER_CANDIDATES = [",", ";", "\t", "|"];

/**
 * Splits one CSV record (the header) on a delimiter, honouring quotes ("a,b" stays one field). As
 * in DuckDB, a quote opens a quoted value only at the start of a field (`5" pipe` is text), and a
 * doubled quote inside one is a quote.
 */
export function splitCsvRecord(line: string, delimiter: string, quote: string): string[] {
  const out: string[] = [];
  let field = "";
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQuotes) {
      if (quote && ch === quote) {
        if (line[i + 1] === quote) {
          field += quote;
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (quote && ch === quote && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (line.startsWith(delimiter, i)) {
      out.push(field);
      field = "";
      fieldStart = true;
      i += delimiter.length - 1;
    } else {
      field += ch;
      fieldStart = false;
    }
  }
  out.push(field);
  return out;
}

/**
 * Splits a text sample into CSV records: a newline inside a quoted value belongs to the value
 * (a quote opens one at the start of a field, after one of `delimiters`, and a doubled quote does
 * not close it). `lines` holds the line each record starts on (1-based); `open` says the sample
 * ends inside a quoted value, so its last record is cut.
 */
export function splitCsvRecords(
  text: string,
  quote: string,
  delimiters: string[] = DELIMITER_CANDIDATES,
): { records: string[]; lines: number[]; open: boolean } {
  const records: string[] = [];
  const lines: number[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === quote) {
        if (text[i + 1] === quote) i++;
        else inQuotes = false;
      } else if (ch === "\n") line++;
      continue;
    }
    if (ch === "\n") {
      records.push(text.slice(start, i).replace(/\r$/, ""));
      lines.push(startLine);
      start = i + 1;
      line++;
      startLine = line;
      fieldStart = true;
    } else if (quote && ch === quote && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (delimiters.some((d) => text.startsWith(d, i))) fieldStart = true;
    else fieldStart = false;
  }
  if (start < text.length || inQuotes) {
    records.push(text.slice(start).replace(/\r$/, ""));
    lines.push(startLine);
  }
  return { records, lines, open: inQuotes };
}

/** Names that collide (Spark resolves columns case-insensitively, so `Id` and `id` collide) and empty names. */
export function headerProblems(names: string[]): { duplicates: string[]; emptyPositions: number[] } {
  const seen = new Map<string, string>();
  const duplicates = new Set<string>();
  const emptyPositions: number[] = [];
  names.forEach((raw, i) => {
    const name = raw.trim();
    if (!name) {
      emptyPositions.push(i + 1);
      return;
    }
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) duplicates.add(first === name ? name : `${first}/${name}`);
    else seen.set(key, name);
  });
  return { duplicates: [...duplicates], emptyPositions };
}

/** The record DuckDB's CSV error names ("CSV Error on Line: N" counts records, not lines). */
export function csvErrorRecord(message: string): number | null {
  const n = message.match(/CSV Error on Line: (\d+)/)?.[1];
  return n ? Number(n) : null;
}

const mb = (size: number) => `${(size / 1024 / 1024).toFixed(size < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** DuckDB's default max_line_size: a row (a record, quoted newlines included) may not be longer. */
const MAX_ROW_BYTES = 2_000_000;

/**
 * Turns DuckDB's multi-paragraph CSV error into one sentence that names the line (`at`: where the
 * record really starts in the file, when known) and says what to fix.
 */
export function describeCsvError(
  message: string,
  at?: { line: number; unclosedQuote: boolean; length: number },
): string {
  const record = csvErrorRecord(message);
  const line = at?.line ?? record;
  if (line === null) {
    const first = message.split("\n")[0] ?? message;
    return first.replace(/^[A-Za-z ]+Error: /, "");
  }
  const expected = message.match(/Expected Number of Columns: (\d+)(?: Found: (\d+))?/);
  const maxLine = message.match(/Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+)/);
  const unterminated = /Value with unterminated quote found/.test(message);
  // DuckDB also says "unterminated quote" for a quoted value longer than the row limit.
  const size = maxLine
    ? Number(maxLine[2])
    : unterminated && at && at.length > MAX_ROW_BYTES
      ? at.length
      : null;
  if (size !== null) {
    const limit = Number(maxLine?.[1] ?? MAX_ROW_BYTES).toLocaleString("en-US");
    if (at?.unclosedQuote)
      return `the quote opened on line ${line} is never closed, so the rest of the file (${mb(at.length)}) reads as one value, more than the ${limit} bytes a row can hold. Close that quote (a quote inside a quoted value is written twice: "")`;
    return `line ${line} starts a row of ${mb(Math.max(size, at?.length ?? 0))}, more than the ${limit} bytes a row can hold. Shorten or split its long values (or remove the stray quote that joins many lines into one value), or import the data as Parquet or JSON`;
  }
  if (unterminated)
    return `line ${line} has a quote that is never closed, or text after a closing quote. Close the quote, and write a quote inside a quoted value twice ("")`;
  if (expected) {
    const found = expected[2] ? ` (it has ${expected[2]})` : "";
    return `line ${line} does not have the ${expected[1]} columns of the header${found}. Quote the values that contain the delimiter, or fix the row`;
  }
  if (/Invalid unicode \(byte sequence mismatch\)/.test(message))
    return `line ${line} is not valid UTF-8. Pick the file's encoding (e.g. Latin-1) in the import options, or save the file as UTF-8`;
  return `line ${line} is not valid CSV`;
}
