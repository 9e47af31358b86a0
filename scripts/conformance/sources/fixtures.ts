import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { type PrepareFixture, rowsOf, schemaOf } from "../../../packages/compiler/test/prepare-harness.ts";
import type { ConformanceCase, Row } from "../types.ts";

/**
 * The compiler's golden fixtures (recipe kinds), prepare-step fixtures and split fixtures (one
 * case per output). For golden and split fixtures Spark reads the DuckDB-written Parquet, as it
 * would on Databricks; the prepare-step ones read inline rows.
 */
const FIXTURE_DIR = path.resolve(import.meta.dirname, "../../../packages/compiler/test/fixtures");

export interface GoldenFixture {
  spec: unknown;
  context?: Record<string, unknown>;
  inputs: { name: string; schema: DatasetSchema; rows: Row[] }[];
  expected: { schema: DatasetSchema; rows: Row[]; ordered: boolean; sparkAnsiOnError?: string };
}

export interface SplitFixture {
  spec: unknown;
  inputs: { name: string; schema: DatasetSchema; rows: Row[] }[];
  expected: { outputs: { schema: DatasetSchema; rows: Row[]; sparkAnsiOnError?: string }[] };
}

const recipeFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".recipe.json"))
    .sort()
    .map((f) => ({ name: f.replace(/\.recipe\.json$/, ""), file: path.join(dir, f) }));

const read = <T>(file: string) => JSON.parse(readFileSync(file, "utf8")) as T;

export function goldenCases(): ConformanceCase[] {
  return recipeFiles(FIXTURE_DIR).map(({ name, file }) => {
    const f = read<GoldenFixture>(file);
    return {
      name,
      source: "golden fixtures",
      spec: f.spec,
      ...(f.context ? { context: f.context } : {}),
      inputs: f.inputs,
      ordered: f.expected.ordered,
      parquet: true,
      recorded: {
        rows: f.expected.rows,
        columns: f.expected.schema,
        expectation: { kind: "golden", file },
        ...(f.expected.sparkAnsiOnError ? { ansiOnError: f.expected.sparkAnsiOnError } : {}),
      },
    };
  });
}

export function prepareFixtureCases(): ConformanceCase[] {
  return recipeFiles(path.join(FIXTURE_DIR, "prepare-steps")).map(({ name, file }) => {
    const f = read<PrepareFixture & { expected: { sparkAnsiOnError?: string } }>(file);
    return {
      name,
      source: "prepare-step fixtures",
      spec: f.spec,
      ...(f.context ? { context: f.context } : {}),
      inputs: [
        { name: "input", schema: schemaOf(f.input.columns), rows: rowsOf(f.input.columns, f.input.rows) },
      ],
      ordered: f.expected.ordered ?? false,
      // Inline rows: these fixtures hold plain types; the golden and split ones cover the Parquet path.
      parquet: false,
      recorded: {
        rows: rowsOf(f.expected.columns, f.expected.rows),
        columns: schemaOf(f.expected.columns),
        expectation: { kind: "prepare", file },
        ...(f.expected.sparkAnsiOnError ? { ansiOnError: f.expected.sparkAnsiOnError } : {}),
      },
    };
  });
}

export function splitCases(): ConformanceCase[] {
  return recipeFiles(path.join(FIXTURE_DIR, "split")).flatMap(({ name, file }) => {
    const f = read<SplitFixture>(file);
    return f.expected.outputs.map((o, k) => ({
      name: `${name}#${k + 1}`,
      source: "split fixtures (per output)",
      spec: f.spec,
      inputs: f.inputs,
      output: k,
      ordered: false,
      parquet: true,
      recorded: {
        rows: o.rows,
        columns: o.schema,
        expectation: { kind: "split" as const, file, output: k },
        ...(o.sparkAnsiOnError ? { ansiOnError: o.sparkAnsiOnError } : {}),
      },
    }));
  });
}
