import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { lowerRecipe } from "../compile.ts";
import { CompileError } from "../errors.ts";
import type { CompileContext } from "../lower/context.ts";
import { renderSql } from "../render/renderer.ts";
import { sparkDialect } from "../render/spark-dialect.ts";
import { assessSteps } from "../translatability.ts";
import type { CompileInput } from "../types.ts";

type SqlSpec = Extract<RecipeSpec, { kind: "sql" }>;

/** Where the converted query reads input i: a placeholder path only this module renders. */
const placeholder = (i: number) => `/sous-convert-to-sql/input-${i}`;

/**
 * "Convert to code" (one-way, as in DSS): the SQL recipe whose SparkSQL is the visual recipe's
 * compiled Spark query, reading its inputs by dataset name instead of by path. Refused (a
 * CompileError `not_convertible`) for recipes with several outputs (split), SQL recipes, and
 * recipes with a step SparkSQL cannot express.
 */
export function convertRecipeToSql(args: {
  spec: RecipeSpec;
  inputs: readonly { name: string; schema: DatasetSchema }[];
  context?: CompileContext;
}): SqlSpec {
  const kind = (args.spec as { kind?: unknown }).kind;
  if (kind === "sql")
    throw new CompileError("not_convertible", "This recipe is already a SQL recipe.", ["kind"]);
  const names = new Map<string, string>();
  for (const input of args.inputs) {
    const key = input.name.toLowerCase();
    if (names.has(key) && names.get(key) !== input.name)
      throw new CompileError(
        "not_convertible",
        `Two inputs are named "${input.name}" (SQL names are case-insensitive): rename one dataset first.`,
        ["inputs"],
      );
    names.set(key, input.name);
  }
  const inputs: CompileInput[] = args.inputs.map((input, i) => ({
    name: input.name,
    schema: input.schema,
    location: { format: "parquet", path: placeholder(i) },
  }));
  const lowered = lowerRecipe(args.spec, inputs, args.context);
  if (lowered.outputs.length !== 1) {
    throw new CompileError(
      "not_convertible",
      `This recipe writes ${lowered.outputs.length} outputs; a SQL recipe writes one. Only single-output recipes can be converted to SQL.`,
      ["kind"],
    );
  }
  for (const step of assessSteps(lowered)) {
    const verdict = step.engines.spark;
    if (verdict.level === "none") {
      throw new CompileError("not_convertible", `Cannot convert to SparkSQL: ${verdict.reason}`, [step.id]);
    }
  }
  const byPath = new Map(inputs.map((input) => [input.location.path, input.name]));
  const sql = renderSql(lowered.outputs[0]!, {
    ...sparkDialect,
    parquetSource: (dir) => {
      const name = byPath.get(dir);
      if (name === undefined) throw new Error(`compiler bug: no input reads ${dir}`);
      return sparkDialect.quoteIdent(name);
    },
  });
  return { kind: "sql", version: 1, params: { sql } };
}
