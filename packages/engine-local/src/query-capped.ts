import { JsonDuckDBValueConverter } from "@duckdb/node-api";
import { previewCellFor } from "./duckdb-types.ts";
import type { LocalEngine, QueryProgressReader } from "./local-engine.ts";

export interface CappedRows {
  columns: { name: string; duckType: string }[];
  /** The first `maxRows` rows, cells as the sample API sends them (exact decimals, big integers as text). */
  rows: (string | number | boolean | null)[][];
  /** Every row of the result, not only those returned. */
  rowCount: number;
}

/**
 * Runs one query and returns its first `maxRows` rows with the full row count, in ONE execution:
 * the result is streamed chunk by chunk, rows past the cap are counted and dropped, so a notebook
 * cell over millions of rows neither runs twice (a count(*) beside a LIMIT) nor holds them all.
 */
export async function queryCapped(
  engine: LocalEngine,
  sql: string,
  opts: {
    maxRows: number;
    signal?: AbortSignal | undefined;
    /** Gets a reader of the query's progress as it starts (see LocalEngine.withConnection). */
    watch?: ((progress: QueryProgressReader) => void) | undefined;
  },
): Promise<CappedRows> {
  return engine.withConnection(
    async (c) => {
      const result = await c.stream(sql);
      const names = result.columnNames();
      const types = result.columnTypes().map(String);
      const rows: CappedRows["rows"] = [];
      let rowCount = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const room = opts.maxRows - rows.length;
        if (room > 0) {
          const json = chunk.convertRows(JsonDuckDBValueConverter);
          for (const row of json.slice(0, room))
            rows.push(row.map((v, i) => previewCellFor(types[i] ?? "", v)));
        }
        rowCount += chunk.rowCount;
      }
      return { columns: names.map((name, i) => ({ name, duckType: types[i] ?? "" })), rows, rowCount };
    },
    opts.signal,
    opts.watch,
  );
}
