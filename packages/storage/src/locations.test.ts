import path from "node:path";
import { describe, expect, it } from "vitest";
import { datasetVersionPrefix } from "./dataset-paths.ts";
import { InvalidStorageKeyError } from "./errors.ts";
import { blobCacheDir, localStorageRoot, locate, sampleCacheDir } from "./locations.ts";

const prefix = datasetVersionPrefix({ projectId: "p1", datasetId: "d2", versionId: "v3" });

describe("data directory layout", () => {
  it("puts local storage, the Blob cache and the sample cache under the data dir", () => {
    expect(localStorageRoot("/data")).toBe(path.join("/data", "storage"));
    expect(blobCacheDir("/data")).toBe(path.join("/data", "cache"));
    expect(sampleCacheDir("/data", "v3")).toBe(path.join("/data", "cache", "samples", "v3"));
  });

  it.each(["", "..", "a/b", "../../etc"])("refuses a sample cache for version id %j", (bad) => {
    expect(() => sampleCacheDir("/data", bad)).toThrow(InvalidStorageKeyError);
  });
});

describe("locate", () => {
  it("names a version folder as a local path under the storage root", () => {
    expect(locate({ kind: "local", root: localStorageRoot("/data") }, prefix)).toBe(
      path.join("/data", "storage", "projects", "p1", "datasets", "d2", "versions", "v3"),
    );
  });

  it("names it as a Blob URL inside the container", () => {
    expect(locate({ kind: "blob", containerUrl: "https://acct.blob.core.windows.net/sous/" }, prefix)).toBe(
      "https://acct.blob.core.windows.net/sous/projects/p1/datasets/d2/versions/v3",
    );
  });

  it("names it as the cluster sees the mounted container", () => {
    expect(locate({ kind: "mount", clusterPrefix: "dbfs:/mnt/sous" }, prefix)).toBe(
      "dbfs:/mnt/sous/projects/p1/datasets/d2/versions/v3",
    );
    expect(locate({ kind: "mount", clusterPrefix: "/Volumes/c/s/v/", blobPrefix: "projects/" }, prefix)).toBe(
      "/Volumes/c/s/v/p1/datasets/d2/versions/v3",
    );
    expect(locate({ kind: "mount", clusterPrefix: "dbfs:/mnt/x", blobPrefix: "projects" }, "projects")).toBe(
      "dbfs:/mnt/x",
    );
    expect(() =>
      locate({ kind: "mount", clusterPrefix: "dbfs:/mnt/x", blobPrefix: "other" }, prefix),
    ).toThrow(/outside the mounted folder other/);
  });

  // The worker used to derive the cluster path from the folder DuckDB reads, cutting at
  // "/storage/": a Blob version's folder is a cache folder with no such segment, which became
  // dbfs:/mnt/sous//abs/.../cache/prefixes/<sha>/data. A key is the only thing to locate.
  it("refuses a local folder (such as a Blob cache folder) in place of a key", () => {
    const blobCacheFolder = path.join(blobCacheDir("/abs/data"), "prefixes", "ab12", "data");
    expect(() => locate({ kind: "mount", clusterPrefix: "dbfs:/mnt/sous" }, blobCacheFolder)).toThrow(
      InvalidStorageKeyError,
    );
  });

  it.each(["", "/", "a//b", "../x", "projects/../x"])("refuses the malformed key %j", (bad) => {
    expect(() => locate({ kind: "local", root: "/data/storage" }, bad)).toThrow(InvalidStorageKeyError);
  });
});
