import { execFile } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { rm } from "node:fs/promises";
import net from "node:net";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";

// A named pipe (FIFO) lets DuckDB read a file while it is still arriving: the reader opens the
// path as any file and sees the bytes a writer puts in, then EOF when the writer closes.

/** Creates a FIFO at `file`; false when the platform cannot (the caller reads a complete file instead). */
export async function makeFifo(file: string): Promise<boolean> {
  return promisify(execFile)("mkfifo", ["-m", "600", file]).then(
    () => true,
    () => false,
  );
}

/**
 * Writes `body` into the FIFO once its reader has opened it, then closes it (the reader's EOF).
 * The writer is opened non-blocking (ENXIO until a reader is there), so a reader that fails before
 * opening (`readerDone` resolved) never leaves a thread blocked in open(). A body that fails still
 * closes the pipe: a reader blocked on it sees EOF, and the error is thrown here.
 */
export async function feedFifo(
  file: string,
  body: Readable,
  readerDone: () => boolean,
  signal?: AbortSignal,
): Promise<void> {
  let fd: number | undefined;
  while (fd === undefined) {
    if (readerDone()) return;
    try {
      fd = openSync(file, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENXIO") throw e;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  let socket: net.Socket;
  try {
    // libuv writes a pipe fd with backpressure and without blocking a thread.
    socket = new net.Socket({ fd, readable: false, writable: true });
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  await pipeline(body, socket, ...(signal ? [{ signal }] : []));
}

export async function removeFifo(file: string): Promise<void> {
  await rm(file, { force: true });
}
