import type { RecipeSpec } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { DIALECT_HOOKS } from "../render/dialects.ts";
import type { CompiledRecipe, CompileInput, Dialect, Translatability } from "../types.ts";
import { validateInputs } from "../validate/inputs.ts";
import { normaliseDir } from "../validate/paths.ts";
import { checkSqlQuery, type SqlProblem, SqlRecipeError } from "./check.ts";
import { translateSparkToDuckDb, Untranslatable } from "./to-duckdb/index.ts";

type SqlSpec = Extract<RecipeSpec, { kind: "sql" }>;

/**
 * What the DuckDB run of a SQL recipe promises when its query translates (the user's SQL is
 * Spark's; what does not translate is refused, see to-duckdb/).
 */
export const SQL_RECIPE_DUCKDB: Translatability = {
  level: "partial",
  condition:
    "runs locally after a Spark -> DuckDB translation that gives Spark's rows with ANSI mode off: where Spark " +
    "with ANSI on raises an error (a failed CAST, division by zero, an index out of range) the local run returns NULL; " +
    "regexes run on RE2 ($ before a trailing newline, \\b next to non-ASCII letters), lenient date parsing, " +
    "unaliased column names and the type of sum() over integers may differ",
};

/** Where the inputs' CTEs go: right after a leading `WITH`, or null when the query has none. */
function withClauseEnd(text: string): number | null {
  const m = /^\s*WITH\b/i.exec(text);
  return m ? m[0].length : null;
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
  // The translation runs on both dialects: on Spark it is the recipe's local verdict.
  let local: { sql: string } | { problem: SqlProblem };
  try {
    local = { sql: translateSparkToDuckDb(checked.query, checked.text, checked.ruleNames) };
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    local = { problem: checked.problemAt(e.start, e.end, e.message) };
  }
  // Which text runs is the dialect's business (Spark: as written; DuckDB: the translation).
  const query = DIALECT_HOOKS[args.dialect].sqlRecipeQuery(checked.text, () => {
    if ("problem" in local) throw new SqlRecipeError("untranslatable_sql", [local.problem]);
    return local.sql;
  });
  const sql = bindInputs(query, withClauseEnd(query), args.inputs, checked.cteNames, args.dialect);
  const engines: Record<Dialect, Translatability> = {
    spark: { level: "full" },
    duckdb:
      "problem" in local
        ? {
            level: "none",
            reason: `${local.problem.message} (line ${local.problem.line}, column ${local.problem.column})`,
          }
        : SQL_RECIPE_DUCKDB,
  };
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
