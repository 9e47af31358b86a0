import "server-only";
import { CompileError, convertRecipeToSql } from "@sous/compiler";
import { AppError, DatasetSchemaSchema, type Recipe } from "@sous/contracts";
import { ctx } from "../context.ts";
import { recipeDto } from "./dto.ts";

/**
 * "Convert to code" (one-way, as in DSS): replaces a visual recipe with the SQL code recipe whose
 * SparkSQL is its compiled Spark query reading the inputs by dataset name. Same id, same inputs
 * and outputs; the revision is bumped; a stale `revision` is a 409 like any recipe update.
 */
export async function convertRecipeToSqlInPlace(
  projectId: string,
  recipeId: string,
  revision: number,
): Promise<Recipe> {
  const { db } = ctx();
  const current = await db.recipe.findFirst({ where: { id: recipeId, projectId }, include: { io: true } });
  if (!current) throw new AppError("not_found", "Recipe not found.");
  const dto = recipeDto(current);
  if (dto.revision !== revision) {
    throw new AppError(
      "conflict",
      `This recipe was changed by someone else (now revision ${dto.revision}, you converted ${revision}). Reload it and convert again.`,
    );
  }
  const datasets = await db.dataset.findMany({ where: { projectId, id: { in: dto.inputs } } });
  const byId = new Map(datasets.map((d) => [d.id, d]));
  const inputs = dto.inputs.map((id) => byId.get(id)).filter((d) => d !== undefined);
  const unbuilt = inputs.filter((d) => d.schema === null).map((d) => d.name);
  if (unbuilt.length)
    throw new AppError("conflict", `Build ${unbuilt.join(", ")} first: its schema is not known yet.`);
  let spec: ReturnType<typeof convertRecipeToSql>;
  try {
    spec = convertRecipeToSql({
      spec: dto.spec,
      inputs: inputs.map((d) => ({ name: d.name, schema: DatasetSchemaSchema.parse(d.schema) })),
    });
  } catch (e) {
    if (e instanceof CompileError) {
      throw new AppError("compile_error", e.message, { details: { code: e.code, path: e.path ?? [] } });
    }
    throw e;
  }
  // Optimistic concurrency: applies only to the revision that was converted.
  const r = await db.recipe.updateMany({
    where: { id: recipeId, projectId, revision },
    data: { spec, kind: spec.kind, revision: { increment: 1 } },
  });
  if (r.count === 0) {
    throw new AppError(
      "conflict",
      "This recipe was changed while it was being converted. Reload it and convert again.",
    );
  }
  const updated = await db.recipe.findFirst({ where: { id: recipeId, projectId }, include: { io: true } });
  if (!updated) throw new AppError("not_found", "Recipe not found.");
  return recipeDto(updated);
}
