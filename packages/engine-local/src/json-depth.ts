import { createReadStream } from "node:fs";
import { AppError } from "@sous/contracts";

/**
 * Deepest nesting of arrays and objects a JSON upload may have. DuckDB's JSON reader recurses once
 * per level on a native stack: 100,000 nested `[` (a 200 KB file) crash the process with SIGSEGV,
 * and nested objects do from about 10,000. Real data stays far below 1,000.
 */
export const MAX_JSON_DEPTH = 1000;

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

export interface TooDeep {
  /** 1-based line of the bracket that went past the limit. */
  line: number;
  /** 0-based byte offset of that bracket. */
  offset: number;
}

/**
 * Counts nesting over a byte stream fed in chunks, without parsing: brackets inside strings do not
 * count. It errs on the side of counting more, never less: closers never take the depth below 0,
 * and a raw newline (invalid inside a JSON string, and a record boundary in NDJSON) ends a string.
 * ASCII bytes never occur inside multi-byte UTF-8 sequences, so bytes can be scanned directly.
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private offset = 0;

  constructor(private readonly max: number = MAX_JSON_DEPTH) {}

  /** Scans the next chunk; returns where the nesting first went past the limit, or null. */
  feed(chunk: Uint8Array): TooDeep | null {
    let { depth, inString, escaped, line } = this;
    const max = this.max;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === NEWLINE) {
        line++;
        inString = false;
        escaped = false;
      } else if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
      } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
        if (++depth > max) return { line, offset: this.offset + i };
      } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
        if (depth > 0) depth--;
      } else if (b === QUOTE) inString = true;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.line = line;
    this.offset += chunk.length;
    return null;
  }
}

/** Where `text` first nests deeper than `max`, or null. */
export function findTooDeep(text: string | Uint8Array, max = MAX_JSON_DEPTH): TooDeep | null {
  return new JsonDepthScanner(max).feed(typeof text === "string" ? Buffer.from(text) : text);
}

/**
 * Refuses a JSON or NDJSON file that nests deeper than `max` levels, reading it as a stream before
 * any parser sees it. The AppError says where and what to change.
 */
export async function checkJsonDepth(file: string, max = MAX_JSON_DEPTH): Promise<void> {
  const scanner = new JsonDepthScanner(max);
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      const deep = scanner.feed(chunk as Buffer);
      if (deep) {
        const n = (x: number) => x.toLocaleString("en-US");
        throw new AppError(
          "invalid_input",
          `The JSON nests arrays and objects more than ${n(max)} levels deep (line ${n(deep.line)}, byte ${n(deep.offset + 1)}); Sous reads at most ${n(max)}. Flatten the data, or store the deep part as a string, and upload it again.`,
          { details: { maxDepth: max, line: deep.line, offset: deep.offset } },
        );
      }
    }
  } finally {
    stream.destroy();
  }
}
