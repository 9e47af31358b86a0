import "server-only";
import { type DatasetInfo, DatasetSchemaSchema, type Recipe, RecipeSpecSchema } from "@sous/contracts";
import type { DatasetModel, DatasetVersionModel, RecipeIoModel, RecipeModel } from "@sous/db";

// Row -> API shape. Stored JSON is parsed on the way out too: a row that no longer matches its
// schema is a bug we want to see, not a shape we pass on.

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
