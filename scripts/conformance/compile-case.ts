import {
  type CompiledRecipe,
  type CompileInput,
  compileRecipe,
  type Dialect,
  type Translatability,
} from "@sous/compiler";
import type { Duck } from "./duck.ts";
import { inputHash, sparkInlineSource } from "./inputs.ts";
import type { ConformanceCase } from "./types.ts";

/** A case compiled for both engines, with the SQL each runs and the DuckDB verdicts that matter. */
export interface CompiledCase {
  c: ConformanceCase;
  /** Empty when the compiler refused the spec or Spark is blocked (see `skipped`). */
  sparkSql: string;
  duckSql: string;
  inputsHash: string;
  skipped?: string;
  /** DuckDB cannot run it (a `none` verdict): why. */
  duckNone?: string;
  /** Conditions of the DuckDB `partial` verdicts. */
  partial: string[];
  /** Per subject, its DuckDB verdict level. */
  subjects: Map<string, "full" | "partial" | "none">;
}

const SPARK_PLACEHOLDER = "/sous-conformance/in";
const stepTypes = (spec: unknown): Map<string, string> => {
  const s = spec as { kind: string; params?: { steps?: { id: string; type: string }[] } };
  return new Map((s.params?.steps ?? []).map((x) => [x.id, x.type]));
};
const worse = (a: "full" | "partial" | "none" | undefined, b: "full" | "partial" | "none") =>
  a === "none" || b === "none" ? "none" : a === "partial" || b === "partial" ? "partial" : "full";

export async function compileCase(c: ConformanceCase, duck: Duck): Promise<CompiledCase> {
  const dirs = await Promise.all(c.inputs.map((input) => duck.write(input)));
  const hashes = c.inputs.map(inputHash);
  const inputs = (dialect: Dialect): CompileInput[] =>
    c.inputs.map((input, i) => ({
      name: input.name,
      schema: input.schema,
      location: {
        format: "parquet",
        path: dialect === "duckdb" || c.parquet ? dirs[i]! : `${SPARK_PLACEHOLDER}${i}/${hashes[i]}`,
      },
    }));
  const out: CompiledCase = {
    c,
    sparkSql: "",
    duckSql: "",
    inputsHash: c.parquet ? hashes.join(",") : "",
    partial: [],
    subjects: new Map(),
  };
  let spark: CompiledRecipe;
  let duckdb: CompiledRecipe;
  try {
    const compile = (dialect: Dialect) =>
      compileRecipe({
        spec: c.spec as never,
        inputs: inputs(dialect),
        dialect,
        ...(c.context ? { context: c.context } : {}),
      });
    spark = compile("spark");
    duckdb = compile("duckdb");
  } catch (e) {
    out.skipped = `compile error: ${(e as Error).message.split("\n")[0]}`;
    return out;
  }
  const pick = (r: CompiledRecipe) => (c.output === undefined ? r.sql : (r.sqlPerOutput?.[c.output] ?? ""));
  if (spark.blocking) {
    out.skipped = `blocked on Spark: ${spark.blocking.reason}`;
    return out;
  }
  out.sparkSql = pick(spark);
  if (!c.parquet)
    for (const [i, input] of c.inputs.entries())
      out.sparkSql = out.sparkSql
        .split(`parquet.\`${SPARK_PLACEHOLDER}${i}/${hashes[i]}\``)
        .join(sparkInlineSource(input));
  out.duckSql = duckdb.blocking ? "" : pick(duckdb);
  if (duckdb.blocking) out.duckNone = duckdb.blocking.reason;

  const types = stepTypes(c.spec);
  const kind = (c.spec as { kind: string }).kind;
  // A step badged partial on Spark (Sous' semantics are the local one, e.g. accent stripping)
  // names its condition there: a difference it covers is flagged, not unflagged.
  const sparkPartial = new Map(
    spark.steps.flatMap((s) =>
      s.engines.spark.level === "partial" ? [[s.id, s.engines.spark.condition]] : [],
    ),
  );
  for (const step of duckdb.steps) {
    const onSpark = sparkPartial.get(step.id);
    const v: Translatability =
      onSpark && step.engines.duckdb.level === "full"
        ? { level: "partial", condition: `on Spark: ${onSpark}` }
        : step.engines.duckdb;
    if (v.level === "partial") out.partial.push(`${step.id}: ${v.condition}`);
    if (v.level === "none" && !out.duckNone) out.duckNone = `${step.id}: ${v.reason}`;
    const subjects =
      c.subjects && (c.subjectStep === undefined || step.id === c.subjectStep)
        ? c.subjects
        : c.subjects
          ? []
          : [
              types.get(step.id)
                ? `step ${types.get(step.id)}`
                : step.id === kind
                  ? `recipe ${kind}`
                  : `recipe ${kind} ${step.id.replace(/\.\d+/g, ".*")}`,
            ];
    for (const s of subjects) out.subjects.set(s, worse(out.subjects.get(s), v.level));
  }
  return out;
}
