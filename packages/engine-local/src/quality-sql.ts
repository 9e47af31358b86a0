import type { ColumnType } from "@sous/contracts";

// What "valid" means for a column, as SQL. Typed columns are valid when not null; a text column
// is measured against its meaning: the type most of its values can be read as (as DSS does).

export type Meaning = "integer" | "double" | "boolean" | "date" | "timestamp" | "text";
export const MEANING_CANDIDATES: Exclude<Meaning, "text">[] = [
  "integer",
  "double",
  "date",
  "timestamp",
  "boolean",
];

/** True when the (VARCHAR) expression is empty: null or only whitespace. */
export const isEmptySql = (v: string) => `(${v} IS NULL OR trim(CAST(${v} AS VARCHAR)) = '')`;

/** True when a non-empty text value can be read as the meaning. */
export function castableSql(v: string, m: Meaning): string {
  const t = `trim(${v})`;
  switch (m) {
    // A strict pattern: DuckDB's integer cast would round '1.5' to 2.
    case "integer":
      return `regexp_full_match(${t}, '[+-]?[0-9]{1,18}')`;
    case "double":
      return `(TRY_CAST(${t} AS DOUBLE) IS NOT NULL)`;
    // A cheap pattern first: DuckDB's date parsing is the costly part of the stats pass, and the
    // conjunction only parses the rows that look like dates.
    case "date":
      return `(regexp_full_match(${t}, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}') AND TRY_CAST(${t} AS DATE) IS NOT NULL)`;
    case "timestamp":
      return `(regexp_matches(${t}, '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[ T][0-9]') AND TRY_CAST(${t} AS TIMESTAMP) IS NOT NULL)`;
    case "boolean":
      return `(lower(${t}) IN ('true', 'false'))`;
    case "text":
      return "true";
  }
}

/** SQL that is true for an invalid value of a column (never for typed columns). */
export function invalidSql(v: string, type: ColumnType, meaning: Meaning | null): string {
  if (type !== "string" || !meaning || meaning === "text") return "false";
  return `(NOT ${isEmptySql(v)} AND NOT ${castableSql(v, meaning)})`;
}
