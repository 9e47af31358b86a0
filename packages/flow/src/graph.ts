/** What planning needs to know about a dataset: its current version and the keep flag. */
export interface GraphDataset {
  id: string;
  name: string;
  /** Written even inside a pipeline (DSS: not "virtualizable in build"). */
  keepInPipeline: boolean;
  /** The published version, or null when the dataset was never built or imported. */
  current: { id: string; buildHash: string | null } | null;
}

export interface GraphRecipe {
  id: string;
  name: string;
  kind: string;
  /** The engine the recipe runs on ("local" today; "databricks" later). Part of the build hash. */
  engine: string;
  /** The stored spec (any JSON); hashed with a stable key order. */
  spec: unknown;
  /**
   * What else built the output besides spec, engine and inputs (a score recipe: its saved model's
   * active version id): part of the build hash, so changing it outdates the output.
   */
  model?: string | null;
  inputs: string[];
  outputs: string[];
}

/** The flow of one project, as planning sees it. */
export interface BuildGraph {
  datasets: GraphDataset[];
  recipes: GraphRecipe[];
}

/** Indexes built once per planning call. */
export interface GraphIndex {
  dataset: Map<string, GraphDataset>;
  recipe: Map<string, GraphRecipe>;
  /** The recipe that writes each dataset (a dataset has at most one producer). */
  producer: Map<string, GraphRecipe>;
  /** The recipes that read each dataset. */
  consumers: Map<string, GraphRecipe[]>;
}

export function indexGraph(g: BuildGraph): GraphIndex {
  const dataset = new Map(g.datasets.map((d) => [d.id, d]));
  const recipe = new Map(g.recipes.map((r) => [r.id, r]));
  const producer = new Map<string, GraphRecipe>();
  const consumers = new Map<string, GraphRecipe[]>();
  for (const r of g.recipes) {
    for (const o of r.outputs) producer.set(o, r);
    for (const i of new Set(r.inputs)) {
      const list = consumers.get(i) ?? [];
      list.push(r);
      consumers.set(i, list);
    }
  }
  return { dataset, recipe, producer, consumers };
}
