import { createBlobStorage } from "./blob/create-blob-storage.ts";
import { createLocalStorage } from "./local/create-local-storage.ts";
import { blobCacheDir, localStorageRoot } from "./locations.ts";
import type { DatasetStorage } from "./types.ts";

/**
 * The storage an installation is configured with. Everything local lives under `dataDir`
 * (files in `storage/`, the Blob download cache in `cache/`), the one folder DuckDB may touch.
 */
export function createDatasetStorage(opts: {
  kind: "local" | "azure-blob";
  dataDir: string;
  connectionString?: string;
  container: string;
  /** Cap on the local cache of Blob versions (LRU by last access); the Blob storage's default when unset. */
  cacheMaxBytes?: number;
}): DatasetStorage {
  if (opts.kind === "azure-blob") {
    if (!opts.connectionString) throw new Error("Azure Blob storage needs a connection string");
    return createBlobStorage({
      connectionString: opts.connectionString,
      container: opts.container,
      cacheDir: blobCacheDir(opts.dataDir),
      cacheMaxBytes: opts.cacheMaxBytes,
    });
  }
  return createLocalStorage({ root: localStorageRoot(opts.dataDir) });
}
