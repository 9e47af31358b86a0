import { SNIFF_SAMPLE_ROWS } from "./csv-sniff.ts";

/** The sniffer reads the first MiB of a file (csv-sniff.ts): a head holds at least that. */
const MIN_BYTES = 1024 * 1024;
/** Lines past the sniffer's sample rows: a header and skipped title lines. */
const SPARE_LINES = 100;
/** The most of a file's start held in memory to read its dialect and types from. */
export const STREAM_HEAD_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Collects the start of a file as it arrives until it holds what the sniffer and the reader's
 * type inference look at (the first MiB and 20,480 rows), then gives it cut after the last
 * newline outside quotes, so DuckDB reads the same dialect and types from it as from the whole
 * file, with every byte seen so far (`seen`, the head and what follows it). `add` returns null
 * until then. Lines so long that 20,480 of them pass STREAM_HEAD_MAX_BYTES get a head of the rows
 * that fit (a later value that contradicts a type read from it sends the import back to the
 * stored file); `failed` is set when there is no line end to cut at.
 */
export class StreamHead {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private lines = 0;
  private done = false;
  failed = false;

  add(chunk: Buffer): { head: Buffer; seen: Buffer } | null {
    if (this.done) return null;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) this.lines++;
    const enough = this.bytes >= MIN_BYTES && this.lines >= SNIFF_SAMPLE_ROWS + SPARE_LINES;
    if (!enough && this.bytes < STREAM_HEAD_MAX_BYTES) return null;
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    const cut = cutAfterLine(all);
    this.done = true;
    if (cut <= 0) {
      this.failed = true;
      return null;
    }
    return { head: all.subarray(0, cut), seen: all };
  }
}

/** After the last newline outside `"` quotes (an even count of them before it); 0 when there is none. */
function cutAfterLine(buf: Buffer): number {
  let quotes = 0;
  let last = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x22) quotes++;
    else if (b === 0x0a && quotes % 2 === 0) last = i + 1;
  }
  return last;
}
