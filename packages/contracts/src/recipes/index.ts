import { z } from "zod";
import { nulFreeString } from "./common.ts";
import { DistinctParamsSchema } from "./distinct.ts";
import { EvaluateParamsSchema } from "./evaluate.ts";
import { FilterParamsSchema } from "./filter.ts";
import { GroupParamsSchema } from "./group.ts";
import { JoinParamsSchema } from "./join.ts";
import { PivotParamsSchema } from "./pivot.ts";
import { PrepareParamsSchema } from "./prepare.ts";
import { ScoreParamsSchema } from "./score.ts";
import { SortParamsSchema } from "./sort.ts";
import { SplitParamsSchema } from "./split.ts";
import { SqlParamsSchema } from "./sql.ts";
import { StackParamsSchema } from "./stack.ts";
import { SyncParamsSchema } from "./sync.ts";
import { TopNParamsSchema } from "./top-n.ts";
import { WindowParamsSchema } from "./window.ts";

export * from "./common.ts";
export * from "./distinct.ts";
export * from "./evaluate.ts";
export * from "./filter.ts";
export * from "./group.ts";
export * from "./join.ts";
export * from "./pivot.ts";
export * from "./prepare.ts";
export * from "./score.ts";
export * from "./sort.ts";
export * from "./split.ts";
export * from "./sql.ts";
export * from "./stack.ts";
export * from "./sync.ts";
export * from "./top-n.ts";
export * from "./window.ts";

const RecipeIoSchema = z.object({ datasetId: nulFreeString().min(1) }).strict();

/**
 * A visual recipe as stored (Recipe.spec in Postgres) and sent over the API.
 * `version` is the schema version of the stored JSON, so old recipes can be migrated on read.
 */
export const GroupRecipeSpecSchema = z
  .object({
    kind: z.literal("group"),
    version: z.literal(1).default(1),
    params: GroupParamsSchema,
  })
  .strict();

export const SyncRecipeSpecSchema = z
  .object({ kind: z.literal("sync"), version: z.literal(1).default(1), params: SyncParamsSchema })
  .strict();

export const SortRecipeSpecSchema = z
  .object({ kind: z.literal("sort"), version: z.literal(1).default(1), params: SortParamsSchema })
  .strict();

export const DistinctRecipeSpecSchema = z
  .object({ kind: z.literal("distinct"), version: z.literal(1).default(1), params: DistinctParamsSchema })
  .strict();

/** The "Sample/Filter" recipe: a filter on rules, then an optional sampling. */
export const FilterRecipeSpecSchema = z
  .object({ kind: z.literal("filter"), version: z.literal(1).default(1), params: FilterParamsSchema })
  .strict();

export const WindowRecipeSpecSchema = z
  .object({ kind: z.literal("window"), version: z.literal(1).default(1), params: WindowParamsSchema })
  .strict();

export const TopNRecipeSpecSchema = z
  .object({ kind: z.literal("topN"), version: z.literal(1).default(1), params: TopNParamsSchema })
  .strict();

/** Two inputs: the first is the left side. */
export const JoinRecipeSpecSchema = z
  .object({ kind: z.literal("join"), version: z.literal(1).default(1), params: JoinParamsSchema })
  .strict();

/** Two or more inputs, stacked (UNION ALL). */
export const StackRecipeSpecSchema = z
  .object({ kind: z.literal("stack"), version: z.literal(1).default(1), params: StackParamsSchema })
  .strict();

export const PivotRecipeSpecSchema = z
  .object({ kind: z.literal("pivot"), version: z.literal(1).default(1), params: PivotParamsSchema })
  .strict();

/** An ordered script of steps (DSS processors), one input, one output. */
export const PrepareRecipeSpecSchema = z
  .object({ kind: z.literal("prepare"), version: z.literal(1).default(1), params: PrepareParamsSchema })
  .strict();

/** One input to several outputs (rules, values or a seeded random ratio); ends a pipeline. */
export const SplitRecipeSpecSchema = z
  .object({ kind: z.literal("split"), version: z.literal(1).default(1), params: SplitParamsSchema })
  .strict();

/** A code recipe: one SparkSQL query over the inputs by name ("Convert to code" produces it). */
export const SqlRecipeSpecSchema = z
  .object({ kind: z.literal("sql"), version: z.literal(1).default(1), params: SqlParamsSchema })
  .strict();

/** Scores one dataset with a saved model's active version (SQL compiled from its portable form). */
export const ScoreRecipeSpecSchema = z
  .object({ kind: z.literal("score"), version: z.literal(1).default(1), params: ScoreParamsSchema })
  .strict();

/** Evaluates a saved model's active version on a labelled dataset: scored rows + one row of metrics. */
export const EvaluateRecipeSpecSchema = z
  .object({ kind: z.literal("evaluate"), version: z.literal(1).default(1), params: EvaluateParamsSchema })
  .strict();

export const RecipeSpecSchema = z.discriminatedUnion("kind", [
  GroupRecipeSpecSchema,
  SyncRecipeSpecSchema,
  SortRecipeSpecSchema,
  DistinctRecipeSpecSchema,
  FilterRecipeSpecSchema,
  WindowRecipeSpecSchema,
  TopNRecipeSpecSchema,
  JoinRecipeSpecSchema,
  StackRecipeSpecSchema,
  PivotRecipeSpecSchema,
  PrepareRecipeSpecSchema,
  SplitRecipeSpecSchema,
  SqlRecipeSpecSchema,
  ScoreRecipeSpecSchema,
  EvaluateRecipeSpecSchema,
]);
export type RecipeSpec = z.infer<typeof RecipeSpecSchema>;
export type RecipeKind = RecipeSpec["kind"];
export const RecipeIoListSchema = z.array(RecipeIoSchema);
