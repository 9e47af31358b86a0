import path from "node:path";
import { InvalidStorageKeyError } from "./errors.ts";
import { validateKey } from "./keys.ts";

// Where things are, asked here instead of rebuilt by string at each caller: the layout of the
// data directory (local storage root, Blob cache, sample cache) and how each engine names the
// files under a storage key (DuckDB: a local path; Azure: a Blob URL; Databricks: a mount path).

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The local storage backend's root: key `a/b` is the file `<dataDir>/storage/a/b`. */
export function localStorageRoot(dataDir: string): string {
  return path.join(dataDir, "storage");
}

/** The Blob backend's local folder: downloaded versions and staged writes (`<dataDir>/cache`). */
export function blobCacheDir(dataDir: string): string {
  return path.join(dataDir, "cache");
}

/**
 * Where the samples and stats cached for one dataset version live: `<dataDir>/cache/samples/<v>`.
 * Local to each process' data dir; removed with the version.
 */
export function sampleCacheDir(dataDir: string, versionId: string): string {
  if (!ID.test(versionId)) throw new InvalidStorageKeyError(versionId, `versionId must match ${ID}`);
  return path.join(blobCacheDir(dataDir), "samples", versionId);
}

/**
 * How an engine names what is stored under a key:
 * - `local`: the local storage backend's root folder (DuckDB reads the files in place);
 * - `blob`: an Azure Blob container's URL, e.g. `https://acct.blob.core.windows.net/sous`;
 * - `mount`: what a Databricks cluster sees of the container (`dbfs:/mnt/sous`, `abfss://...`,
 *   `/Volumes/c/s/v`), mounted at `blobPrefix` inside it ("" or absent: the container's root).
 */
export type StorageView =
  | { kind: "local"; root: string }
  | { kind: "blob"; containerUrl: string }
  | { kind: "mount"; clusterPrefix: string; blobPrefix?: string };

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, "");

/**
 * The location of a storage key or prefix (`projects/p/datasets/d/versions/v/`) as `view` names
 * it, without a trailing slash. Works from the key, never from a local folder a backend handed
 * out (a Blob version is read from a cache folder that says nothing of where it is stored).
 */
export function locate(view: StorageView, keyOrPrefix: string): string {
  const key = validateKey(keyOrPrefix.endsWith("/") ? keyOrPrefix.slice(0, -1) : keyOrPrefix);
  switch (view.kind) {
    case "local":
      return path.join(view.root, ...key.split("/"));
    case "blob":
      return `${view.containerUrl.replace(/\/+$/, "")}/${key.split("/").map(encodeURIComponent).join("/")}`;
    case "mount": {
      const under = trimSlashes(view.blobPrefix ?? "");
      if (under !== "" && key !== under && !key.startsWith(`${under}/`)) {
        throw new InvalidStorageKeyError(key, `outside the mounted folder ${under}`);
      }
      const rest = under === "" ? key : trimSlashes(key.slice(under.length));
      const base = view.clusterPrefix.replace(/\/+$/, "");
      return rest === "" ? base : `${base}/${rest}`;
    }
  }
}
