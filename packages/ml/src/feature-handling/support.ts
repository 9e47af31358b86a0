import type { Feature } from "../contracts.ts";

// Which feature handlings each engine trains, as OPTION_SUPPORT does for the other options:
// engineProblems refuses an unavailable one before training, the editor shows the notes.

export type FeatureHandling =
  | "numeric"
  | "categorical.onehot"
  | "categorical.ordinal"
  | "categorical.target"
  | "text.tfidf"
  | "date.parts";

export function featureHandling(f: Feature): FeatureHandling {
  if (f.type === "categorical") return `categorical.${f.encoding ?? "onehot"}`;
  if (f.type === "text") return "text.tfidf";
  if (f.type === "date") return "date.parts";
  return "numeric";
}

type Support = { available: boolean; note: string };

export const FEATURE_SUPPORT: Record<FeatureHandling, Record<"local" | "databricks", Support>> = {
  numeric: {
    local: { available: true, note: "scikit-learn SimpleImputer and scaler" },
    databricks: { available: true, note: "the same statistics, applied by SQL stages" },
  },
  "categorical.onehot": {
    local: { available: true, note: "scikit-learn OneHotEncoder (top N levels plus others)" },
    databricks: { available: true, note: "the same levels, applied by SQL stages" },
  },
  "categorical.ordinal": {
    local: { available: true, note: "codes by decreasing frequency; other and unseen levels -1" },
    databricks: { available: true, note: "the same codes, counted by Spark, applied by a SQL stage" },
  },
  "categorical.target": {
    local: {
      available: true,
      note: "smoothed target mean per level on the training rows; unseen: the prior",
    },
    databricks: {
      available: true,
      note: "the same smoothed means, summed by Spark (regression means may differ in the last bits)",
    },
  },
  "text.tfidf": {
    local: {
      available: true,
      note: "scikit-learn TfidfVectorizer on the first characters of each cell; scores through Python, not SQL",
    },
    databricks: {
      available: false,
      note: "tf-idf text handling trains on the local engine only (scikit-learn): train locally, or exclude the column",
    },
  },
  "date.parts": {
    local: { available: true, note: "parts in UTC, each missing part imputed with its training mean" },
    databricks: { available: true, note: "the same parts in UTC" },
  },
};
