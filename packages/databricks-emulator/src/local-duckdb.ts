import { DuckDBInstance } from "@duckdb/node-api";

/**
 * Runs SQL on a throwaway in-memory DuckDB and returns JSON-friendly rows. Tests of packages
 * that do not depend on DuckDB use it to seed mount folders with parquet and to read back what
 * the emulator wrote.
 */
export async function queryLocalDuckDb(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJson();
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
