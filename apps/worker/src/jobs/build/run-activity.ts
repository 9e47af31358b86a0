import { compileRecipe, renderWriteParquet } from "@sous/compiler";
import { AppError, type DatasetSchema, DatasetSchemaSchema, newId, RecipeSpecSchema } from "@sous/contracts";
import type { JobActivityModel } from "@sous/db";
import { datasetVersionPrefix } from "@sous/storage";
import type { WorkerContext } from "../../context.ts";
import { jobLog } from "./job-log.ts";

/**
 * Runs one recipe on DuckDB and publishes its output as a new dataset version: the files are
 * written under a fresh version prefix, then one transaction registers the version and moves the
 * dataset's pointer. Until then readers keep seeing the previous version; on failure the files go.
 */
export async function runActivity(
  ctx: WorkerContext,
  activity: JobActivityModel,
  signal?: AbortSignal,
): Promise<number> {
  const { db, storage, engine } = ctx;
  const recipe = await db.recipe.findUnique({ where: { id: activity.recipeId }, include: { io: true } });
  if (!recipe) throw new AppError("not_found", "The recipe was deleted before the job ran.");
  const parsed = RecipeSpecSchema.safeParse(recipe.spec);
  if (!parsed.success)
    throw new AppError(
      "invalid_input",
      `Recipe ${recipe.name} is invalid: ${parsed.error.issues[0]?.message}`,
    );

  const inputIds = recipe.io.filter((x) => x.role === "INPUT").sort((a, b) => a.position - b.position);
  const inputs: { name: string; schema: DatasetSchema; dir: string }[] = [];
  for (const link of inputIds) {
    const d = await db.dataset.findUnique({
      where: { id: link.datasetId },
      include: { currentVersion: true },
    });
    if (!d?.currentVersion)
      throw new AppError(
        "conflict",
        `Input dataset ${d?.name ?? link.datasetId} has no data yet. Build it first.`,
      );
    inputs.push({
      name: d.name,
      schema: DatasetSchemaSchema.parse(d.currentVersion.schema),
      dir: await storage.materialize(d.currentVersion.prefix),
    });
  }

  const compileFor = (dialect: "spark" | "duckdb", path: (i: (typeof inputs)[number]) => string) =>
    compileRecipe({
      spec: parsed.data,
      dialect,
      inputs: inputs.map((i) => ({
        name: i.name,
        schema: i.schema,
        location: { format: "parquet", path: path(i) },
      })),
    });
  // The Spark text is stored for the user to read; on this engine it reads the same relative layout.
  const spark = compileFor("spark", (i) => `dbfs:/mnt/sous/${i.dir.split("/storage/").pop() ?? i.dir}`);
  const duck = compileFor("duckdb", (i) => i.dir);
  if (duck.blocking)
    throw new AppError(
      "compile_error",
      `Step ${duck.blocking.stepId} cannot run locally: ${duck.blocking.reason}`,
    );

  const versionId = newId();
  const prefix = datasetVersionPrefix({
    projectId: recipe.projectId,
    datasetId: activity.outputDatasetId,
    versionId,
  });
  const staged = await storage.stage(prefix);
  const writeSql = renderWriteParquet({ selectSql: duck.sql, path: staged.dir, dialect: "duckdb" });
  await db.jobActivity.update({
    where: { id: activity.id },
    data: { sparkSql: spark.blocking ? null : spark.sql, duckdbSql: writeSql },
  });
  try {
    await jobLog(db, activity.jobId, "info", `Running ${recipe.name} (${recipe.kind}) on DuckDB`);
    const t0 = performance.now();
    const rows = await engine.runWrite(writeSql, signal);
    const { schema } = await engine.describeParquet(staged.dir);
    const { bytes } = await staged.commit();
    await db.$transaction(async (tx) => {
      const last = await tx.datasetVersion.findFirst({
        where: { datasetId: activity.outputDatasetId },
        orderBy: { number: "desc" },
        select: { number: true },
      });
      await tx.datasetVersion.create({
        data: {
          id: versionId,
          datasetId: activity.outputDatasetId,
          number: (last?.number ?? 0) + 1,
          prefix,
          status: "PUBLISHED",
          schema,
          rowCount: BigInt(rows),
          bytes: BigInt(bytes),
          jobId: activity.jobId,
        },
      });
      await tx.dataset.update({
        where: { id: activity.outputDatasetId },
        data: { currentVersionId: versionId, schema },
      });
    });
    await jobLog(
      db,
      activity.jobId,
      "info",
      `Wrote ${rows} rows in ${Math.round(performance.now() - t0)} ms`,
    );
    return rows;
  } catch (e) {
    await staged.abort();
    throw e;
  }
}
