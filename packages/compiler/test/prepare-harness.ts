import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as api from "@duckdb/node-api";
import type { ColumnType, DatasetSchema } from "@sous/contracts";
import { registerSousUdfs } from "../src/prepare/udfs/duckdb.ts";
import type { Db, Row } from "./helpers/duckdb.ts";

/**
 * Prepare fixtures are written compactly: columns as "name:type", rows as arrays in column
 * order, so that 65+ hand-written fixtures stay readable. The spec is stored as is.
 */
export interface PrepareFixture {
  description: string;
  spec: { kind: "prepare"; version: 1; params: { steps: unknown[] } };
  context?: Record<string, unknown>;
  input: { columns: string[]; rows: unknown[][] };
  expected: { columns: string[]; rows: unknown[][]; ordered?: boolean };
  /** Engines the recipe cannot run on, with a fragment of the expected reason. */
  blocked?: { spark?: string; duckdb?: string };
  /** Fragments expected in warnings (partial verdicts), per dialect. */
  partial?: { spark?: string; duckdb?: string };
}

/** Every prepare fixture (`fixtures/prepare-steps/<name>.recipe.json`), by name. */
export function prepareFixtures(): { name: string; fixture: PrepareFixture }[] {
  const dir = join(import.meta.dirname, "fixtures", "prepare-steps");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".recipe.json"))
    .sort()
    .map((f) => ({
      name: f.replace(/\.recipe\.json$/, ""),
      fixture: JSON.parse(readFileSync(join(dir, f), "utf8")) as PrepareFixture,
    }));
}

export function schemaOf(columns: readonly string[]): DatasetSchema {
  return columns.map((c) => {
    const at = c.lastIndexOf(":");
    return { name: c.slice(0, at), type: c.slice(at + 1) as ColumnType };
  });
}

export function rowsOf(columns: readonly string[], rows: readonly unknown[][]): Row[] {
  const names = schemaOf(columns).map((c) => c.name);
  return rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
}

export function registerUdfs(db: Db): void {
  registerSousUdfs(db.conn, api);
}
