import { existsSync, mkdirSync, renameSync } from "node:fs";
import path from "node:path";
import { openDb } from "../../packages/compiler/test/helpers/duckdb.ts";
import { registerUdfs } from "../../packages/compiler/test/prepare-harness.ts";
import { canonRows, sousType } from "./compare.ts";
import { duckdbRowsSql, inputHash } from "./inputs.ts";
import type { CaseInput, Outcome } from "./types.ts";

/** The local engine's side: one in-memory DuckDB with Sous' UDFs, in UTC like the local engine. */
export interface Duck {
  /** Writes the input once (by content hash) as `<dir>/part-0.parquet`; returns the dir. */
  write(input: CaseInput): Promise<string>;
  run(sql: string, ordered: boolean): Promise<Outcome>;
  close(): void;
}

export async function openDuck(cacheDir: string): Promise<Duck> {
  const db = await openDb();
  const conn = db.conn;
  await conn.run("SET TimeZone = 'UTC'");
  registerUdfs(db);
  // One write per content hash, shared by concurrent callers: a case may read the same input
  // twice (a self-join), and two writers would race on the temporary file.
  const writing = new Map<string, Promise<string>>();
  const writeOnce = async (dir: string, input: CaseInput) => {
    if (existsSync(path.join(dir, "part-0.parquet"))) return dir;
    mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, "part-0.parquet.tmp");
    const lit = tmp.split("'").join("''");
    await conn.run(`COPY (${duckdbRowsSql(input)}) TO '${lit}' (FORMAT parquet)`);
    renameSync(tmp, path.join(dir, "part-0.parquet"));
    return dir;
  };
  return {
    write(input) {
      const dir = path.join(cacheDir, "inputs", inputHash(input));
      let pending = writing.get(dir);
      if (!pending) {
        pending = writeOnce(dir, input);
        writing.set(dir, pending);
      }
      return pending;
    },
    async run(sql, ordered) {
      try {
        const reader = await conn.runAndReadAll(sql);
        const types = reader.columnTypes();
        const columns = reader.columnNames().map((name, i) => ({
          name,
          type: sousType(String(types[i]), "duckdb"),
        }));
        return {
          types: columns.map((c) => c.type),
          names: columns.map((c) => c.name),
          rows: canonRows(columns, reader.getRowsJson() as unknown[][], ordered),
        };
      } catch (e) {
        return { error: "DuckDB", message: (e as Error).message.split("\n")[0]?.slice(0, 300) ?? "" };
      }
    },
    close: () => db.close(),
  };
}
