import "server-only";
import { CompileError, convertRecipeToSql } from "@sous/compiler";
import { AppError, type Recipe } from "@sous/contracts";
import { ctx } from "../context.ts";
import { recipeDto } from "./dto.ts";
import { requireKnownSchemas, resolveInputs } from "./flow-schemas.ts";

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
  // Unbuilt inputs convert too: the SQL needs only their schemas, which their recipes infer.
  const inputs = requireKnownSchemas(await resolveInputs(projectId, dto.inputs));
  let spec: ReturnType<typeof convertRecipeToSql>;
  try {
    spec = convertRecipeToSql({
      spec: dto.spec,
      inputs: inputs.map((d) => ({ name: d.name, schema: d.schema })),
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
