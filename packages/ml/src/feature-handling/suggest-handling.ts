import type { DesignFeature } from "../design.ts";
import { DATE_PARTS, DEFAULT_TEXT_MAX_CHARS } from "./schemas.ts";

// The Lab's first handling of date and text columns, with the reason shown next to them.

/** What suggest.ts knows of a column (its ColumnProfile). */
interface Profile {
  name: string;
  type: string;
  rows: number;
  nonNull: number;
  distinct: number;
  /** Mean length of the column's most frequent values (text columns); absent when unknown. */
  meanTopLength?: number | undefined;
}

/** Values this long on average (most frequent ones) read as prose, not as levels or codes. */
const TEXT_MIN_LENGTH = 25;
/** A text column with more distinct values than this is free text, not a category. */
const TEXT_MIN_DISTINCT = 1000;
const SUGGESTED_TEXT_FEATURES = 1000;

/** A date or text handling for the column and why, or null when numeric/categorical rules apply. */
export function suggestHandling(
  column: Profile,
): { feature: DesignFeature; reason: string; include: boolean } | null {
  if (column.nonNull === 0 || column.distinct <= 1) return null;
  if (column.type === "date" || column.type === "timestamp") {
    const parts = DATE_PARTS.filter((p) => p !== "hour" || column.type === "timestamp");
    return {
      feature: { name: column.name, type: "date", parts: [...parts], rescale: "standard", include: true },
      reason: `a date: its parts (${parts.length === 5 ? "year, month, day of week, hour" : "year, month, day of week"}, days since 1970) become numbers`,
      include: true,
    };
  }
  if (column.type !== "string") return null;
  const long = (column.meanTopLength ?? 0) >= TEXT_MIN_LENGTH;
  const identifier = column.distinct === column.nonNull && column.nonNull === column.rows;
  // Short values: a category, or an identifier when every row differs (suggest.ts says so).
  if (!long && (column.distinct <= TEXT_MIN_DISTINCT || identifier)) return null;
  return {
    feature: {
      name: column.name,
      type: "text",
      method: "tfidf",
      maxFeatures: SUGGESTED_TEXT_FEATURES,
      maxChars: DEFAULT_TEXT_MAX_CHARS,
      include: true,
    },
    reason: `free text (${column.distinct.toLocaleString("en-US")} distinct values${long ? `, ${Math.round(column.meanTopLength ?? 0)} characters on average` : ""}): tf-idf of its ${SUGGESTED_TEXT_FEATURES.toLocaleString("en-US")} most frequent words (local engine only)`,
    include: true,
  };
}
