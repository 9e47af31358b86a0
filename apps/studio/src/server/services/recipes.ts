import "server-only";
import { AppError, newId, type Recipe, type RecipeSpec } from "@sous/contracts";
import { isUniqueViolation } from "@sous/db";
import { ctx } from "../context.ts";
import { compileForDisplay } from "./compile-for-display.ts";
import { recipeDto } from "./dto.ts";

async function findRecipe(projectId: string, recipeId: string) {
  const r = await ctx().db.recipe.findFirst({ where: { id: recipeId, projectId }, include: { io: true } });
  if (!r) throw new AppError("not_found", "Recipe not found.");
  return r;
}

export async function listRecipes(projectId: string): Promise<Recipe[]> {
  const rows = await ctx().db.recipe.findMany({
    where: { projectId },
    include: { io: true },
    orderBy: { name: "asc" },
  });
  return rows.map(recipeDto);
}

export async function getRecipe(projectId: string, recipeId: string): Promise<Recipe> {
  return recipeDto(await findRecipe(projectId, recipeId));
}

/** Compiles against the inputs' schemas so a recipe naming unknown columns is refused when saved. */
async function checkCompiles(projectId: string, inputIds: string[], spec: RecipeSpec): Promise<void> {
  const inputs = await ctx().db.dataset.findMany({ where: { projectId, id: { in: inputIds } } });
  const byId = new Map(inputs.map((d) => [d.id, d]));
  const missing = inputIds.filter((id) => !byId.has(id));
  if (missing.length)
    throw new AppError("invalid_input", `inputs: no dataset ${missing.join(", ")} in this project.`);
  const ordered = inputIds.map((id) => byId.get(id)!);
  if (ordered.some((d) => d.schema === null)) return; // not built yet: checked again when it runs
  compileForDisplay({ spec, inputs: ordered, dialect: "duckdb" });
}

type OutputRef = { datasetId: string } | { name: string };

/** How many datasets a spec writes: one, except a split (one per rule/value list/ratio, then the other rows). */
export function outputCountOf(spec: RecipeSpec): number {
  if (spec.kind !== "split") return 1;
  const p = spec.params;
  const n = p.mode === "random" ? p.ratios.length : p.outputs.length;
  return n + (p.otherRows === false ? 0 : 1);
}

export async function createRecipe(
  projectId: string,
  input: {
    name: string;
    inputs: string[];
    output?: OutputRef | undefined;
    outputs?: OutputRef[] | undefined;
    spec: RecipeSpec;
  },
): Promise<Recipe> {
  const { db } = ctx();
  const outputs = input.outputs ?? (input.output ? [input.output] : []);
  const expected = outputCountOf(input.spec);
  if (outputs.length !== expected) {
    throw new AppError(
      "invalid_input",
      input.spec.kind === "split"
        ? `outputs: this split writes ${expected} datasets (one per output${input.spec.params.otherRows === false ? "" : ", then the other rows"}); ${outputs.length} given.`
        : `outputs: a ${input.spec.kind} recipe writes one dataset; ${outputs.length} given.`,
    );
  }
  const names = outputs.flatMap((o) => ("name" in o ? [o.name] : []));
  const dupName = names.find((n, i) => names.indexOf(n) !== i);
  if (dupName) throw new AppError("invalid_input", `outputs: ${dupName} is named twice.`);
  await checkCompiles(projectId, input.inputs, input.spec);
  try {
    const id = await db.$transaction(async (tx) => {
      const outputIds: string[] = [];
      for (const o of outputs) {
        let outputId: string;
        if ("datasetId" in o) {
          const out = await tx.dataset.findFirst({
            where: { id: o.datasetId, projectId },
            include: { recipeLinks: true },
          });
          if (!out) throw new AppError("invalid_input", "output.datasetId: no such dataset in this project.");
          if (out.recipeLinks.some((l) => l.role === "OUTPUT")) {
            throw new AppError("conflict", `Dataset ${out.name} is already written by another recipe.`);
          }
          outputId = out.id;
        } else {
          outputId = (await tx.dataset.create({ data: { id: newId(), projectId, name: o.name } })).id;
        }
        if (input.inputs.includes(outputId))
          throw new AppError("invalid_input", "A recipe cannot write one of its inputs.");
        if (outputIds.includes(outputId))
          throw new AppError("invalid_input", "outputs: the same dataset is given twice.");
        outputIds.push(outputId);
      }
      const r = await tx.recipe.create({
        data: {
          projectId,
          name: input.name,
          kind: input.spec.kind,
          spec: input.spec,
          io: {
            create: [
              ...input.inputs.map((datasetId, position) => ({ datasetId, role: "INPUT" as const, position })),
              ...outputIds.map((datasetId, position) => ({ datasetId, role: "OUTPUT" as const, position })),
            ],
          },
        },
      });
      return r.id;
    });
    return getRecipe(projectId, id);
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError("conflict", "A recipe or dataset with this name already exists in the project.");
    throw e;
  }
}

export async function updateRecipe(
  projectId: string,
  recipeId: string,
  input: { revision: number; name?: string; spec?: RecipeSpec },
): Promise<Recipe> {
  const current = await findRecipe(projectId, recipeId);
  if (input.spec) {
    const written = current.io.filter((x) => x.role === "OUTPUT").length;
    const expected = outputCountOf(input.spec);
    if (written !== expected) {
      throw new AppError(
        "invalid_input",
        `This recipe writes ${written} dataset${written === 1 ? "" : "s"}; the new settings would write ${expected}. Keep the number of outputs (and the other-rows choice) as it is, or create a new recipe.`,
      );
    }
    const inputs = current.io.filter((x) => x.role === "INPUT").sort((a, b) => a.position - b.position);
    await checkCompiles(
      projectId,
      inputs.map((x) => x.datasetId),
      input.spec,
    );
  }
  // Optimistic concurrency: the update applies only to the revision the caller edited.
  const r = await ctx().db.recipe.updateMany({
    where: { id: recipeId, projectId, revision: input.revision },
    data: {
      ...(input.name ? { name: input.name } : {}),
      ...(input.spec ? { spec: input.spec, kind: input.spec.kind } : {}),
      revision: { increment: 1 },
    },
  });
  if (r.count === 0) {
    throw new AppError(
      "conflict",
      `This recipe was changed by someone else (now revision ${current.revision}, you edited ${input.revision}). Reload it and apply your change again.`,
    );
  }
  return getRecipe(projectId, recipeId);
}

export async function deleteRecipe(projectId: string, recipeId: string): Promise<void> {
  const r = await ctx().db.recipe.deleteMany({ where: { id: recipeId, projectId } });
  if (r.count === 0) throw new AppError("not_found", "Recipe not found.");
}

export async function compileRecipeForApi(projectId: string, recipeId: string, dialect: "spark" | "duckdb") {
  const r = await findRecipe(projectId, recipeId);
  const dto = recipeDto(r);
  const inputs = await ctx().db.dataset.findMany({ where: { projectId, id: { in: dto.inputs } } });
  const byId = new Map(inputs.map((d) => [d.id, d]));
  const ordered = dto.inputs.map((id) => byId.get(id)).filter((d) => d !== undefined);
  const unbuilt = ordered.filter((d) => d.schema === null).map((d) => d.name);
  if (unbuilt.length)
    throw new AppError("conflict", `Build ${unbuilt.join(", ")} first: its schema is not known yet.`);
  return compileForDisplay({ spec: dto.spec, inputs: ordered, dialect });
}
