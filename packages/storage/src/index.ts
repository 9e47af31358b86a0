// Where dataset files live: a local folder or an Azure Blob container, behind one interface.
export { createBlobStorage } from "./blob/create-blob-storage.ts";
export { createDatasetStorage } from "./create-dataset-storage.ts";
export { datasetVersionPrefix, mlTrainingPrefix, uploadPrefix } from "./dataset-paths.ts";
export { InvalidStorageKeyError, StorageLimitError, StorageNotFoundError } from "./errors.ts";
// Counts (and limits) bytes on their way in: also where a caller counts before a stream forks.
export { ByteCounter } from "./internal/byte-counter.ts";
export { normalizePrefix, validateKey } from "./keys.ts";
export { createLocalStorage } from "./local/create-local-storage.ts";
export {
  blobCacheDir,
  localStorageRoot,
  locate,
  type StorageView,
  sampleCacheDir,
} from "./locations.ts";
export type { DatasetStorage, PutStreamOptions, ReadLease, StagedWrite, StoredObject } from "./types.ts";
