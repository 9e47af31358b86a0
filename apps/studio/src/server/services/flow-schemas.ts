import "server-only";
import { CompileError, inferOutputSchemas } from "@sous/compiler";
import { AppError, type DatasetSchema, DatasetSchemaSchema, RecipeSpecSchema } from "@sous/contracts";
import {
  buildSchemaProblems,
  type InferSchemas,
  propagateSchemas,
  type SchemaGraph,
  type SchemaProblem,
  type SchemaState,
} from "@sous/flow";
import type { BuildGraphWithSchemas } from "@sous/server-domain";
import { ctx } from "../context.ts";

// The one place where the server knows a dataset's schema before it is built: the stored schema
// when built, else what its recipe infers from its own inputs (packages/flow propagates, the
// compiler infers). The recipe editor, save validation, compile, preview and the dry-run plan
// all read schemas through here, so they agree with each other and with the build.

/** A recipe's output schemas from its inputs' schemas, through the compiler (no rendering). */
const inferWithCompiler: InferSchemas = (recipe, inputs) => {
  const parsed = RecipeSpecSchema.safeParse(recipe.spec);
  if (!parsed.success)
    throw new Error(
      `Recipe ${recipe.name} is invalid: ${parsed.error.issues[0]?.message ?? "bad settings"}.`,
    );
  const spec = parsed.data;
  if (spec.kind === "sql")
    return { unknown: `${recipe.name} is a SQL recipe: its columns are known when it runs` };
  // Its columns come from its saved model's active version, loaded from storage when it runs.
  if (spec.kind === "score" || spec.kind === "evaluate")
    return { unknown: `${recipe.name} scores with a saved model: its columns are known when it runs` };
  // Its columns are one per value, and the build reads the values from its input.
  if (spec.kind === "pivot" && !spec.params.values?.length)
    return { unknown: `${recipe.name} pivots on values read from its input when it is built` };
  try {
    return inferOutputSchemas({
      spec,
      // Nothing is read: the location only has to be well formed.
      inputs: inputs.map((i) => ({
        name: i.name,
        schema: i.schema,
        location: { format: "parquet", path: `unbuilt/${i.id}` },
      })),
    });
  } catch (e) {
    if (e instanceof CompileError) throw new Error(e.message);
    throw e;
  }
};

/** A stored schema as propagation takes it: null when never built, or when it no longer parses. */
function storedSchema(schema: unknown): DatasetSchema | null {
  const s = schema === null ? null : DatasetSchemaSchema.safeParse(schema);
  return s?.success ? s.data : null;
}

/** The project's flow as schema propagation sees it. */
async function loadSchemaGraph(projectId: string): Promise<SchemaGraph> {
  const { db } = ctx();
  const [datasets, recipes] = await Promise.all([
    db.dataset.findMany({ where: { projectId }, select: { id: true, name: true, schema: true } }),
    db.recipe.findMany({ where: { projectId }, select: { id: true, name: true, spec: true, io: true } }),
  ]);
  return {
    datasets: datasets.map((d) => ({ id: d.id, name: d.name, schema: storedSchema(d.schema) })),
    recipes: recipes.map((r) => {
      const io = [...r.io].sort((a, b) => a.position - b.position);
      return {
        id: r.id,
        name: r.name,
        spec: r.spec,
        inputs: io.filter((x) => x.role === "INPUT").map((x) => x.datasetId),
        outputs: io.filter((x) => x.role === "OUTPUT").map((x) => x.datasetId),
      };
    }),
  };
}

/** The same flow from a build graph read with its schemas (a build's plan and check share one read). */
function schemaGraphOf(graph: BuildGraphWithSchemas): SchemaGraph {
  return {
    datasets: graph.datasets.map((d) => ({ id: d.id, name: d.name, schema: storedSchema(d.schema) })),
    recipes: graph.recipes.map((r) => ({
      id: r.id,
      name: r.name,
      spec: r.spec,
      inputs: r.inputs,
      outputs: r.outputs,
    })),
  };
}

/** Every dataset's schema state (stored, inferred, or why it is not known), or only those of `ids`. */
export async function flowSchemas(
  projectId: string,
  ids?: readonly string[],
): Promise<Map<string, SchemaState>> {
  return propagateSchemas(await loadSchemaGraph(projectId), inferWithCompiler, {}, ids);
}

export interface ResolvedInput {
  id: string;
  projectId: string;
  name: string;
  currentVersionId: string | null;
  /** Whether a version is stored (its rows can be read), not only its schema inferred. */
  built: boolean;
  /** Stored or inferred; null when not known statically (`unknownReason` says why). */
  schema: DatasetSchema | null;
  unknownReason: string | null;
}

/** A recipe's inputs, in order, with their schemas as designing sees them; 400 for a foreign id. */
export async function resolveInputs(projectId: string, inputIds: string[]): Promise<ResolvedInput[]> {
  const rows = await ctx().db.dataset.findMany({
    where: { projectId, id: { in: inputIds } },
    select: { id: true, projectId: true, name: true, currentVersionId: true },
  });
  const byId = new Map(rows.map((d) => [d.id, d]));
  const missing = inputIds.filter((id) => !byId.has(id));
  if (missing.length)
    throw new AppError("invalid_input", `inputs: no dataset ${missing.join(", ")} in this project.`);
  const states = await flowSchemas(projectId, inputIds);
  return inputIds.map((id) => {
    const d = byId.get(id)!;
    const s = states.get(id);
    const known = s?.status === "stored" || s?.status === "inferred";
    return {
      ...d,
      built: d.currentVersionId !== null,
      schema: known ? s.schema : null,
      unknownReason: known || !s ? null : `${d.name}: ${s.reason}`,
    };
  });
}

/** 409 naming why, unless every input's schema is known (stored or inferred). */
export function requireKnownSchemas(inputs: ResolvedInput[]): (ResolvedInput & { schema: DatasetSchema })[] {
  const unknown = inputs.filter((i) => i.schema === null);
  if (unknown.length)
    throw new AppError(
      "conflict",
      `The schema of ${unknown.map((i) => i.name).join(", ")} is not known before a build (${unknown.map((i) => i.unknownReason).join("; ")}). Build it first.`,
    );
  return inputs as (ResolvedInput & { schema: DatasetSchema })[];
}

/** What the recipes of a build planned on `graph` would fail on, before anything runs. */
export function planSchemaProblems(
  graph: BuildGraphWithSchemas,
  plan: { activities: { recipeIds: string[]; outputDatasetId: string; virtualDatasetIds: string[] }[] },
): SchemaProblem[] {
  const rebuilt = new Set(plan.activities.flatMap((a) => [a.outputDatasetId, ...a.virtualDatasetIds]));
  const recipeIds = [...new Set(plan.activities.flatMap((a) => a.recipeIds))];
  if (recipeIds.length === 0) return [];
  return buildSchemaProblems(schemaGraphOf(graph), inferWithCompiler, recipeIds, rebuilt);
}
