import path from "node:path";
import { compileSplitRouting, type PipelineStep } from "@sous/compiler";
import { duckIdent, duckString } from "@sous/engine-local";

const TABLE = "sous_split_rows";

/**
 * A split run on DuckDB with ONE read of its input for all its outputs: `setup` reads the input
 * once and keeps, in a temporary table of the connection, its rows with each row's outputs
 * (the split's predicates, evaluated once: `compileSplitRouting`); `selects[i]`, run on the same
 * connection after it, is output i filtered from that table. Otherwise each output's query reads
 * and decodes the whole input again, and evaluates the predicates again (a random split hashes
 * every row once per output): DuckDB has no multi-output write.
 *
 * Only where it pays: keeping the rows costs about as much as reading the Parquet input again,
 * so it is for a split by random ratios, whose predicates hash every row's columns for each
 * output (bench/split.ts, 3 outputs of 3M rows: 0.65x the time; by values or by regex rules
 * 1.3x, so those still read the input once per output). And only a split alone on a stored
 * dataset: the build planner never merges recipes into a split (a pipeline ends before it), so
 * that is every split the worker runs. Null otherwise: the outputs run one query each.
 */
export function splitInOneScan(steps: readonly PipelineStep[]): { setup: string; selects: string[] } | null {
  const split = steps[0];
  const input = split?.inputs[0];
  if (steps.length !== 1 || split?.spec.kind !== "split" || split.inputs.length !== 1 || !input) return null;
  if ("step" in input || split.spec.params.mode !== "random") return null;
  const routing = compileSplitRouting({ spec: split.spec, input, dialect: "duckdb" });
  if (!routing) return null;
  // Where the compiler reads the input: the same files the per-output queries read.
  const read = `read_parquet(${duckString(path.join(input.location.path, "*.parquet"))})`;
  if (!routing.sql.includes(read)) return null;
  return {
    setup: `CREATE TEMPORARY TABLE ${TABLE} AS ${routing.sql}`,
    selects: routing.outputSchemas.map(
      (schema, k) =>
        `SELECT ${schema.map((c) => duckIdent(c.name)).join(", ")} FROM ${TABLE} WHERE ${duckIdent(routing.routes[k]!)}`,
    ),
  };
}
