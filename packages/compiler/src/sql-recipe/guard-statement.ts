import { nameParts, spark } from "./check.ts";
import { blankComments, SparkLexError, tokenizeSpark } from "./lexer.ts";
import { checkQueryScopes } from "./query-scope.ts";

const trimSlashes = (p: string) => p.replace(/\/+$/, "");

/**
 * The last check before a compiled query leaves for a Spark cluster, whatever produced it (a
 * visual recipe, a SQL recipe, a pipeline of both): it is one query, it reads by path only the
 * given input folders (`parquet.\`dir\``), every other table it reads is one of its own CTEs,
 * and it calls nothing that reaches files, the JVM or secrets. A cluster reaches the whole
 * mounted container, so this is what keeps a checker bug from reading another project's data.
 * Returns what is wrong, empty when the query may be sent. `inputDirs` may also be a predicate
 * on each path read (the Databricks emulator accepts any path under its mounts).
 */
export function sparkQueryProblems(
  selectSql: string,
  inputDirs: readonly string[] | ((dir: string) => boolean),
): string[] {
  let text: string;
  try {
    text = blankComments(tokenizeSpark(selectSql));
  } catch (e) {
    if (e instanceof SparkLexError) return [e.message];
    throw e;
  }
  const syntax = spark().validate(text);
  if (syntax.length > 0) return syntax.map((e) => `line ${e.startLine}: ${e.message}`);
  if ((spark().splitSQLByStatement(text)?.length ?? 0) !== 1) return ["it holds several statements"];
  const dirs = new Set(typeof inputDirs === "function" ? [] : inputDirs.map(trimSlashes));
  const allowed = typeof inputDirs === "function" ? inputDirs : (dir: string) => dirs.has(trimSlashes(dir));
  const scoped = checkQueryScopes(
    spark(),
    text,
    [],
    nameParts,
    (parts) => parts.length === 2 && parts[0]!.toLowerCase() === "parquet" && allowed(parts[1]!),
  );
  return scoped.problems.map((p) => p.message);
}
