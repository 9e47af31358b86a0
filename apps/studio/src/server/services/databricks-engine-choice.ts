import "server-only";
import {
  AppError,
  DatasetSchemaSchema,
  type EngineChoice,
  EngineChoiceSchema,
  RecipeSpecSchema,
} from "@sous/contracts";
import {
  connectionConfigSchema,
  connectionSecretContext,
  connectionSecretsSchema,
  DATABRICKS_CONNECTION_KIND,
  userTokenContext,
} from "@sous/databricks";
import { loadScoringModel } from "@sous/server-domain";
import { type NamedStep, nameSteps } from "../../ui/step-names.ts";
import { ctx } from "../context.ts";
import { compileForDisplay } from "./compile-for-display.ts";
import { secretBox } from "./databricks-secrets.ts";

const LOCAL: EngineChoice = { kind: "local" };

async function checkEngine(engine: EngineChoice): Promise<void> {
  if (engine.kind === "local") return;
  const profile = await ctx().db.computeProfile.findFirst({
    where: { id: engine.profileId, connectionId: engine.connectionId },
  });
  if (!profile)
    throw new AppError("invalid_input", "engine: no such Databricks connection and compute profile.");
}

const parse = (v: unknown): EngineChoice | null => (v === null ? null : EngineChoiceSchema.parse(v));

export async function getProjectEngine(projectId: string): Promise<{ engine: EngineChoice }> {
  const p = await ctx().db.project.findUnique({ where: { id: projectId }, select: { engine: true } });
  if (!p) throw new AppError("not_found", "Project not found.");
  return { engine: parse(p.engine) ?? LOCAL };
}

export async function setProjectEngine(
  projectId: string,
  engine: EngineChoice,
): Promise<{ engine: EngineChoice }> {
  await checkEngine(engine);
  await ctx().db.project.update({ where: { id: projectId }, data: { engine } });
  return { engine };
}

export async function getRecipeEngine(projectId: string, recipeId: string) {
  const r = await ctx().db.recipe.findFirst({ where: { id: recipeId, projectId }, select: { engine: true } });
  if (!r) throw new AppError("not_found", "Recipe not found.");
  const engine = parse(r.engine ?? null);
  return { engine, effective: engine ?? (await getProjectEngine(projectId)).engine };
}

/**
 * A recipe with a step SparkSQL cannot express must not be sent to Databricks: the error names
 * the step and offers the local engine.
 */
export async function setRecipeEngine(projectId: string, recipeId: string, engine: EngineChoice | null) {
  const recipe = await ctx().db.recipe.findFirst({
    where: { id: recipeId, projectId },
    include: { io: true },
  });
  if (!recipe) throw new AppError("not_found", "Recipe not found.");
  if (engine) await checkEngine(engine);
  const effective = engine ?? (await getProjectEngine(projectId)).engine;
  if (effective.kind === "databricks") await assertRunsOnSpark(recipe);
  if (engine) await ctx().db.recipe.update({ where: { id: recipeId }, data: { engine } });
  // A JSON column is cleared with SQL NULL (Prisma's DbNull marker is not exported by @sous/db).
  else await ctx().db.$executeRaw`UPDATE "Recipe" SET "engine" = NULL WHERE "id" = ${recipeId}`;
  return { engine, effective };
}

async function assertRunsOnSpark(recipe: {
  name: string;
  projectId: string;
  spec: unknown;
  io: { datasetId: string; role: string; position: number }[];
}) {
  const inputIds = recipe.io
    .filter((x) => x.role === "INPUT")
    .sort((a, b) => a.position - b.position)
    .map((x) => x.datasetId);
  const inputs = await ctx().db.dataset.findMany({ where: { id: { in: inputIds } } });
  const byId = new Map(inputs.map((d) => [d.id, d]));
  const ordered = inputIds.flatMap((id) => {
    const d = byId.get(id);
    return d && d.schema !== null && DatasetSchemaSchema.safeParse(d.schema).success ? [d] : [];
  });
  if (ordered.length !== inputIds.length) return; // inputs not built yet: the job checks again
  const spec = RecipeSpecSchema.parse(recipe.spec);
  // Scoring SQL is the same on both engines (what cannot compile fails on either, at build); a
  // model without a portable form scores with its runtime, which one engine only has.
  if (spec.kind === "score" || spec.kind === "evaluate") {
    // A missing model or version is the build's to report (it may be deployed by then).
    const model = await loadScoringModel(
      ctx().db,
      ctx().storage,
      recipe.projectId,
      spec.params.savedModelId,
    ).catch(() => null);
    if (model?.runtime?.engine === "scikit-learn")
      throw new AppError(
        "compile_error",
        `Recipe ${recipe.name} cannot run on Databricks: saved model ${model.savedModelName} (version ${model.versionNumber}) has no portable form and scores with scikit-learn, on the local engine only. Use the local engine for this recipe, or activate a version with a portable form (linear or tree models).`,
        { details: { stepId: "score", offer: LOCAL } },
      );
    return;
  }
  const compiled = compileForDisplay({
    spec,
    inputs: ordered,
    dialect: "spark",
  });
  if (compiled.blocking) {
    throw new AppError(
      "compile_error",
      `Recipe ${recipe.name} cannot run on Databricks: ${stepName(spec, compiled.blocking.stepId)} has no SparkSQL translation (${compiled.blocking.reason}). Use the local engine for this recipe.`,
      { details: { stepId: compiled.blocking.stepId, offer: LOCAL } },
    );
  }
}

/** A prepare step by its name and position ("Step 'Revenue' (#2)"), never its internal id. */
function stepName(spec: { kind: string; params: unknown }, stepId: string): string {
  const steps = spec.kind === "prepare" ? (spec.params as { steps?: NamedStep[] }).steps : undefined;
  const named = nameSteps(stepId, steps ?? [], () => undefined);
  return named === stepId ? `step ${stepId}` : named;
}

type TokenState = "ready" | "missing" | "unreadable";

function tokenStateOf(sealed: string | null, context: string, pick: (plain: string) => boolean): TokenState {
  if (!sealed) return "missing";
  try {
    return pick(secretBox().open(sealed, context)) ? "ready" : "missing";
  } catch {
    return "unreadable"; // sealed under another SOUS_SECRET_KEY
  }
}

/**
 * What a project member may pick as the engine: every Databricks connection with its compute
 * profiles, and whether a run would find a token (the service token, or the caller's own in
 * per-user mode). No secret, URL or storage detail leaves the server.
 */
export async function getEngineOptions(userId: string) {
  const [rows, mine] = await Promise.all([
    ctx().db.connection.findMany({
      where: { kind: DATABRICKS_CONNECTION_KIND },
      include: { profiles: { select: { id: true, name: true }, orderBy: { name: "asc" } } },
      orderBy: { name: "asc" },
    }),
    ctx().db.userConnectionSecret.findMany({ where: { userId } }),
  ]);
  const own = new Map(mine.map((m) => [m.connectionId, m.secret]));
  return {
    connections: rows.map((c) => {
      const { isolation } = connectionConfigSchema.parse(c.config);
      const tokenState =
        isolation === "per-user"
          ? tokenStateOf(own.get(c.id) ?? null, userTokenContext(c.id, userId), (t) => t.length > 0)
          : tokenStateOf(c.secret, connectionSecretContext(c.id), (plain) =>
              Boolean(connectionSecretsSchema.parse(JSON.parse(plain)).token),
            );
      return { id: c.id, name: c.name, isolation, tokenState, profiles: c.profiles };
    }),
  };
}
