import { mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { StorageLimitError, StorageNotFoundError } from "../errors.ts";
import { ByteCounter, checkMaxBytes } from "../internal/byte-counter.ts";
import { mapLimit } from "../internal/map-limit.ts";
import { walkFiles } from "../internal/walk-files.ts";
import { normalizePrefix, validateKey } from "../keys.ts";
import type { DatasetStorage, ReadLease, StagedWrite, StoredObject } from "../types.ts";
import { isNotFound } from "./blob-errors.ts";
import { PrefixCache } from "./prefix-cache.ts";

export interface BlobStorageOptions {
  connectionString: string;
  container: string;
  /** Local folder for the read cache of prefixes and staged writes (DuckDB cannot read blobs directly). */
  cacheDir: string;
  /** Cap on the read cache; least recently used unleased prefixes are evicted past it. Default 10 GiB. */
  cacheMaxBytes?: number;
}

const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 ** 3;
// Block size for file uploads (uploadFile reads the file in slices; nothing is held whole).
const BLOCK_BYTES = 4 * 1024 * 1024;
// putStream holds up to STREAM_BUFFERS blocks of STREAM_BLOCK_BYTES (plus the HTTP layer's
// copies: 12-16 MiB measured in all) whatever the body size; smaller blocks would mean more
// requests for large uploads.
const STREAM_BLOCK_BYTES = 2 * 1024 * 1024;
const STREAM_BUFFERS = 4;
// Few files at a time: each file upload/download is itself parallel over blocks.
const FILE_CONCURRENCY = 4;
const DELETE_CONCURRENCY = 16;

/**
 * Dataset files in an Azure Blob container (the one Databricks mounts). Keys are blob names.
 * Reads for DuckDB go through a local cache of whole prefixes; writes are staged locally and
 * uploaded on commit.
 */
export function createBlobStorage(opts: BlobStorageOptions): DatasetStorage {
  const container = BlobServiceClient.fromConnectionString(opts.connectionString).getContainerClient(
    opts.container,
  );
  const cache = new PrefixCache(resolve(opts.cacheDir), opts.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES);

  // Created lazily (the factory is synchronous) and once; a failure is retried by the next call.
  let ready: Promise<unknown> | undefined;
  const client = async (): Promise<ContainerClient> => {
    ready ??= container.createIfNotExists().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    await ready;
    return container;
  };

  const list = async (prefix: string): Promise<StoredObject[]> => {
    const normalized = normalizePrefix(prefix);
    const c = await client();
    const out: StoredObject[] = [];
    for await (const blob of c.listBlobsFlat({ prefix: normalized })) {
      out.push({ key: blob.name, bytes: blob.properties.contentLength ?? 0 });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };

  const deletePrefix = async (prefix: string): Promise<number> => {
    const normalized = normalizePrefix(prefix);
    const c = await client();
    const blobs = await list(normalized);
    const deleted = await mapLimit(
      blobs,
      DELETE_CONCURRENCY,
      async (b) => (await c.getBlobClient(b.key).deleteIfExists()).succeeded,
    );
    await cache.invalidate(normalized);
    return deleted.filter(Boolean).length;
  };

  const hasAny = async (prefix: string): Promise<boolean> => {
    const c = await client();
    const page = await c.listBlobsFlat({ prefix }).byPage({ maxPageSize: 1 }).next();
    return !page.done && page.value.segment.blobItems.length > 0;
  };

  const download = async (prefix: string, dir: string): Promise<void> => {
    const c = await client();
    const blobs = await list(prefix);
    // Hadoop-style folder markers ("a/b/") carry no data and cannot be files.
    const files = blobs.filter((b) => !b.key.endsWith("/"));
    if (files.length === 0) throw new StorageNotFoundError(prefix);
    await mapLimit(files, FILE_CONCURRENCY, async (b) => {
      // Blob names come from outside too (Databricks writes to the container): validate them
      // before they become local paths.
      const rel = validateKey(b.key.slice(prefix.length));
      const target = join(dir, rel);
      await mkdir(dirname(target), { recursive: true });
      await c.getBlobClient(b.key).downloadToFile(target);
    });
  };

  const acquire = async (prefix: string): Promise<ReadLease> => {
    const normalized = normalizePrefix(prefix);
    return cache.acquire(normalized, (dir) => download(normalized, dir));
  };

  return {
    kind: "azure-blob",

    acquire,

    async stage(prefix) {
      const normalized = normalizePrefix(prefix);
      // abort() deletes the whole prefix: refusing a non-empty one keeps it from deleting
      // anything this write did not put there.
      if (await hasAny(normalized)) {
        throw new Error(`cannot stage ${JSON.stringify(normalized)}: blobs already exist under it`);
      }
      return blobStagedWrite(normalized, await cache.tempDir(), {
        client,
        deletePrefix,
        adopt: (dir) => cache.adopt(normalized, dir),
      });
    },

    async putStream(key, body, putOpts) {
      validateKey(key);
      const maxBytes = checkMaxBytes(putOpts?.maxBytes);
      const c = await client();
      const counter = new ByteCounter(maxBytes);
      // pipeline() forwards errors both ways: a failing source fails the upload, and hitting
      // the limit destroys the source so we stop reading it.
      const feeding = pipeline(body, counter).catch(() => undefined);
      try {
        // Blocks are only committed at the very end, so a failed upload leaves no blob.
        await c.getBlockBlobClient(key).uploadStream(counter, STREAM_BLOCK_BYTES, STREAM_BUFFERS);
      } catch (error) {
        counter.destroy();
        await feeding;
        if (counter.exceeded) throw new StorageLimitError(maxBytes ?? 0);
        throw error;
      }
      await feeding;
      return { bytes: counter.bytes };
    },

    async getStream(key) {
      validateKey(key);
      const c = await client();
      try {
        const response = await c.getBlobClient(key).download();
        const body = response.readableStreamBody;
        if (!body) throw new Error(`blob ${key} returned no body`);
        return body instanceof Readable ? body : new Readable().wrap(body);
      } catch (error) {
        if (isNotFound(error)) throw new StorageNotFoundError(key);
        throw error;
      }
    },

    async exists(key) {
      validateKey(key);
      const c = await client();
      return c.getBlobClient(key).exists();
    },

    list,
    deletePrefix,
  };
}

function blobStagedWrite(
  prefix: string,
  dir: string,
  deps: {
    client: () => Promise<ContainerClient>;
    deletePrefix: (prefix: string) => Promise<number>;
    adopt: (dir: string) => Promise<void>;
  },
): StagedWrite {
  let committing: Promise<{ files: number; bytes: number }> | undefined;

  const upload = async (): Promise<{ files: number; bytes: number }> => {
    const files = await walkFiles(dir);
    for (const file of files) validateKey(file.rel);
    const c = await deps.client();
    await mapLimit(files, FILE_CONCURRENCY, (f) =>
      c.getBlockBlobClient(prefix + f.rel).uploadFile(f.abs, { blockSize: BLOCK_BYTES, concurrency: 2 }),
    );
    const result = { files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
    // The files are already local and versions are immutable: keep them as the cached copy,
    // since the next step (profiling, a downstream recipe) usually reads them right back.
    await deps.adopt(dir).catch(() => rm(dir, { recursive: true, force: true }));
    return result;
  };

  return {
    dir,
    commit() {
      committing ??= upload();
      return committing;
    },
    async abort() {
      // Let an in-flight commit settle first, or its last uploads could land after our delete.
      await committing?.catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await deps.deletePrefix(prefix);
    },
  };
}
