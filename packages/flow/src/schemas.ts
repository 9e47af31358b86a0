import type { DatasetSchema } from "@sous/contracts";

/** What schema propagation needs to know about a dataset: its stored schema, if it was ever built. */
export interface SchemaGraphDataset {
  id: string;
  name: string;
  /** The schema of the published version; null when the dataset was never built or imported. */
  schema: DatasetSchema | null;
}

export interface SchemaGraphRecipe {
  id: string;
  name: string;
  spec: unknown;
  inputs: string[];
  outputs: string[];
}

export interface SchemaGraph {
  datasets: SchemaGraphDataset[];
  recipes: SchemaGraphRecipe[];
}

/** An input handed to `infer`: its name and its (stored or inferred) schema. */
export interface InferInput {
  id: string;
  name: string;
  schema: DatasetSchema;
}

/**
 * A recipe's output schemas from its inputs' schemas, one per output; the caller wraps the
 * compiler. It throws when the recipe is invalid on these inputs (the message is what a build
 * would fail on), or answers `{ unknown }` when the schema depends on data (a SQL recipe, a pivot
 * without listed values): not an error, only nothing to check downstream.
 */
export type InferSchemas = (
  recipe: SchemaGraphRecipe,
  inputs: InferInput[],
) => DatasetSchema[] | { unknown: string };

export type SchemaState =
  | { status: "stored"; schema: DatasetSchema }
  | { status: "inferred"; schema: DatasetSchema; recipeId: string }
  /** Nothing to infer from: never built and no recipe writes it, or (for a build) not built. */
  | { status: "no-data"; reason: string }
  /** Known only from data: a SQL recipe's output, a pivot without values, or what follows them. */
  | { status: "data-dependent"; reason: string; recipeId: string }
  /** The recipe that writes it fails on its inputs: what a build would fail on. */
  | { status: "invalid"; reason: string; recipeId: string };

export interface PropagateOptions {
  /**
   * Datasets whose schema is inferred from their recipe even when stored: those a build is about
   * to rewrite, so the recipes reading them are checked against what they will be.
   */
  rebuilt?: ReadonlySet<string>;
  /**
   * Whether a never-built dataset gets its recipe's schema (designing: yes) or counts as having
   * no data (a build that does not rebuild it reads nothing: no).
   */
  inferUnbuilt?: boolean;
}

/**
 * Every dataset's schema, statically: the stored one when built, else the one its producing
 * recipe infers from its own inputs' schemas, recursively. Pure and lazy: only what `ids` (all
 * datasets when absent) need is inferred; each recipe is inferred once. A Flow has no cycles;
 * a malformed graph with one gets "invalid" rather than a stack overflow.
 */
export function propagateSchemas(
  graph: SchemaGraph,
  infer: InferSchemas,
  opts: PropagateOptions = {},
  ids?: readonly string[],
): Map<string, SchemaState> {
  const dataset = new Map(graph.datasets.map((d) => [d.id, d]));
  const producer = new Map<string, SchemaGraphRecipe>();
  for (const r of graph.recipes) for (const o of r.outputs) producer.set(o, r);
  const inferUnbuilt = opts.inferUnbuilt ?? true;
  const states = new Map<string, SchemaState>();
  const visiting = new Set<string>();
  const nameOf = (id: string) => dataset.get(id)?.name ?? id;

  const ofRecipe = (r: SchemaGraphRecipe): void => {
    const inputs: InferInput[] = [];
    let blocked: SchemaState | null = null;
    for (const id of r.inputs) {
      const s = stateOf(id);
      if (s.status === "stored" || s.status === "inferred") {
        inputs.push({ id, name: nameOf(id), schema: s.schema });
        continue;
      }
      const why =
        s.status === "no-data"
          ? s.reason
          : s.status === "data-dependent"
            ? `the schema of ${nameOf(id)} is known only from its data (${s.reason})`
            : `its input ${nameOf(id)} cannot be computed: ${s.reason}`;
      // An invalid upstream makes this one unknowable, not wrong: the error is reported once, upstream.
      blocked ??=
        s.status === "no-data"
          ? { status: "no-data", reason: why }
          : { status: "data-dependent", reason: why, recipeId: r.id };
    }
    let result: SchemaState[];
    if (blocked) {
      result = r.outputs.map(() => blocked as SchemaState);
    } else {
      try {
        const out = infer(r, inputs);
        result = Array.isArray(out)
          ? r.outputs.map((_, i): SchemaState => {
              const schema = out[i];
              return schema
                ? { status: "inferred", schema, recipeId: r.id }
                : {
                    status: "data-dependent",
                    reason: `${r.name} does not say its output schema`,
                    recipeId: r.id,
                  };
            })
          : r.outputs.map(
              (): SchemaState => ({ status: "data-dependent", reason: out.unknown, recipeId: r.id }),
            );
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        result = r.outputs.map((): SchemaState => ({ status: "invalid", reason, recipeId: r.id }));
      }
    }
    r.outputs.forEach((o, i) => {
      states.set(o, result[i]!);
    });
  };

  function stateOf(id: string): SchemaState {
    const known = states.get(id);
    if (known) return known;
    const d = dataset.get(id);
    const r = producer.get(id);
    const rebuilt = opts.rebuilt?.has(id) === true;
    let s: SchemaState | undefined;
    if (d?.schema && !(rebuilt && r)) s = { status: "stored", schema: d.schema };
    else if (!r) s = { status: "no-data", reason: `${nameOf(id)} has no data yet and no recipe writes it` };
    else if (!rebuilt && !inferUnbuilt)
      s = {
        status: "no-data",
        reason: `Input dataset ${nameOf(id)} has no data yet. Build it first, or build with the smart or missing-only mode, which builds it too.`,
      };
    else if (visiting.has(r.id)) s = { status: "invalid", reason: "the Flow has a cycle", recipeId: r.id };
    if (s) {
      states.set(id, s);
      return s;
    }
    visiting.add(r!.id);
    ofRecipe(r!);
    visiting.delete(r!.id);
    return states.get(id)!;
  }

  for (const id of ids ?? graph.datasets.map((d) => d.id)) stateOf(id);
  return states;
}

/** A recipe a build would fail on, before anything runs. */
export interface SchemaProblem {
  recipeId: string;
  recipeName: string;
  message: string;
}

/**
 * What the recipes of a build would fail on, checked statically: each recipe is inferred on its
 * inputs as they will be when it runs (rebuilt ones as their recipe infers them, the others as
 * stored; a never-built one that the build does not build is "no data yet").
 */
export function buildSchemaProblems(
  graph: SchemaGraph,
  infer: InferSchemas,
  recipeIds: readonly string[],
  rebuilt: ReadonlySet<string>,
): SchemaProblem[] {
  const recipes = graph.recipes.filter((r) => recipeIds.includes(r.id));
  const states = propagateSchemas(
    graph,
    infer,
    { rebuilt, inferUnbuilt: false },
    recipes.flatMap((r) => [...r.inputs, ...r.outputs]),
  );
  const problems: SchemaProblem[] = [];
  for (const r of recipes) {
    const missing = r.inputs.map((i) => states.get(i)).find((s) => s?.status === "no-data");
    if (missing?.status === "no-data") {
      problems.push({ recipeId: r.id, recipeName: r.name, message: missing.reason });
      continue;
    }
    const invalid = r.outputs.map((o) => states.get(o)).find((s) => s?.status === "invalid");
    if (invalid?.status === "invalid" && invalid.recipeId === r.id)
      problems.push({ recipeId: r.id, recipeName: r.name, message: invalid.reason });
  }
  return problems;
}
