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

/** A record boundary: record `record` starts on `line`, `offset` characters into the file. */
interface RecordStart {
  record: number;
  line: number;
  offset: number;
}

/**
 * Walks a CSV file as a stream (quotes honoured, also doubled or escaped ones), yielding where
 * each record after the first starts; returns whether a quote is still open at the end and the
 * file's length in characters. One scanner for both lookups below.
 */
async function* recordStarts(
  file: string,
  csv: Pick<CsvOptions, "quote" | "escape" | "encoding">,
): AsyncGenerator<RecordStart, { unclosedQuote: boolean; length: number }> {
  const quote = csv.quote;
  const esc = csv.escape && csv.escape !== csv.quote ? csv.escape : "";
  let decoder: ReturnType<typeof decoderFor> | undefined;
  let line = 1;
  let record = 1;
  let inQuotes = false;
  let escaped = false;
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
            record++;
            yield { record, line, offset: offset + nl + 1 };
            i = nl + 1;
          } else i = text.length;
        }
      }
      offset += text.length;
    }
  } finally {
    stream.destroy();
  }
  return { unclosedQuote: inQuotes, length: offset };
}

/**
 * Where the `record`-th record of a CSV file starts, as a line number a user finds in an editor.
 * DuckDB's "CSV Error on Line: N" counts records from the start of the file (skipped lines, the
 * header and blank lines included), so a value with newlines inside quotes shifts every later
 * line it names. Stops at the end of that record; null when the file has fewer records.
 */
export async function locateCsvRecord(
  file: string,
  record: number,
  csv: Pick<CsvOptions, "quote" | "escape" | "encoding">,
): Promise<CsvRecordLocation | null> {
  let start: RecordStart | undefined = record === 1 ? { record: 1, line: 1, offset: 0 } : undefined;
  const starts = recordStarts(file, csv);
  for (;;) {
    const step = await starts.next();
    if (step.done) {
      if (!start) return null;
      return {
        line: start.line,
        unclosedQuote: step.value.unclosedQuote,
        length: step.value.length - start.offset,
      };
    }
    if (step.value.record > record && start) {
      await starts.return({ unclosedQuote: false, length: 0 });
      // The record ends before the newline that starts the next one.
      return { line: start.line, unclosedQuote: false, length: step.value.offset - 1 - start.offset };
    }
    if (step.value.record === record) start = step.value;
  }
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
  let next = 0; // index in `wanted` of the next record to find
  const take = (at: { record: number; line: number }) => {
    while (next < wanted.length && (wanted[next] as number) <= at.record) {
      if (wanted[next] === at.record) found.set(at.record, at.line);
      next++;
    }
  };
  take({ record: 1, line: 1 });
  if (next < wanted.length)
    for await (const at of recordStarts(file, csv)) {
      take(at);
      if (next >= wanted.length) break;
    }
  return records.map((r) => found.get(r) ?? r);
}
