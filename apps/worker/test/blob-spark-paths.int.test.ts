import { UNMOUNTED_CLUSTER_PREFIX } from "@sous/databricks";
import { blobCacheDir, createBlobStorage } from "@sous/storage";
import { type AzuriteHandle, startAzurite } from "@sous/storage/test/azurite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerContext } from "../src/context.ts";
import { runActivity } from "../src/jobs/build/run-activity.ts";
import { closeTestContext, copyFlow, createTestContext, hasServices, submitBuild } from "./fixture.ts";

// A local build on Blob storage reads its inputs from the Blob cache folder; the Spark SQL it
// records (what Databricks would run) must still name each input by its storage key. It used to
// cut the local folder at "/storage/", which a cache folder does not have: dbfs:/mnt/sous//abs/...
describe.skipIf(!hasServices)("a local build on Blob storage", () => {
  let azurite: AzuriteHandle;
  let ctx: WorkerContext & { dataDir: string };

  beforeAll(async () => {
    azurite = await startAzurite();
    const local = await createTestContext("blob-spark");
    ctx = {
      ...local,
      storage: createBlobStorage({
        connectionString: azurite.connectionString,
        container: "sous",
        cacheDir: blobCacheDir(local.dataDir),
      }),
    };
  });
  afterAll(async () => {
    await closeTestContext(ctx);
    await azurite?.stop();
  });

  it("records Spark SQL that reads the input by storage key, not by the cache folder", async () => {
    const { projectId, orders, outputId } = await copyFlow(ctx, "BS", 10);
    const { jobId } = await submitBuild(ctx.db, null, projectId, [outputId], "build-only-this");
    const [queued] = await ctx.db.jobActivity.findMany({ where: { jobId } });
    // RUNNING, as the job runner hands it over: publishing ends the activity (and records its
    // Spark SQL) in one statement that only moves a running one.
    const activity = await ctx.db.jobActivity.update({
      where: { id: queued!.id },
      data: { state: "RUNNING" },
    });
    expect(await runActivity(ctx, activity, {})).toEqual({ kind: "written", rows: 10 });

    const input = await ctx.db.dataset.findUniqueOrThrow({ where: { id: orders } });
    const row = await ctx.db.jobActivity.findUniqueOrThrow({ where: { id: activity.id } });
    // No Databricks connection for this project: the placeholder prefix, then the version's key.
    expect(row.sparkSql).toContain(
      `${UNMOUNTED_CLUSTER_PREFIX}/projects/${projectId}/datasets/${orders}/versions/${input.currentVersionId}`,
    );
    expect(row.sparkSql).not.toContain(ctx.dataDir);
  });
});
