import { z } from "zod";
import { FormulaTextSchema } from "../formula/index.ts";
import { nulFreeString, RecipeColumnNameSchema, RecipeOutputNameSchema } from "./common.ts";
import { FilterConditionSchema } from "./filter.ts";

export const JoinTypeSchema = z.enum(["inner", "left", "right", "full", "cross", "leftAnti"]);
export type JoinType = z.infer<typeof JoinTypeSchema>;

/**
 * How a condition compares the first input's column (left) with the second's (right). The filter
 * recipe's words where they exist. Text operators read "left contains right" / "left starts with
 * right"; an empty right text matches every non-NULL left text, as in Spark.
 */
export const JoinOperatorSchema = z.enum([
  "equals",
  "notEquals",
  "lt",
  "lte",
  "gt",
  "gte",
  "contains",
  "startsWith",
  "withinDays",
]);
export type JoinOperator = z.infer<typeof JoinOperatorSchema>;

/**
 * Where the left date may fall around the right one, for `withinDays`: `either` |left - right| <=
 * days, `after` right <= left <= right + days ("order date within 90 days after the campaign's
 * start"), `before` right - days <= left <= right. Both ends are included.
 */
export const JoinWindowDirectionSchema = z.enum(["either", "after", "before"]);
export type JoinWindowDirection = z.infer<typeof JoinWindowDirectionSchema>;

export const JoinConditionSchema = z
  .object({
    left: RecipeColumnNameSchema.describe("Column of the first input"),
    op: JoinOperatorSchema.optional().describe(
      "left <op> right; absent: equals (every join stored before operators existed)",
    ),
    right: RecipeColumnNameSchema.describe("Column of the second input"),
    days: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .optional()
      .describe("withinDays only: the window's length in days"),
    direction: JoinWindowDirectionSchema.optional().describe("withinDays only; absent: either"),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.op === "withinDays" && c.days === undefined)
      ctx.addIssue({ code: "custom", path: ["days"], message: "withinDays needs a number of days" });
    if (c.op !== "withinDays" && (c.days !== undefined || c.direction !== undefined))
      ctx.addIssue({
        code: "custom",
        path: [c.days !== undefined ? "days" : "direction"],
        message: `days and direction only apply to withinDays, not to ${c.op ?? "equals"}`,
      });
  });
export type JoinCondition = z.infer<typeof JoinConditionSchema>;

/** One input column in the output: kept or not, and its output name. Unlisted columns are kept. */
export const JoinColumnChoiceSchema = z
  .object({
    column: RecipeColumnNameSchema.describe("Column of this input (or one computed before the join)"),
    keep: z.boolean().default(true),
    as: RecipeOutputNameSchema.optional().describe(
      "Output name, used as is (the input's prefix is not added)",
    ),
  })
  .strict();
export type JoinColumnChoice = z.infer<typeof JoinColumnChoiceSchema>;

/** A column computed with a formula: before the join (per input) or after it. */
export const JoinComputedColumnSchema = z
  .object({
    name: RecipeOutputNameSchema,
    formula: FormulaTextSchema,
  })
  .strict();
export type JoinComputedColumn = z.infer<typeof JoinComputedColumnSchema>;

const PrefixSchema = nulFreeString().min(1).max(64);
const Computed = z.array(JoinComputedColumnSchema).max(200);
const Choices = z.array(JoinColumnChoiceSchema).max(10_000);

export const JoinParamsSchema = z
  .object({
    type: JoinTypeSchema.describe("leftAnti: rows of the first input with no match in the second"),
    on: z
      .array(JoinConditionSchema)
      .max(100)
      .default([])
      .describe(
        "Conditions, all required (AND); empty only for cross joins. A NULL on either side never matches",
      ),
    leftPrefix: PrefixSchema.optional().describe("Prepended to every output column from the first input"),
    rightPrefix: PrefixSchema.optional().describe("Prepended to every output column from the second input"),
    dropRightKeys: z
      .boolean()
      .default(true)
      .describe(
        "Omit the second input's columns matched by equality; for right/full joins the first input's keys become coalesce(left, right), as with USING",
      ),
    leftComputed: Computed.optional().describe(
      "Columns computed from the first input before the join (usable in conditions), in order",
    ),
    rightComputed: Computed.optional().describe(
      "Columns computed from the second input before the join (usable in conditions), in order",
    ),
    leftColumns: Choices.optional().describe("Per column of the first input: keep or drop, rename"),
    rightColumns: Choices.optional().describe("Per column of the second input: keep or drop, rename"),
    computed: Computed.optional().describe("Columns computed after the join, over the output columns"),
    postFilter: FilterConditionSchema.optional().describe(
      "Rows of the joined output to keep (rules or formulas over the output columns)",
    ),
  })
  .strict();
export type JoinParams = z.infer<typeof JoinParamsSchema>;
