import { z } from "zod";

// Feature handlings beyond numeric and one-hot categorical (issue #15): ordinal and target
// encoding of categories, tf-idf of text, and parts of dates. The training request's forms and
// the portable forms the trainers write; both engines implement the same semantics:
// - ordinal: levels coded 0, 1, ... by decreasing frequency on the training rows (ties by level
//   text), at most maxLevels of them; every other level, and any level unseen in training, is
//   ORDINAL_UNSEEN;
// - target: per level, (sum of the target + smoothing x prior) / (rows + smoothing) on the
//   training rows, the target being the regression value or 1 for the positive class of a binary
//   target, the prior its mean over the training rows; an unseen level gets the prior. A
//   multiclass target gives one such column per class (sorted), of that class's indicator;
// - date parts: in UTC, from the instant (a DATE is its midnight UTC): year, month (1-12),
//   dayOfWeek (Monday 0 .. Sunday 6), hour (0-23), epochDays (whole days since 1970-01-01,
//   rounded down). A missing date gets each part's mean over the training rows;
// - tf-idf (local engine only): scikit-learn's TfidfVectorizer (lower case, words of 2+ letters
//   or digits) over the first maxChars characters of each cell, the maxFeatures most frequent
//   terms. It has no SQL form: such a model scores through its own runtime (Python).

export const CATEGORICAL_ENCODINGS = ["onehot", "ordinal", "target"] as const;
export const CategoricalEncodingSchema = z.enum(CATEGORICAL_ENCODINGS);
export type CategoricalEncoding = z.infer<typeof CategoricalEncodingSchema>;

/** The code of a level without its own (grouped past maxLevels, or never seen in training). */
export const ORDINAL_UNSEEN = -1;
/** The target encoding's default smoothing: a level with this many rows is half its own mean. */
export const DEFAULT_TARGET_SMOOTHING = 10;

export const DATE_PARTS = ["year", "month", "dayOfWeek", "hour", "epochDays"] as const;
export const DatePartSchema = z.enum(DATE_PARTS);
export type DatePart = z.infer<typeof DatePartSchema>;

const name = z.string().min(1).max(256);
const finite = z.number().finite();

/** Text cells are cut to this many characters by default before tf-idf (a 1 MB cell costs no more). */
export const DEFAULT_TEXT_MAX_CHARS = 10_000;

export const TextFeatureSchema = z
  .object({
    name,
    type: z.literal("text"),
    method: z.literal("tfidf"),
    /** The vocabulary: the most frequent terms over the training rows. */
    maxFeatures: z.number().int().min(1).max(20_000),
    /** Characters of a cell read; the rest is ignored. */
    maxChars: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export const DateFeatureSchema = z
  .object({
    name,
    type: z.literal("date"),
    parts: z
      .array(DatePartSchema)
      .min(1)
      .max(DATE_PARTS.length)
      .refine((p) => new Set(p).size === p.length, "a date part is listed twice"),
    /** Each part as it is, or standardised (as a numeric feature's "standard"). */
    rescale: z.enum(["standard", "none"]),
  })
  .strict();

const rescale = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }).strict(),
  z.object({ kind: z.literal("standard"), mean: finite, scale: finite }).strict(),
]);

/** Ordinal: one input column, the level's code. */
export const PortableOrdinalSchema = z
  .object({
    name,
    type: z.literal("ordinal"),
    impute: z.string(),
    /** Level i has code i; any other level has `unseen`. */
    levels: z.array(z.string()),
    unseen: finite,
  })
  .strict();

/**
 * Target: one input column, the level's smoothed target mean. A multiclass target is encoded as
 * one such feature per class (consecutive, the same name), each the mean of that class's
 * indicator, `forClass` naming the class.
 */
export const PortableTargetSchema = z
  .object({
    name,
    type: z.literal("target"),
    impute: z.string(),
    levels: z.array(z.string()),
    values: z.array(finite),
    /** The prior: the value of a level not in `levels`. */
    unseen: finite,
    forClass: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .strict()
  .refine((f) => f.levels.length === f.values.length, "one value per level");

/** Date parts: one input column per part, in `parts` order. */
export const PortableDateSchema = z
  .object({
    name,
    type: z.literal("date"),
    parts: z.array(z.object({ part: DatePartSchema, impute: finite, rescale }).strict()).min(1),
  })
  .strict();

/** Tf-idf: one input column per vocabulary term. Not scored in SQL nor in TypeScript. */
export const PortableTextSchema = z
  .object({
    name,
    type: z.literal("text"),
    maxChars: z.number().int().min(1),
    vocabulary: z.array(z.string()),
  })
  .strict();

/** Input columns a portable feature of these kinds takes. */
export function extraFeatureWidth(
  f:
    | z.infer<typeof PortableOrdinalSchema>
    | z.infer<typeof PortableTargetSchema>
    | z.infer<typeof PortableDateSchema>
    | z.infer<typeof PortableTextSchema>,
): number {
  if (f.type === "date") return f.parts.length;
  if (f.type === "text") return f.vocabulary.length;
  return 1;
}

/** Why a model cannot score in SQL or in TypeScript, or null when it can. */
export function ownRuntimeReason(features: readonly { type: string; name: string }[]): string | null {
  const text = features.filter((f) => f.type === "text").map((f) => f.name);
  return text.length === 0
    ? null
    : `its text feature${text.length > 1 ? "s" : ""} ${text.join(", ")} (tf-idf) score${text.length > 1 ? "" : "s"} only through the model's own runtime (Python scoring)`;
}
