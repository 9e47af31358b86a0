import { describe, expect, it } from "vitest";
import { type Feature, PortableModelSchema, TrainRequestSchema } from "../src/contracts.ts";
import { designProblems } from "../src/design.ts";
import { engineProblems } from "../src/engine-support.ts";
import { dateMillis, datePart } from "../src/feature-handling/encode.ts";
import { compileScorer, featureVector } from "../src/score.ts";
import { suggestDesign } from "../src/suggest.ts";

const base = {
  parquet: "/d",
  outputDir: "/o",
  target: "y",
  validation: { kind: "random_split", testRatio: 0.2, seed: 1 },
  algorithms: [{ algorithm: "decisionTree", maxDepth: 3, minSamplesLeaf: 1 }],
} as const;
const target: Feature = {
  name: "c",
  type: "categorical",
  impute: { method: "most_frequent" },
  maxLevels: 5,
  encoding: "target",
};

describe("feature handling contracts", () => {
  it("takes target encoding for binary, regression and multiclass targets (one column per class)", () => {
    expect(
      TrainRequestSchema.safeParse({ ...base, task: "binary", metric: "auc", features: [target] }).success,
    ).toBe(true);
    const multi = TrainRequestSchema.safeParse({
      ...base,
      task: "multiclass",
      metric: "accuracy",
      features: [target],
    });
    expect(multi.success).toBe(true);
  });

  it("refuses a date part listed twice and an empty list of parts", () => {
    const date = (parts: string[]) =>
      TrainRequestSchema.safeParse({
        ...base,
        task: "binary",
        metric: "auc",
        features: [{ name: "d", type: "date", parts, rescale: "none" }],
      }).success;
    expect(date(["year", "month"])).toBe(true);
    expect(date(["year", "year"])).toBe(false);
    expect(date([])).toBe(false);
  });

  it("says before training that tf-idf trains on the local engine only", () => {
    const design = {
      task: "binary" as const,
      algorithms: [...base.algorithms],
      features: [
        { name: "review", type: "text" as const, method: "tfidf" as const, maxFeatures: 100, include: true },
      ],
    };
    expect(engineProblems(design, "local")).toEqual([]);
    expect(engineProblems(design, "databricks")[0]?.message).toMatch(/review: tf-idf .* local engine only/);
    // An excluded text column stops nothing.
    expect(
      engineProblems({ ...design, features: [{ ...design.features[0]!, include: false }] }, "databricks"),
    ).toEqual([]);
  });
});

describe("suggestions for dates and text", () => {
  const col = (name: string, type: "date" | "timestamp" | "string" | "integer", over = {}) => ({
    name,
    type,
    rows: 5000,
    nonNull: 5000,
    distinct: 4000,
    targetCorrelation: null,
    ...over,
  });
  it("extracts date parts, tf-idfs long text, and says why", () => {
    const { design, reasons } = suggestDesign(
      [
        col("y", "integer", { distinct: 2 }),
        col("signup", "date"),
        col("seen", "timestamp"),
        col("review", "string", { distinct: 5000, meanTopLength: 80 }),
        col("code", "string", { distinct: 5000, meanTopLength: 6 }),
      ],
      "y",
    );
    const byName = Object.fromEntries(design.features.map((f) => [f.name, f]));
    expect(byName.signup).toMatchObject({
      type: "date",
      include: true,
      parts: ["year", "month", "dayOfWeek", "epochDays"],
    });
    expect(byName.seen).toMatchObject({
      type: "date",
      parts: ["year", "month", "dayOfWeek", "hour", "epochDays"],
    });
    expect(byName.review).toMatchObject({ type: "text", method: "tfidf", include: true });
    expect(reasons.signup).toMatch(/a date: its parts \(year, month, day of week, days since 1970\)/);
    expect(reasons.review).toMatch(/free text .* tf-idf .* \(local engine only\)/);
    // Short unique codes are identifiers still.
    expect(byName.code).toMatchObject({ include: false });
    expect(reasons.code).toMatch(/identifier/);
    // The suggestion trains locally; on Databricks the text column is what stops it.
    expect(designProblems(design)).toEqual([]);
    const dbx = designProblems({
      ...design,
      engine: { kind: "databricks", connectionId: "c1", profileId: "p1" },
    });
    expect(dbx.map((p) => p.message).join(" ")).toMatch(/review/);
  });
});

describe("date parts", () => {
  it("reads dates and date-times as UTC instants", () => {
    expect(dateMillis("d", "1970-01-02")).toBe(86_400_000);
    expect(dateMillis("d", "1970-01-01T01:00:00")).toBe(3_600_000);
    expect(dateMillis("d", "1970-01-01T01:00:00+01:00")).toBe(0);
    expect(dateMillis("d", null)).toBeNull();
    expect(() => dateMillis("d", 12)).toThrow(/feature d is a date/);
    expect(() => dateMillis("d", "yesterday")).toThrow(/feature d is a date/);
  });
  it("agrees with the calendar, before 1970 too", () => {
    // Every 173 hours over 60 years, against the runtime's own UTC calendar.
    const wrong: number[] = [];
    for (let ms = Date.UTC(1940, 0, 1); ms < Date.UTC(2000, 0, 1); ms += 3_600_000 * 173) {
      const d = new Date(ms);
      const want = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCHours(), (d.getUTCDay() + 6) % 7];
      const got = (["year", "month", "hour", "dayOfWeek"] as const).map((p) => datePart(ms, p));
      if (got.some((v, k) => v !== want[k]) || datePart(ms, "epochDays") !== Math.floor(ms / 86_400_000))
        wrong.push(ms);
    }
    expect(wrong).toEqual([]);
  });
});

describe("scorePortable with ordinal, target and date features", () => {
  const model = PortableModelSchema.parse({
    format: "sous-portable-model",
    version: 1,
    task: "regression",
    classes: null,
    features: [
      { name: "c", type: "ordinal", impute: "b", levels: ["b", "a"], unseen: -1 },
      { name: "t", type: "target", impute: "x", levels: ["x", "y"], values: [0.25, 0.75], unseen: 0.5 },
      {
        name: "d",
        type: "date",
        parts: [
          { part: "year", impute: 2000, rescale: { kind: "standard", mean: 2000, scale: 10 } },
          { part: "dayOfWeek", impute: 3, rescale: { kind: "none" } },
        ],
      },
    ],
    model: { kind: "linear", link: "identity", coefficients: [[1, 10, 100, 1000]], intercepts: [0] },
  });
  it("writes each level's code or value, the prior for unseen, the parts of the date", () => {
    expect(featureVector(model.features, { c: "a", t: "y", d: "2010-01-04" })).toEqual([1, 0.75, 1, 0]);
    expect(featureVector(model.features, { c: "zz", t: "new", d: null })).toEqual([-1, 0.5, 0, 3]);
    expect(featureVector(model.features, {})).toEqual([0, 0.25, 0, 3]);
  });
  it("refuses a tf-idf feature, saying it scores through Python", () => {
    const text = PortableModelSchema.parse({
      ...model,
      features: [{ name: "r", type: "text", maxChars: 100, vocabulary: ["good", "bad"] }],
      model: { kind: "linear", link: "identity", coefficients: [[1, 1]], intercepts: [0] },
    });
    expect(() => compileScorer(text)).toThrow(/own runtime \(Python scoring\)/);
  });
});
