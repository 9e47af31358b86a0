import { Transform, type TransformCallback } from "node:stream";
import { StorageLimitError } from "../errors.ts";

/**
 * Pass-through that counts bytes and fails with StorageLimitError as soon as the count passes
 * `maxBytes`, so an oversized upload stops early instead of after the whole body arrived.
 */
export class ByteCounter extends Transform {
  bytes = 0;
  exceeded = false;

  constructor(private readonly maxBytes: number = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: unknown, encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding);
    this.bytes += buf.length;
    if (this.bytes > this.maxBytes) {
      this.exceeded = true;
      callback(new StorageLimitError(this.maxBytes));
      return;
    }
    callback(null, buf);
  }
}

export function checkMaxBytes(maxBytes: number | undefined): number | undefined {
  if (maxBytes === undefined) return undefined;
  if (!Number.isFinite(maxBytes) || maxBytes < 0)
    throw new RangeError(`maxBytes must be >= 0, got ${maxBytes}`);
  return maxBytes;
}
