import { createReadStream } from "node:fs";
import type { CsvOptions } from "@sous/contracts";

export interface CsvRecordLocation {
  /** The line the record starts on, 1-based, counting every newline (also those inside quotes). */
  line: number;
  /** A quote opened in the record is still open at the end of the file. */
  unclosedQuote: boolean;
  /** Characters from the start of the record to its end (or to the end of the file). */
  length: number;
}

function decoderFor(encoding: CsvOptions["encoding"], first: Buffer) {
  if (encoding === "latin-1") return new TextDecoder("latin1");
  if (encoding === "utf-16")
    return new TextDecoder(first[0] === 0xfe && first[1] === 0xff ? "utf-16be" : "utf-16le");
  return new TextDecoder("utf-8");
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Where the `record`-th record of a CSV file starts, as a line number a user finds in an editor.
 * DuckDB's "CSV Error on Line: N" counts records from the start of the file (skipped lines, the
 * header and blank lines included), so a value with newlines inside quotes shifts every later
 * line it names. Reads the file as a stream (quotes honoured, also doubled or escaped ones) and
 * stops at the end of that record; null when the file has fewer records.
 */
export async function locateCsvRecord(
  file: string,
  record: number,
  csv: Pick<CsvOptions, "quote" | "escape" | "encoding">,
): Promise<CsvRecordLocation | null> {
  const quote = csv.quote;
  const esc = csv.escape && csv.escape !== csv.quote ? csv.escape : "";
  let decoder: ReturnType<typeof decoderFor> | undefined;
  let line = 1;
  let rec = 1;
  let inQuotes = false;
  let escaped = false;
  let start = record === 1 ? 1 : 0;
  let startOffset = 0;
  let offset = 0; // characters before the current chunk
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      decoder ??= decoderFor(csv.encoding, chunk);
      const text = decoder.decode(chunk, { stream: true });
      let i = 0;
      while (i < text.length) {
        if (escaped) {
          if (text[i] === "\n") line++;
          escaped = false;
          i++;
        } else if (inQuotes) {
          // Jump to the next quote (or escape character), counting the newlines on the way.
          let next = text.indexOf(quote, i);
          if (esc) {
            const e = text.indexOf(esc, i);
            if (e !== -1 && (next === -1 || e < next)) next = e;
          }
          const end = next === -1 ? text.length : next;
          line += countNewlines(text, i, end);
          if (next === -1) i = text.length;
          else {
            if (esc && text[next] === esc) escaped = true;
            else inQuotes = false; // a doubled quote closes and reopens: the same state
            i = next + 1;
          }
        } else {
          const nl = text.indexOf("\n", i);
          const q = quote ? text.indexOf(quote, i) : -1;
          if (q !== -1 && (nl === -1 || q < nl)) {
            inQuotes = true;
            i = q + 1;
          } else if (nl !== -1) {
            line++;
            rec++;
            if (rec > record) return { line: start, unclosedQuote: false, length: offset + nl - startOffset };
            if (rec === record) {
              start = line;
              startOffset = offset + nl + 1;
            }
            i = nl + 1;
          } else i = text.length;
        }
      }
      offset += text.length;
    }
  } finally {
    stream.destroy();
  }
  return rec === record ? { line: start, unclosedQuote: inQuotes, length: offset - startOffset } : null;
}

/**
 * The lines (1-based, as an editor counts them) that records start on, for DuckDB's rejected
 * records ("line" in its reject table counts records, so a quoted newline before shifts it).
 * One pass over the file, stopping after the last record asked for; a record past the end of the
 * file keeps its own number.
 */
export async function csvRecordLines(
  file: string,
  records: number[],
  csv: Pick<CsvOptions, "quote" | "escape" | "encoding">,
): Promise<number[]> {
  const wanted = [...new Set(records)].sort((a, b) => a - b);
  const found = new Map<number, number>();
  if (wanted.length === 0) return [];
  const quote = csv.quote;
  const esc = csv.escape && csv.escape !== csv.quote ? csv.escape : "";
  let decoder: ReturnType<typeof decoderFor> | undefined;
  let line = 1;
  let rec = 1;
  let next = 0; // index in `wanted` of the next record to find
  let inQuotes = false;
  let escaped = false;
  const take = () => {
    while (next < wanted.length && (wanted[next] as number) <= rec) {
      if (wanted[next] === rec) found.set(rec, line);
      next++;
    }
  };
  take();
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  try {
    outer: for await (const chunk of stream as AsyncIterable<Buffer>) {
      decoder ??= decoderFor(csv.encoding, chunk);
      const text = decoder.decode(chunk, { stream: true });
      let i = 0;
      while (i < text.length) {
        if (next >= wanted.length) break outer;
        if (escaped) {
          if (text[i] === "\n") line++;
          escaped = false;
          i++;
        } else if (inQuotes) {
          let q = text.indexOf(quote, i);
          if (esc) {
            const e = text.indexOf(esc, i);
            if (e !== -1 && (q === -1 || e < q)) q = e;
          }
          const end = q === -1 ? text.length : q;
          line += countNewlines(text, i, end);
          if (q === -1) i = text.length;
          else {
            if (esc && text[q] === esc) escaped = true;
            else inQuotes = false;
            i = q + 1;
          }
        } else {
          const nl = text.indexOf("\n", i);
          const q = quote ? text.indexOf(quote, i) : -1;
          if (q !== -1 && (nl === -1 || q < nl)) {
            inQuotes = true;
            i = q + 1;
          } else if (nl !== -1) {
            line++;
            rec++;
            take();
            i = nl + 1;
          } else i = text.length;
        }
      }
    }
  } finally {
    stream.destroy();
  }
  return records.map((r) => found.get(r) ?? r);
}
