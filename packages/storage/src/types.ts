import type { Readable } from "node:stream";

export interface StoredObject {
  /** Full key, relative to the storage root / container. */
  key: string;
  bytes: number;
}

export interface StagedWrite {
  /** Local directory to write the version's files into (any depth; relative paths become keys). */
  dir: string;
  /** Makes every file under `dir` durable under the prefix. */
  commit(): Promise<{ files: number; bytes: number }>;
  /**
   * Removes everything this write produced: the local dir and anything stored under the prefix,
   * also after a successful `commit()` (e.g. when publishing the version failed afterwards).
   */
  abort(): Promise<void>;
}

/** Files under a prefix in a local directory, safe from cache eviction until `release()`. */
export interface ReadLease {
  dir: string;
  /** Idempotent; never rejects (so it is safe in a `finally`). */
  release(): Promise<void>;
}

export interface PutStreamOptions {
  /** Reject with StorageLimitError (and keep nothing) once the body exceeds this many bytes. */
  maxBytes?: number;
  /**
   * false: not flushed to disk (local storage skips the fsyncs), for a scratch object deleted right
   * after it is read, such as an upload being imported: a crash loses nothing anyone keeps, and a
   * large file is not written out to disk once more while the import runs. Default true.
   */
  durable?: boolean;
}

export interface DatasetStorage {
  readonly kind: "local" | "azure-blob";
  /**
   * A local directory holding the files under `prefix`, ready for DuckDB to read, kept there
   * until `release()`. Call `release()` in a `finally` once the last read of those files is over
   * (the query, the copy), also on errors and cancels.
   * Local: the folder itself, and `release()` does nothing. Blob: downloaded into a local cache
   * dir keyed by prefix (versions are immutable, so a cached prefix is reused; size cap with LRU
   * eviction, which skips folders leased by this or any other process sharing the cache dir).
   * `deletePrefix` removes the files even while they are leased.
   * Rejects with StorageNotFoundError when nothing is stored under `prefix`.
   */
  acquire(prefix: string): Promise<ReadLease>;
  /**
   * Start writing files under `prefix` (which must hold nothing yet). Returns a local directory
   * to write into; `commit()` makes them durable, `abort()` removes everything written.
   */
  stage(prefix: string): Promise<StagedWrite>;
  /** Streams `body` to `key` without buffering it whole; replaces an existing object atomically. */
  putStream(
    key: string,
    body: NodeJS.ReadableStream | Readable,
    opts?: PutStreamOptions,
  ): Promise<{ bytes: number }>;
  /** Rejects with StorageNotFoundError when `key` does not exist. */
  getStream(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Every object under `prefix`, sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Deletes every object under `prefix`; returns how many were deleted. */
  deletePrefix(prefix: string): Promise<number>;
}
