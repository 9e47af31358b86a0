// Old versions of a built dataset are kept N deep (SOUS_DATASET_VERSIONS_KEPT) and then removed,
// rows and files, by the worker right after a build publishes a new version.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BuildQueue } from "@sous/queue";
import { sampleCacheDir } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerContext } from "../src/context.ts";
import {
  closeTestContext,
  copyFlow,
  createTestContext,
  hasServices,
  startTestWorkers,
  submitBuild,
  type TestWorkers,
  waitForJobRow,
} from "./fixture.ts";

describe.skipIf(!hasServices)("builds prune old versions", () => {
  let ctx: WorkerContext & { dataDir: string };
  let queue: BuildQueue;
  let workers: TestWorkers | undefined;
  const prefix = `sous-wprune-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    ctx = await createTestContext("prune");
    workers = startTestWorkers(ctx, {
      prefix,
      concurrency: 1,
      build: { versionsKept: 2, cancelPollMs: 100 },
    });
    queue = workers.queue;
  });

  afterAll(async () => {
    await workers?.close();
    await closeTestContext(ctx);
  });

  it("keeps the newest 2 versions of the output after each build, and removes the files of the others", async () => {
    const { projectId, orders, outputId } = await copyFlow(ctx, "PR", 100);
    const builtVersions = () =>
      ctx.db.datasetVersion.findMany({
        where: { datasetId: outputId },
        orderBy: { number: "asc" },
        select: { id: true, number: true, prefix: true },
      });

    const seen: { id: string; prefix: string }[] = [];
    for (let i = 1; i <= 4; i++) {
      const { jobId } = await submitBuild(ctx.db, queue, projectId, [outputId], "build-only-this");
      expect((await waitForJobRow(ctx.db, jobId)).state).toBe("SUCCEEDED");
      const vs = await builtVersions();
      for (const v of vs) if (!seen.some((s) => s.id === v.id)) seen.push(v);
      // Versions 1..i were published; only the newest two remain.
      expect(vs.map((v) => v.number)).toEqual(i === 1 ? [1] : [i - 1, i]);
    }
    const current = await ctx.db.dataset.findUniqueOrThrow({ where: { id: outputId } });
    expect(current.currentVersionId).toBe(seen[3]!.id);
    expect(seen).toHaveLength(4);
    // The removed versions' files are gone; the kept ones are intact.
    for (const [i, v] of seen.entries())
      expect(await ctx.storage.list(v.prefix), `version ${i + 1}`).toHaveLength(i < 2 ? 0 : 1);
    // The source (an upload, not built) is not touched.
    expect(await ctx.db.datasetVersion.count({ where: { datasetId: orders } })).toBe(1);
  });

  it("also removes the sample cache of a removed version", async () => {
    const { projectId, outputId } = await copyFlow(ctx, "PS", 10);
    const build = async () => {
      const { jobId } = await submitBuild(ctx.db, queue, projectId, [outputId], "build-only-this");
      expect((await waitForJobRow(ctx.db, jobId)).state).toBe("SUCCEEDED");
    };
    await build();
    const first = await ctx.db.dataset.findUniqueOrThrow({ where: { id: outputId } });
    const sampleDir = sampleCacheDir(ctx.dataDir, first.currentVersionId!);
    mkdirSync(sampleDir, { recursive: true });
    writeFileSync(path.join(sampleDir, "sample.parquet"), "x");
    await build();
    await build();
    expect(await ctx.db.datasetVersion.count({ where: { id: first.currentVersionId! } })).toBe(0);
    expect(() => writeFileSync(path.join(sampleDir, "probe"), "")).toThrow(/ENOENT/);
  });
});
