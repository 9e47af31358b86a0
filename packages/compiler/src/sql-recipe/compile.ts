import type { RecipeSpec } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { DIALECT_HOOKS } from "../render/dialects.ts";
import type { CompiledRecipe, CompileInput, Dialect, Translatability } from "../types.ts";
import { validateInputs } from "../validate/inputs.ts";
import { normaliseDir } from "../validate/paths.ts";
import { checkSqlQuery } from "./check.ts";
import type { SparkToken } from "./lexer.ts";

type SqlSpec = Extract<RecipeSpec, { kind: "sql" }>;

/** What the DuckDB run of a SQL recipe can and cannot promise (the user's SQL is Spark's). */
export const SQL_RECIPE_DUCKDB: Translatability = {
  level: "partial",
  condition:
    "runs locally after a Spark -> DuckDB translation of quoting, literals and a few function names; " +
    "Spark-only functions and syntax (date_format, RLIKE, collect_list, <=>, ...) fail at run time, and " +
    "ORDER BY without NULLS FIRST/LAST may place NULLs differently",
};

const isSignificant = (t: SparkToken) => t.kind !== "space" && t.kind !== "comment";
const isWord = (t: SparkToken | undefined, w: string) => t?.kind === "word" && t.text.toUpperCase() === w;

/**
 * Where the inputs' CTEs go: right after a leading `WITH` (and `RECURSIVE`), as an offset into
 * the query's text; null when the query has no WITH. Both dialects' texts keep the leading words,
 * spaces and (blanked) comments as they are, so the offset holds for either.
 */
function withClauseEnd(tokens: readonly SparkToken[]): number | null {
  const sig = tokens.filter(isSignificant);
  if (!isWord(sig[0], "WITH")) return null;
  const upto = isWord(sig[1], "RECURSIVE") ? sig[1]! : sig[0]!;
  let cut = 0;
  for (const t of tokens) {
    cut += t.kind === "comment" ? 1 : t.text.length;
    if (t === upto) return cut;
  }
  return null;
}

/**
 * Binds each input (by its dataset name) as a CTE over its Parquet directory, ahead of the
 * user's own CTEs when the query starts with WITH. Inputs the query shadows with a CTE of the
 * same name are not bound (duplicate CTE names are an error on both engines).
 */
function bindInputs(
  text: string,
  cut: number | null,
  inputs: readonly CompileInput[],
  shadowed: ReadonlySet<string>,
  dialect: Dialect,
): string {
  const d = DIALECT_HOOKS[dialect];
  const seen = new Set<string>();
  const bindings: string[] = [];
  for (const input of inputs) {
    const key = input.name.toLowerCase();
    if (seen.has(key) || shadowed.has(key)) continue;
    seen.add(key);
    bindings.push(
      `${d.quoteIdent(input.name)} AS (SELECT * FROM ${d.parquetSource(normaliseDir(input.location.path))})`,
    );
  }
  if (bindings.length === 0) return text;
  if (cut === null) return `WITH ${bindings.join(",\n")}\n${text}`;
  return `${text.slice(0, cut)} ${bindings.join(",\n")},\n${text.slice(cut).trimStart()}`;
}

/**
 * The SQL code recipe: checks the user's ONE SparkSQL query (sandbox, then syntax with
 * dt-sql-parser), binds the inputs by name, and on DuckDB translates it. The output schema is not
 * known without running the query: `schemaKnown: false`, `outputSchemas` and `lineage` empty;
 * the caller takes the schema from the result (a pure compiler runs nothing).
 */
export function compileSqlRecipe(args: {
  spec: SqlSpec;
  inputs: readonly CompileInput[];
  dialect: Dialect;
}): CompiledRecipe {
  validateInputs(args.inputs);
  const names = new Map<string, string>();
  args.inputs.forEach((input, i) => {
    const previous = names.get(input.name.toLowerCase());
    if (previous !== undefined && previous !== input.location.path) {
      throw new CompileError(
        "invalid_schema",
        `Two inputs are named "${input.name}" (names are case-insensitive in SQL): rename one dataset.`,
        ["inputs", i],
      );
    }
    names.set(input.name.toLowerCase(), input.location.path);
  });
  const checked = checkSqlQuery(
    args.spec.params.sql,
    args.inputs.map((i) => i.name),
  );
  const query = DIALECT_HOOKS[args.dialect].fromSparkSql(checked.tokens);
  const sql = bindInputs(query, withClauseEnd(checked.tokens), args.inputs, checked.cteNames, args.dialect);
  const engines: Record<Dialect, Translatability> = { spark: { level: "full" }, duckdb: SQL_RECIPE_DUCKDB };
  const verdict = engines[args.dialect];
  return {
    sql,
    outputSchemas: [],
    schemaKnown: false,
    steps: [{ id: "sql", engines }],
    blocking: null,
    warnings: verdict.level === "partial" ? [`sql: on ${args.dialect}, ${verdict.condition}`] : [],
    lineage: [],
  };
}
