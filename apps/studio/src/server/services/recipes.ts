import "server-only";
import { AppError, newId, type Recipe, type RecipeSpec } from "@sous/contracts";
import { isUniqueViolation } from "@sous/db";
import { loadScoringModel } from "@sous/server-domain";
import { ctx } from "../context.ts";
import { compileForDisplay, displayLocations } from "./compile-for-display.ts";
import { recipeDto } from "./dto.ts";
import { requireKnownSchemas, resolveInputs } from "./flow-schemas.ts";

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

/**
 * Compiles against the inputs' schemas so a recipe naming unknown columns (or making a duplicate
 * one) is refused when saved; an unbuilt input counts with the schema its recipe infers.
 */
async function checkCompiles(projectId: string, inputIds: string[], spec: RecipeSpec): Promise<void> {
  const inputs = await resolveInputs(projectId, inputIds);
  // Known only from data (after a SQL recipe, an unlisted pivot): checked again when it runs.
  if (inputs.some((d) => d.schema === null)) return;
  // A pivot without listed values reads them at build: checked here with one stand-in value.
  const unlisted = spec.kind === "pivot" && !spec.params.values?.length;
  // A score recipe compiles with its saved model's active version (a model with no portable form
  // compiles to its output schema: the worker scores it with scikit-learn).
  const scoringModel =
    spec.kind === "score" || spec.kind === "evaluate"
      ? await loadScoringModel(ctx().db, ctx().storage, projectId, spec.params.savedModelId)
      : undefined;
  compileForDisplay({
    spec,
    inputs,
    dialect: "duckdb",
    context: {
      ...(unlisted ? { pivotValues: [null] } : {}),
      ...(scoringModel ? { scoringModel } : {}),
    },
  });
}

type OutputRef = { datasetId: string } | { name: string };

/**
 * How many datasets a spec writes: one, except a split (one per rule/value list/ratio, then the
 * other rows) and an evaluation (the scored rows, then the metrics).
 */
function outputCountOf(spec: RecipeSpec): number {
  if (spec.kind === "evaluate") return 2;
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
        : input.spec.kind === "evaluate"
          ? `outputs: an evaluate recipe writes 2 datasets (the scored rows, then the metrics); ${outputs.length} given.`
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

/** 400 unless `outputs` fits `spec`: a split writes one dataset per output, any other recipe keeps its one. */
function checkNewOutputs(spec: RecipeSpec, outputs: OutputRef[], currentIds: string[]): void {
  if (spec.kind === "evaluate") {
    const same =
      outputs.length === currentIds.length &&
      outputs.every((o, i) => "datasetId" in o && o.datasetId === currentIds[i]);
    if (!same)
      throw new AppError(
        "invalid_input",
        `outputs: an evaluate recipe keeps its 2 datasets (${currentIds.join(", ")}); ${outputs.length} given that are not them.`,
      );
    return;
  }
  if (spec.kind !== "split") {
    const only = outputs.length === 1 ? outputs[0] : undefined;
    if (!only || !("datasetId" in only) || only.datasetId !== currentIds[0]) {
      throw new AppError(
        "invalid_input",
        `outputs: a ${spec.kind} recipe writes one dataset, its current one (${currentIds[0] ?? "none"}); ${outputs.length} given${outputs.length === 1 ? " that is not it" : ""}.`,
      );
    }
    return;
  }
  const expected = outputCountOf(spec);
  if (outputs.length !== expected) {
    throw new AppError(
      "invalid_input",
      `outputs: the new settings write ${expected} datasets (one per output${spec.params.otherRows === false ? "" : ", then the other rows"}); ${outputs.length} given.`,
    );
  }
  const ids = outputs.flatMap((o) => ("datasetId" in o ? [o.datasetId] : []));
  const foreign = ids.find((id) => !currentIds.includes(id));
  if (foreign) {
    throw new AppError(
      "invalid_input",
      `outputs: dataset ${foreign} is not an output of this recipe; give a new dataset by \`name\` instead.`,
    );
  }
  if (ids.some((id, i) => ids.indexOf(id) !== i))
    throw new AppError("invalid_input", "outputs: the same dataset is given twice.");
  const names = outputs.flatMap((o) => ("name" in o ? [o.name] : []));
  const dupName = names.find((n, i) => names.indexOf(n) !== i);
  if (dupName) throw new AppError("invalid_input", `outputs: ${dupName} is named twice.`);
}

/** 409 while a job is building this recipe (alone or merged into a pipeline): its outputs are being written. */
async function refuseWhileBuilding(projectId: string, recipeId: string, recipeName: string): Promise<void> {
  const active = await ctx().db.jobActivity.findFirst({
    where: {
      job: { projectId, state: { in: ["QUEUED", "RUNNING"] } },
      OR: [{ recipeId }, { recipeIds: { array_contains: [recipeId] } }],
    },
    select: { jobId: true },
  });
  if (active) {
    throw new AppError(
      "conflict",
      `Job ${active.jobId} is building ${recipeName}. Cancel the job or wait for it to end, then change its outputs.`,
    );
  }
}

export async function updateRecipe(
  projectId: string,
  recipeId: string,
  input: { revision: number; name?: string; spec?: RecipeSpec; outputs?: OutputRef[] | undefined },
): Promise<Recipe> {
  const { db } = ctx();
  const current = await findRecipe(projectId, recipeId);
  const currentIds = current.io
    .filter((x) => x.role === "OUTPUT")
    .sort((a, b) => a.position - b.position)
    .map((x) => x.datasetId);
  const spec = input.spec ?? recipeDto(current).spec;
  const outputs = input.outputs;
  if (outputs) {
    checkNewOutputs(spec, outputs, currentIds);
  } else if (input.spec) {
    const written = currentIds.length;
    const expected = outputCountOf(input.spec);
    if (written !== expected) {
      throw new AppError(
        "invalid_input",
        `This recipe writes ${written} dataset${written === 1 ? "" : "s"}; the new settings would write ${expected}. Give the new \`outputs\` list with the settings (a split only), or keep the number of outputs as it is.`,
      );
    }
  }
  if (input.spec) {
    const inputs = current.io.filter((x) => x.role === "INPUT").sort((a, b) => a.position - b.position);
    await checkCompiles(
      projectId,
      inputs.map((x) => x.datasetId),
      input.spec,
    );
  }
  const outputsChange =
    outputs !== undefined &&
    (outputs.length !== currentIds.length ||
      outputs.some((o, i) => !("datasetId" in o) || o.datasetId !== currentIds[i]));
  if (outputsChange) await refuseWhileBuilding(projectId, recipeId, current.name);
  try {
    await db.$transaction(async (tx) => {
      // Optimistic concurrency: the update applies only to the revision the caller edited.
      const r = await tx.recipe.updateMany({
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
      if (!outputs || !outputsChange) return;
      const outputIds: string[] = [];
      for (const o of outputs) {
        if ("datasetId" in o) {
          outputIds.push(o.datasetId);
          continue;
        }
        const taken = await tx.dataset.findFirst({
          where: { projectId, name: o.name },
          select: { id: true },
        });
        if (taken) throw new AppError("conflict", `A dataset named ${o.name} already exists in the project.`);
        outputIds.push((await tx.dataset.create({ data: { id: newId(), projectId, name: o.name } })).id);
      }
      // Outputs left out are only unlinked: like after deleting a recipe, their datasets keep their data.
      await tx.recipeIo.deleteMany({ where: { recipeId, role: "OUTPUT" } });
      await tx.recipeIo.createMany({
        data: outputIds.map((datasetId, position) => ({
          recipeId,
          datasetId,
          role: "OUTPUT" as const,
          position,
        })),
      });
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError("conflict", "A recipe or dataset with this name already exists in the project.");
    throw e;
  }
  return getRecipe(projectId, recipeId);
}

export async function deleteRecipe(projectId: string, recipeId: string): Promise<void> {
  const r = await ctx().db.recipe.deleteMany({ where: { id: recipeId, projectId } });
  if (r.count === 0) throw new AppError("not_found", "Recipe not found.");
}

export async function compileRecipeForApi(projectId: string, recipeId: string, dialect: "spark" | "duckdb") {
  const recipe = await findRecipe(projectId, recipeId);
  const dto = recipeDto(recipe);
  const inputs = requireKnownSchemas(await resolveInputs(projectId, dto.inputs));
  const locate = (await displayLocations({ projectId, recipeEngine: recipe.engine }))[dialect];
  const spec = dto.spec;
  const scoringModel =
    spec.kind === "score" || spec.kind === "evaluate"
      ? await loadScoringModel(ctx().db, ctx().storage, projectId, spec.params.savedModelId)
      : undefined;
  return compileForDisplay({
    spec,
    inputs,
    dialect,
    locate,
    ...(scoringModel ? { context: { scoringModel } } : {}),
  });
}
