import "server-only";
import { type PassThrough, Transform, type TransformCallback } from "node:stream";
import { StreamHead } from "@sous/engine-local";

/**
 * Passes an upload's bytes on (to storage) unchanged and, once the start of the file holds what
 * the sniffer reads (see StreamHead), also into the stream `onHead` returns: the streamed import
 * reads the file while it arrives. The upload waits for the slower of the two; a stream that ends
 * early (the import gave up) is skipped from then on, and a failed upload fails that stream too.
 */
export class StreamTap extends Transform {
  private readonly head = new StreamHead();
  private out: PassThrough | null = null;

  constructor(private readonly onHead: (head: Buffer) => Promise<PassThrough | null>) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.push(chunk);
    if (this.out) {
      this.forward(chunk, cb);
      return;
    }
    const found = this.head.add(chunk);
    if (!found) {
      cb();
      return;
    }
    this.onHead(found.head).then(
      (out) => {
        this.out = out;
        if (out) this.forward(found.seen, cb);
        else cb();
      },
      () => cb(),
    );
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
    if (this.out && !this.out.destroyed) this.out.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    // An upload that stops before its end (too large, interrupted) must not read as a whole file.
    if (this.out && !this.out.writableEnded) this.out.destroy(err ?? new Error("The upload ended early."));
    cb(err);
  }
}
