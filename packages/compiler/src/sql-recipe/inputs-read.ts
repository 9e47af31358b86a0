import { checkSqlQuery, SqlRecipeError } from "./check.ts";

/**
 * Which of `candidates` a SQL query reads as tables (in the candidates' own spelling), by the same
 * parse and scope rules that check a SQL recipe: a candidate that appears only as a column, an
 * alias or a CTE of the query's own is not read. Null when the query does not pass the check with
 * all candidates as inputs (the caller then keeps them, and the recipe check says what is wrong).
 */
export function sqlInputsRead(sql: string, candidates: readonly string[]): string[] | null {
  try {
    const read = checkSqlQuery(sql, candidates).inputsRead;
    return candidates.filter((c) => read.has(c.toLowerCase()));
  } catch (e) {
    if (e instanceof SqlRecipeError) return null;
    throw e;
  }
}
