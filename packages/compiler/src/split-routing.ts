import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { CompileError } from "./errors.ts";
import { call, col, lit } from "./ir/expr.ts";
import { createIdGen } from "./ir/ids.ts";
import { derived, project, source } from "./ir/rel.ts";
import { lower } from "./lower/index.ts";
import { DIALECT_HOOKS } from "./render/dialects.ts";
import { renderSql } from "./render/renderer.ts";
import { assessSteps } from "./translatability.ts";
import type { CompileInput, Dialect } from "./types.ts";
import { validateInputs } from "./validate/inputs.ts";
import { parseSpec } from "./validate/spec.ts";

export interface SplitRouting {
  /**
   * ONE SELECT over the split's input: its columns, then per output k a boolean column named
   * `routes[k]`, true when the row goes to output k (exactly the predicates of `sqlPerOutput`).
   */
  sql: string;
  routes: string[];
  /** Per output: its columns (the input's), as `compilePipeline` gives them. */
  outputSchemas: DatasetSchema[];
}

/**
 * A split compiled to decide every row's outputs in one pass over its input, so an engine that
 * writes one output at a time (DuckDB) can keep this result and filter each output from it
 * instead of reading the input, and evaluating the predicates, once per output.
 * Null when `dialect` cannot run the split, or an input column already has a route's name.
 */
export function compileSplitRouting(args: {
  spec: RecipeSpec;
  input: CompileInput;
  dialect: Dialect;
}): SplitRouting | null {
  const spec = parseSpec(args.spec);
  if (spec.kind !== "split") throw new CompileError("invalid_spec", "Only a split has routes.", ["kind"]);
  validateInputs([args.input]);
  const ids = createIdGen();
  const src = source(ids, 0, args.input.location.path, args.input.schema);
  const lowered = lower(spec, { ids, inputs: [args.input], sources: [src], extra: {} });
  const blocked = assessSteps(lowered, new Set([src.id])).some(
    (s) => s.engines[args.dialect].level === "none",
  );
  if (blocked) return null;
  const routes = lowered.outputs.map((_o, k) => `__sous_route_${k}`);
  if (src.columns.some((c) => routes.includes(c.name))) return null;
  const FALSE = lit(false, "boolean");
  const columns = [
    ...src.columns.map((c) => derived(ids, c.name, col(c.id, c.type))),
    ...lowered.outputs.map((o, k) => {
      // Each output is the input filtered (see lower/split.ts); a row goes there when the
      // predicate is true (NULL is no, as in WHERE).
      if (o.kind !== "filter" || o.input !== src)
        throw new Error("compiler bug: a split output is not a filter of its input");
      return derived(ids, routes[k]!, call("coalesce", [o.predicate, FALSE], "boolean"));
    }),
  ];
  return {
    sql: renderSql(project(ids, src, columns), DIALECT_HOOKS[args.dialect]),
    routes,
    outputSchemas: lowered.outputs.map((o) => o.columns.map(({ name, type }) => ({ name, type }))),
  };
}
