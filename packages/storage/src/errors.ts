/** A body was larger than the `maxBytes` the caller allowed; nothing was kept. */
export class StorageLimitError extends Error {
  override readonly name = "StorageLimitError";
  constructor(
    readonly maxBytes: number,
    message = `body exceeds the limit of ${maxBytes} bytes`,
  ) {
    super(message);
  }
}

/** A key, prefix or id that could escape its place in storage (or is otherwise malformed). */
export class InvalidStorageKeyError extends Error {
  override readonly name = "InvalidStorageKeyError";
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`);
  }
}

/**
 * The key (or prefix) has nothing stored under it. Same class for every backend so callers
 * (e.g. a REST handler answering 404) need not know Node's ENOENT or Azure's RestError.
 */
export class StorageNotFoundError extends Error {
  override readonly name = "StorageNotFoundError";
  readonly code = "ENOENT";
  constructor(readonly key: string) {
    super(`nothing stored at ${JSON.stringify(key)}`);
  }
}
