import "server-only";
import { type PassThrough, Transform, type TransformCallback } from "node:stream";
import { StreamHead } from "@sous/engine-local";

/** Where an upload's bytes go once its start is known (see StreamTap). */
export interface TapRoute {
  /** Gets every byte of the file, from the first. */
  out: PassThrough;
  /** `out` is the only copy: nothing goes on to storage. */
  exclusive: boolean;
}

/**
 * Holds an upload's first bytes until the start of the file holds what the sniffer reads (see
 * StreamHead), then asks `onHead` where they go: into the stream it returns (the streamed import
 * reads the file while it arrives), and on to storage too unless that stream is the only copy
 * (`exclusive`). With no route (not a file the import can stream, too short, no line end in the
 * first 16 MiB), everything goes on to storage only. The upload waits for the slower reader; a
 * stream that ends early (the import gave up) is skipped from then on, and a failed upload fails
 * that stream too.
 */
export class StreamTap extends Transform {
  private readonly head = new StreamHead();
  /** What arrived before the route was known (at most STREAM_HEAD_MAX_BYTES). */
  private held: Buffer[] = [];
  private routed = false;
  private out: PassThrough | null = null;
  private exclusive = false;

  constructor(private readonly onHead: (head: Buffer) => Promise<TapRoute | null>) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.routed) {
      if (!this.exclusive) this.push(chunk);
      if (this.out) this.forward(chunk, cb);
      else cb();
      return;
    }
    this.held.push(chunk);
    const found = this.head.add(chunk);
    if (!found) {
      if (this.head.failed) this.route(null);
      cb();
      return;
    }
    this.onHead(found.head).then(
      (route) => {
        this.route(route);
        if (this.out) this.forward(found.seen, cb);
        else cb();
      },
      () => {
        this.route(null);
        cb();
      },
    );
  }

  private route(route: TapRoute | null): void {
    this.routed = true;
    this.out = route?.out ?? null;
    this.exclusive = route?.exclusive ?? false;
    if (!this.exclusive) for (const c of this.held) this.push(c);
    this.held = [];
  }

  private forward(chunk: Buffer, cb: TransformCallback): void {
    const out = this.out;
    if (!out || out.destroyed || out.writableEnded || out.write(chunk)) {
      cb();
      return;
    }
    const go = () => {
      out.off("drain", go);
      out.off("close", go);
      cb();
    };
    out.on("drain", go);
    out.on("close", go);
  }

  override _flush(cb: TransformCallback): void {
    // A file shorter than a head goes on to storage whole.
    if (!this.routed) this.route(null);
    if (this.out && !this.out.destroyed) this.out.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    // An upload that stops before its end (too large, interrupted) must not read as a whole file.
    if (this.out && !this.out.writableEnded) this.out.destroy(err ?? new Error("The upload ended early."));
    cb(err);
  }
}
