import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createLocalStorage } from "@sous/storage";
import { afterAll, describe, expect, it } from "vitest";
import { storageUnderFolder } from "../src/folder-storage.ts";

describe("storageUnderFolder", () => {
  const root = mkdtempSync(path.join(tmpdir(), "sous-folder-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const base = createLocalStorage({ root });
  const lake = storageUnderFolder(base, "/lake/");

  it("stores and lists keys under the folder, relative to it", async () => {
    await lake.putStream("projects/p/a.txt", Readable.from(["hello"]));
    expect(await base.exists("lake/projects/p/a.txt")).toBe(true);
    expect(await lake.exists("projects/p/a.txt")).toBe(true);
    expect((await lake.list("projects/p")).map((o) => o.key)).toEqual(["projects/p/a.txt"]);
    const staged = await lake.stage("projects/p/v1/");
    writeFileSync(path.join(staged.dir, "part-0.parquet"), "x");
    await staged.commit();
    expect((await base.list("lake/projects/p/v1")).map((o) => o.key)).toEqual([
      "lake/projects/p/v1/part-0.parquet",
    ]);
    const lease = await lake.acquire("projects/p/v1/");
    expect(lease.dir).toBe(path.join(root, "lake/projects/p/v1"));
    await lease.release();
    expect(await lake.deletePrefix("projects/p")).toBe(2);
    expect(await base.list("lake")).toEqual([]);
  });

  it("is the storage itself for an empty folder", () => {
    expect(storageUnderFolder(base, "")).toBe(base);
  });
});
