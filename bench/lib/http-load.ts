// bench/lib/http-load.ts: an HTTP load generator that runs in a worker thread, so the clients'
// own JSON and socket work does not share an event loop with the caller (and, on 2 cores, takes
// the other core from the server under test rather than its event loop).
//   - closed loop (rate unset): `clients` loops, each sends its next request when the previous one
//     answered: the most the server can do with that many requests in flight;
//   - open loop (rate set): requests are due at a fixed pace (rate per second over all clients),
//     each client takes the next due one when it is free, so at most `clients` are in flight.
//     A request that waited because every client was busy counts from when it was due, so a
//     server that falls behind shows it (no coordinated omission).
import { Worker } from "node:worker_threads";

export interface LoadOptions {
  port: number;
  path: string;
  headers: Record<string, string>;
  /** Request bodies, sent in turn. */
  bodies: string[];
  clients: number;
  seconds: number;
  /** Requests per second over all clients (open loop); unset: closed loop. */
  rate?: number;
}

export interface LoadResult {
  /** Milliseconds, one per request. */
  latencies: number[];
  errors: number;
  perSecond: number;
}

/** Runs one load phase in a worker thread. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // Plain JavaScript, without tsx's loader flags (a worker thread does not get tsx's hooks).
    const worker = new Worker(new URL("./http-load-worker.mjs", import.meta.url), {
      workerData: options,
      execArgv: [],
    });
    worker.once("message", (r: LoadResult) => resolve(r));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}
