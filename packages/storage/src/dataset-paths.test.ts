import { describe, expect, it } from "vitest";
import { datasetVersionPrefix, uploadPrefix } from "./dataset-paths.ts";
import { InvalidStorageKeyError } from "./errors.ts";
import { normalizePrefix } from "./keys.ts";

describe("datasetVersionPrefix", () => {
  it("derives the version folder from ids", () => {
    expect(datasetVersionPrefix({ projectId: "p_1", datasetId: "ds-2", versionId: "V3" })).toBe(
      "projects/p_1/datasets/ds-2/versions/V3/",
    );
  });

  it("produces a prefix that passes prefix validation unchanged", () => {
    const prefix = datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v" });
    expect(normalizePrefix(prefix)).toBe(prefix);
  });

  it.each([
    ["empty", ""],
    ["a slash", "a/b"],
    ["a dot-dot", ".."],
    ["a dot", "a.b"],
    ["a space", "my dataset"],
    ["a backslash", "a\\b"],
    ["a non-ASCII letter", "café"],
    ["65 characters", "x".repeat(65)],
  ])("rejects an id with %s", (_, bad) => {
    expect(() => datasetVersionPrefix({ projectId: bad, datasetId: "d", versionId: "v" })).toThrow(
      InvalidStorageKeyError,
    );
    expect(() => datasetVersionPrefix({ projectId: "p", datasetId: bad, versionId: "v" })).toThrow(
      InvalidStorageKeyError,
    );
    expect(() => datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: bad })).toThrow(
      InvalidStorageKeyError,
    );
    expect(() => uploadPrefix({ projectId: "p", uploadId: bad })).toThrow(InvalidStorageKeyError);
  });

  it("accepts 64-character ids (e.g. cuid, uuid, hex digests)", () => {
    const id = "a".repeat(64);
    expect(datasetVersionPrefix({ projectId: id, datasetId: id, versionId: id })).toContain(id);
  });
});

describe("uploadPrefix", () => {
  it("derives the upload folder from ids", () => {
    expect(uploadPrefix({ projectId: "p1", uploadId: "0f8c2e7a-1111-4a4a-9b9b-123456789abc" })).toBe(
      "projects/p1/uploads/0f8c2e7a-1111-4a4a-9b9b-123456789abc/",
    );
  });
});
