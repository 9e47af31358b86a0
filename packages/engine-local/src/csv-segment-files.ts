import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvSegmenter, type SegmenterDialect } from "./csv-segmenter.ts";

/** Written to disk in batches of about this size: fewer calls than one per network chunk. */
const WRITE_BYTES = 1024 * 1024;
/** ...or of this many pieces (small network chunks), well under the system's limit for one writev. */
const WRITE_PIECES = 256;

/**
 * The body of a CSV upload as segment files in `dir`, handed out in order with `next()` while the
 * rest arrives: each one a standalone CSV (the file's skipped lines and header first), cut at a
 * record boundary (see CsvSegmenter). At most `maxPending` finished files wait for their reader,
 * so an upload faster than the reader waits instead of filling the disk. `stop()` ends the
 * writing: the rest of the body is read and dropped (its writer never stalls) and every segment
 * file still on disk is removed.
 *
 * With `keep`, the files hold the whole body until `stop()`: a reader done with one keeps it, and
 * one that gives up (`spoolTo`) gets the body written out as one file, without having stored the
 * upload a second time while it arrived.
 */
export class CsvSegmentFiles {
  private readonly ready: string[] = [];
  /** Every segment file on disk, in the body's order. */
  private readonly written: string[] = [];
  private stopped = false;
  /** The reader gave up (keep mode): the writer no longer waits for it. */
  private abandoned = false;
  private ended = false;
  private error: Error | null = null;
  /** The reader waiting for a file, or the writer waiting for room: woken on any change. */
  private wake: (() => void) | null = null;
  private readonly writing: Promise<void>;

  private readonly segmenter: CsvSegmenter;
  private readonly keep: boolean;

  constructor(
    body: Readable,
    dialect: SegmenterDialect,
    opts: { dir: string; segmentBytes: number; maxPending: number; keep?: boolean },
  ) {
    this.segmenter = new CsvSegmenter(dialect, opts.segmentBytes);
    this.keep = opts.keep ?? false;
    this.writing = this.write(body, this.segmenter, opts).then(
      () => {
        this.ended = true;
        this.poke();
      },
      (e: Error) => {
        this.error = e;
        this.poke();
      },
    );
  }

  /** The next finished segment file (the caller releases it once read), or null after the last one. Throws the body's error. */
  async next(): Promise<string | null> {
    for (;;) {
      if (this.error) throw this.error;
      const file = this.ready.shift();
      if (file !== undefined) {
        this.poke();
        return file;
      }
      if (this.ended || this.stopped) return null;
      await new Promise<void>((r) => {
        this.wake = r;
      });
    }
  }

  /**
   * Every finished segment file waiting (at least one, in order; the caller releases each once
   * read), or null after the last one. A reader slower than the upload reads what piled up in one
   * go. Throws the body's error.
   */
  async nextBatch(): Promise<string[] | null> {
    const first = await this.next();
    if (first === null) return null;
    const rest = this.ready.splice(0);
    if (rest.length) this.poke();
    return [first, ...rest];
  }

  /** Drops what is left; resolves once the body is read to its end (or failed) and no segment file remains. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.writing.catch(() => {});
    const files = this.written.splice(0);
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }

  /** The reader is done with a file it was given: removed, unless the files are kept. */
  async release(file: string): Promise<void> {
    if (this.keep) return;
    const at = this.written.indexOf(file);
    if (at >= 0) this.written.splice(at, 1);
    await rm(file, { force: true });
  }

  /**
   * Keep mode: the reader gives up. Once the rest of the body is written (without waiting for a
   * reader), the whole body, byte for byte, is moved into `target` (on the same file system): the
   * first segment renamed, the others appended without the preamble written at their start.
   * Throws the body's error (nothing is left at `target` then).
   */
  async spoolTo(target: string): Promise<void> {
    if (!this.keep) throw new Error("only kept segment files can be spooled");
    this.abandoned = true;
    this.poke();
    await this.writing;
    if (this.error) throw this.error;
    const files = this.written.splice(0);
    const skip = this.segmenter.preamble?.length ?? 0;
    try {
      if (files.length === 0) {
        await open(target, "w").then((fh) => fh.close());
        return;
      }
      await rename(files[0]!, target);
      for (const f of files.slice(1)) {
        await pipeline(createReadStream(f, { start: skip }), createWriteStream(target, { flags: "a" }));
        await rm(f, { force: true });
      }
    } catch (e) {
      await Promise.all([target, ...files].map((f) => rm(f, { force: true })));
      throw e;
    }
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async write(
    body: Readable,
    segmenter: CsvSegmenter,
    opts: { dir: string; segmentBytes: number; maxPending: number },
  ): Promise<void> {
    const id = randomUUID();
    let count = 0;
    let fh: FileHandle | null = null;
    let file = "";
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    const flush = async () => {
      if (!fh || bufferedBytes === 0) return;
      const data = buffered;
      buffered = [];
      bufferedBytes = 0;
      // One call for the pieces, without copying them into one buffer first.
      await fh.writev(data);
    };
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (this.stopped) continue;
        for (const piece of segmenter.push(chunk)) {
          if (!fh) {
            file = path.join(opts.dir, `.segment-${id}-${count}.csv`);
            this.written.push(file);
            fh = await open(file, "w");
            // Every segment after the first reads as a file of its own: the same lines before its rows.
            if (count > 0 && segmenter.preamble?.length) buffered.push(segmenter.preamble);
            bufferedBytes += count > 0 ? (segmenter.preamble?.length ?? 0) : 0;
            count++;
          }
          buffered.push(piece.bytes);
          bufferedBytes += piece.bytes.length;
          if (bufferedBytes >= WRITE_BYTES || buffered.length >= WRITE_PIECES || piece.last) await flush();
          if (piece.last) {
            await fh.close();
            fh = null;
            await this.finished(file, opts.maxPending);
          }
          if (this.stopped) break;
        }
      }
      if (fh && !this.stopped) {
        await flush();
        await fh.close();
        fh = null;
        await this.finished(file, opts.maxPending);
      }
    } finally {
      await fh?.close();
    }
  }

  /** Hands a finished file to the reader, once fewer than `maxPending` wait. */
  private async finished(file: string, maxPending: number): Promise<void> {
    while (this.ready.length >= maxPending && !this.stopped && !this.abandoned) {
      await new Promise<void>((r) => {
        this.wake = r;
      });
    }
    if (!this.stopped) this.ready.push(file);
    this.poke();
  }
}
