// The engine's own SQL (import, preview, describe) names files and columns. Those go through
// these two functions only; recipe SQL comes from the compiler and its dialect hooks.

/** A DuckDB string literal: single quotes, embedded quotes doubled. NUL bytes cannot be represented. */
export function duckString(value: string): string {
  if (value.includes("\u0000")) throw new Error("NUL byte in a SQL string literal");
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DuckDB identifier: double quotes, embedded double quotes doubled. */
export function duckIdent(name: string): string {
  if (name.includes("\u0000")) throw new Error("NUL byte in a SQL identifier");
  return `"${name.replaceAll('"', '""')}"`;
}
