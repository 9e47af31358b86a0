import type { RecipeKind, RecipeSpec } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { lowerPrepare } from "../prepare/lower.ts";
import type { LowerContext, Lowered, Lowerer } from "./context.ts";
import { lowerDistinct } from "./distinct.ts";
import { lowerFilter } from "./filter.ts";
import { lowerGroup } from "./group.ts";
import { lowerJoin } from "./join.ts";
import { lowerPivot } from "./pivot.ts";
import { lowerSort } from "./sort.ts";
import { lowerSplit } from "./split.ts";
import { lowerStack } from "./stack.ts";
import { lowerSync } from "./sync.ts";
import { lowerTopN } from "./top-n.ts";
import { lowerWindow } from "./window.ts";

/** One lowerer per recipe kind; the mapped type makes a missing kind a type error. */
const LOWERERS: { [K in RecipeKind]: Lowerer<K> } = {
  group: lowerGroup,
  sync: lowerSync,
  sort: lowerSort,
  distinct: lowerDistinct,
  filter: lowerFilter,
  window: lowerWindow,
  topN: lowerTopN,
  join: lowerJoin,
  stack: lowerStack,
  pivot: lowerPivot,
  prepare: lowerPrepare,
  split: lowerSplit,
  // A SQL recipe is the user's own query, not IR: compileRecipe compiles it apart
  // (src/sql-recipe/), and it cannot merge into a pipeline.
  sql: () => {
    throw new CompileError(
      "invalid_spec",
      "A SQL recipe runs its own query: it is compiled on its own, not lowered or merged into a pipeline.",
      ["kind"],
    );
  },
  // A score recipe is compileScoringSql's SELECT over its input: compiled apart, and it ends a pipeline.
  score: () => {
    throw new CompileError(
      "invalid_spec",
      "A score recipe is compiled from its saved model, not lowered: it can only end a pipeline.",
      ["kind"],
    );
  },
  // An evaluation recipe has two outputs computed from its saved model: compiled apart, it runs alone.
  evaluate: () => {
    throw new CompileError(
      "invalid_spec",
      "An evaluation recipe is compiled from its saved model, not lowered: it runs on its own, over a stored dataset.",
      ["kind"],
    );
  },
};

export function lower(spec: RecipeSpec, ctx: LowerContext): Lowered {
  const lowerer = LOWERERS[spec.kind] as Lowerer<RecipeKind>;
  return lowerer(spec, ctx);
}
