/**
 * Cuts a CSV arriving in chunks into segments that each end at a record boundary (a newline
 * outside quotes), so every segment can be read on its own by DuckDB's parallel reader while the
 * next one arrives. Pure: it only says where the bytes go; the caller writes the files.
 *
 * Quote state is carried across chunks. With escape equal to quote (`""` inside quotes) the state
 * is the parity of quote characters, as DuckDB's reader sees it; with another escape (`\`), an
 * escape inside quotes takes the next byte literally, even when that byte starts the next chunk.
 * A CRLF line end is cut after its LF, so the CR stays with its record.
 */
export interface SegmenterDialect {
  /** One byte, or "" for none. */
  quote: string;
  /** One byte, or "" for none; the same as `quote` for doubled quotes. */
  escape: string;
  /** Records at the start of the file (skipped lines and the header) every segment starts with. */
  preambleRecords: number;
}

/** A piece of the current segment; `last` when it ends that segment (the next piece starts another). */
export interface SegmentPiece {
  bytes: Buffer;
  last: boolean;
}

const NEWLINE = 0x0a;

function byteOf(s: string, what: string): number {
  if (s === "") return -1;
  const b = Buffer.from(s);
  // A multi-byte quote would need a different scan; read.csv never sniffs one.
  if (b.length !== 1) throw new Error(`The ${what} must be one byte to cut a CSV into segments.`);
  return b[0] as number;
}

export class CsvSegmenter {
  private readonly quote: number;
  private readonly escape: number;
  private inQuotes = false;
  /** An escape inside quotes came last in what was scanned: the next byte is literal (it may start the next chunk). */
  private skipNext = false;
  /** Bytes of the current segment before this chunk, its preamble not counted. */
  private size = 0;
  private preambleLeft: number;
  private readonly preambleParts: Buffer[] = [];
  private preambleBytes: Buffer | null = null;
  /** The next escape in `escapeChunk` at or after the last search (-1: none): quotes may be many, escapes few. */
  private escapeChunk: Buffer | null = null;
  private escapeAt = -1;

  constructor(
    dialect: SegmenterDialect,
    /** A segment is cut at the first record boundary once it holds at least this many bytes. */
    private readonly segmentBytes: number,
  ) {
    this.quote = byteOf(dialect.quote, "quote");
    this.escape = dialect.escape === dialect.quote ? -1 : byteOf(dialect.escape, "escape");
    this.preambleLeft = dialect.preambleRecords;
    if (this.preambleLeft === 0) this.preambleBytes = Buffer.alloc(0);
  }

  /**
   * The file's first records (skipped lines and header) as they arrived, to write at the start of
   * every segment after the first so each reads with the same read_csv arguments; null until they
   * have all arrived.
   */
  get preamble(): Buffer | null {
    return this.preambleBytes;
  }

  /** Splits a chunk into pieces of the current segment, in order; every byte of `chunk` is in one piece. */
  push(chunk: Buffer): SegmentPiece[] {
    const pieces: SegmentPiece[] = [];
    let i = 0;
    while (this.preambleLeft > 0 && i < chunk.length) {
      const end = this.scan(chunk, i, chunk.length, true);
      const to = end < 0 ? chunk.length : end;
      this.preambleParts.push(Buffer.from(chunk.subarray(i, to)));
      i = to;
      if (end >= 0 && --this.preambleLeft === 0) {
        this.preambleBytes = Buffer.concat(this.preambleParts);
        this.preambleParts.length = 0;
      }
    }
    let start = 0;
    // Where the current segment's counted bytes start in this chunk (after the preamble, or a cut).
    let from = i;
    while (i < chunk.length) {
      const full = from + Math.max(0, this.segmentBytes - this.size);
      if (full >= chunk.length) {
        this.scan(chunk, i, chunk.length, false);
        break;
      }
      // Bytes before the segment is full only need their quote state followed.
      this.scan(chunk, i, full, false);
      const end = this.scan(chunk, full, chunk.length, true);
      if (end < 0) break; // the segment goes on into the next chunk
      pieces.push({ bytes: chunk.subarray(start, end), last: true });
      this.size = 0;
      start = end;
      from = end;
      i = end;
    }
    if (start < chunk.length) pieces.push({ bytes: chunk.subarray(start), last: false });
    this.size += chunk.length - from;
    return pieces;
  }

  /**
   * Follows the quote state over chunk[from, to). With `findEnd`, stops just past the first
   * newline outside quotes and returns that offset; -1 when there is none before `to`.
   */
  private scan(chunk: Buffer, from: number, to: number, findEnd: boolean): number {
    let i = from;
    while (i < to) {
      if (this.skipNext) {
        this.skipNext = false;
        i++;
        continue;
      }
      if (this.inQuotes) {
        const q = this.nextInQuotes(chunk, i, to);
        if (q < 0) return -1;
        // A closing quote, or an escape whose next byte (here or in the next chunk) is literal.
        if (chunk[q] === this.quote) this.inQuotes = false;
        else this.skipNext = true;
        i = q + 1;
        continue;
      }
      const q = this.quote < 0 ? -1 : before(chunk.indexOf(this.quote, i), to);
      if (findEnd) {
        const nl = before(chunk.indexOf(NEWLINE, i), q < 0 ? to : q);
        if (nl >= 0) return nl + 1;
      }
      if (q < 0) return -1;
      this.inQuotes = true;
      i = q + 1;
    }
    return -1;
  }

  /** The first quote (or escape) in chunk[from, to); -1 when there is none. */
  private nextInQuotes(chunk: Buffer, from: number, to: number): number {
    const q = before(chunk.indexOf(this.quote, from), to);
    if (this.escape < 0) return q;
    if (this.escapeChunk !== chunk || (this.escapeAt >= 0 && this.escapeAt < from)) {
      this.escapeChunk = chunk;
      this.escapeAt = chunk.indexOf(this.escape, from);
    }
    const e = before(this.escapeAt, to);
    if (q < 0) return e;
    if (e < 0) return q;
    return Math.min(q, e);
  }
}

/** `at` when it lies before `to`, else -1. */
function before(at: number, to: number): number {
  return at >= 0 && at < to ? at : -1;
}
