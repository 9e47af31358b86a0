import { randomUUID } from "node:crypto";
import { type FileHandle, open, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
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
 */
export class CsvSegmentFiles {
  private readonly ready: string[] = [];
  private readonly written: Set<string> = new Set();
  private stopped = false;
  private ended = false;
  private error: Error | null = null;
  /** The reader waiting for a file, or the writer waiting for room: woken on any change. */
  private wake: (() => void) | null = null;
  private readonly writing: Promise<void>;

  constructor(
    body: Readable,
    dialect: SegmenterDialect,
    opts: { dir: string; segmentBytes: number; maxPending: number },
  ) {
    this.writing = this.write(body, new CsvSegmenter(dialect, opts.segmentBytes), opts).then(
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

  /** The next finished segment file (the caller removes it once read), or null after the last one. Throws the body's error. */
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

  /** Drops what is left; resolves once the body is read to its end (or failed) and no segment file remains. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.writing;
    await Promise.all([...this.written].map((f) => rm(f, { force: true })));
  }

  /** The reader is done with a file it was given. */
  async remove(file: string): Promise<void> {
    this.written.delete(file);
    await rm(file, { force: true });
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
            this.written.add(file);
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
    while (this.ready.length >= maxPending && !this.stopped) {
      await new Promise<void>((r) => {
        this.wake = r;
      });
    }
    if (!this.stopped) this.ready.push(file);
    this.poke();
  }
}
