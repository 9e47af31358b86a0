import path from "node:path";
import { AppError, type ColumnType, type DatasetSchema } from "@sous/contracts";
import { DUCK_TYPE_OF } from "./duckdb-types.ts";
import type { LocalEngine } from "./local-engine.ts";
import { castableSql, isEmptySql, type Meaning } from "./quality-sql.ts";
import { duckIdent, duckString } from "./sql-literals.ts";

const DUCK_TYPE = DUCK_TYPE_OF;

/** The expression that converts a column to a type; empty text becomes null. */
function castExpr(id: string, from: ColumnType, to: ColumnType): string {
  if (from === to) return id;
  if (to === "string") return `CAST(${id} AS VARCHAR)`;
  const v = from === "string" ? `NULLIF(trim(${id}), '')` : id;
  if (from === "string" && to === "boolean") return `CAST(lower(${v}) AS BOOLEAN)`;
  return `CAST(${v} AS ${DUCK_TYPE[to]})`;
}

/** SQL true for a non-empty value that the new type cannot hold. */
function failsSql(id: string, from: ColumnType, to: ColumnType): string {
  if (from === to || to === "string") return "false";
  if (from === "string") {
    const meaning: Meaning =
      to === "integer" || to === "bigint" ? "integer" : to === "decimal" ? "double" : (to as Meaning);
    const extra = to === "integer" ? ` OR TRY_CAST(trim(${id}) AS INTEGER) IS NULL` : "";
    return `(NOT ${isEmptySql(id)} AND (NOT ${castableSql(id, meaning)}${extra}))`;
  }
  return `(${id} IS NOT NULL AND TRY_CAST(${id} AS ${DUCK_TYPE[to]}) IS NULL)`;
}

/**
 * Checks that every value of a version can be converted to the new schema (same columns, new
 * types) and writes the converted data to `<outDir>/part-0.parquet`. A value that does not fit
 * refuses the change with the column, how many values, and the first one with its row number.
 */
export async function castColumns(
  engine: LocalEngine,
  opts: { dir: string; from: DatasetSchema; to: DatasetSchema; outDir: string },
): Promise<number> {
  if (opts.to.length !== opts.from.length || opts.to.some((c, i) => c.name !== opts.from[i]?.name)) {
    throw new AppError(
      "invalid_input",
      `The schema must list the same columns in the same order (${opts.from.map((c) => c.name).join(", ")}); only types can change.`,
    );
  }
  const src = `read_parquet(${duckString(path.join(opts.dir, "*.parquet"))}, filename = true, file_row_number = true)`;
  const changed = opts.to
    .map((c, i) => ({ name: c.name, to: c.type, from: opts.from[i]?.type ?? "string" }))
    .filter((c) => c.to !== c.from);
  return engine.withConnection(async (conn) => {
    if (changed.length) {
      const parts = changed.map((c, i) => {
        const id = duckIdent(c.name);
        const bad = failsSql(id, c.from, c.to);
        return `count(*) FILTER (WHERE ${bad}) AS n${i}, arg_min(CAST(${id} AS VARCHAR), row_number) FILTER (WHERE ${bad}) AS v${i}, min(row_number) FILTER (WHERE ${bad}) AS r${i}`;
      });
      const r = await conn.runAndReadAll(
        `SELECT ${parts.join(", ")} FROM (SELECT *, row_number() OVER (ORDER BY filename, file_row_number) AS row_number FROM ${src})`,
      );
      const row = r.getRowsJson()[0] ?? [];
      const problems = changed
        .map((c, i) => ({
          column: c.name,
          type: c.to,
          count: Number(row[i * 3] ?? 0),
          example: row[i * 3 + 1] as string | null,
          row: Number(row[i * 3 + 2] ?? 0),
        }))
        .filter((p) => p.count > 0);
      if (problems.length) {
        const text = problems
          .map(
            (p) =>
              `${p.column}: ${p.count} value${p.count === 1 ? "" : "s"} cannot be read as ${p.type} (first on row ${p.row}: ${JSON.stringify(p.example)})`,
          )
          .join("; ");
        throw new AppError("invalid_input", `The new types do not fit the data. ${text}.`, {
          details: { problems },
        });
      }
    }
    const select = opts.to
      .map(
        (c, i) =>
          `${castExpr(duckIdent(c.name), opts.from[i]?.type ?? "string", c.type)} AS ${duckIdent(c.name)}`,
      )
      .join(", ");
    const target = duckString(path.join(opts.outDir, "part-0.parquet"));
    const w = await conn.runAndReadAll(
      `COPY (SELECT ${select} FROM read_parquet(${duckString(path.join(opts.dir, "*.parquet"))})) TO ${target} (FORMAT parquet, COMPRESSION snappy)`,
    );
    return Number(w.getRows()[0]?.[0] ?? 0);
  });
}
