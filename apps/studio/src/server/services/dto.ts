import "server-only";
import {
  type DatasetInfo,
  DatasetSchemaSchema,
  type Job,
  type Recipe,
  RecipeSpecSchema,
} from "@sous/contracts";
import type {
  DatasetModel,
  DatasetVersionModel,
  JobActivityModel,
  JobModel,
  RecipeIoModel,
  RecipeModel,
} from "@sous/db";

// Row -> API shape. Stored JSON is parsed on the way out too: a row that no longer matches its
// schema is a bug we want to see, not a shape we pass on.

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const num = (n: bigint | null) => (n === null ? null : Number(n));

export function datasetDto(d: DatasetModel & { currentVersion: DatasetVersionModel | null }): DatasetInfo {
  const v = d.currentVersion;
  return {
    id: d.id,
    projectId: d.projectId,
    name: d.name,
    description: d.description,
    schema: d.schema === null ? null : DatasetSchemaSchema.parse(d.schema),
    currentVersion: v
      ? {
          id: v.id,
          number: v.number,
          rowCount: num(v.rowCount),
          bytes: num(v.bytes),
          createdAt: v.createdAt.toISOString(),
        }
      : null,
    createdAt: d.createdAt.toISOString(),
  };
}

export function recipeDto(r: RecipeModel & { io: RecipeIoModel[] }): Recipe {
  const byRole = (role: "INPUT" | "OUTPUT") =>
    r.io
      .filter((x) => x.role === role)
      .sort((a, b) => a.position - b.position)
      .map((x) => x.datasetId);
  return {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    kind: r.kind,
    spec: RecipeSpecSchema.parse(r.spec),
    inputs: byRole("INPUT"),
    outputs: byRole("OUTPUT"),
    revision: r.revision,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function jobDto(j: JobModel & { activities: JobActivityModel[] }): Job {
  return {
    id: j.id,
    projectId: j.projectId,
    state: j.state,
    mode: j.mode,
    targets: j.targets as string[],
    activities: [...j.activities]
      .sort((a, b) => a.position - b.position)
      .map((a) => ({
        id: a.id,
        recipeId: a.recipeId,
        outputDatasetId: a.outputDatasetId,
        engine: a.engine,
        state: a.state,
        sparkSql: a.sparkSql,
        duckdbSql: a.duckdbSql,
        rowsWritten: num(a.rowsWritten),
        error: a.error,
        startedAt: iso(a.startedAt),
        finishedAt: iso(a.finishedAt),
      })),
    errorCode: j.errorCode,
    error: j.error,
    queuedAt: j.queuedAt.toISOString(),
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
  };
}
