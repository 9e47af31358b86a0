import { compilePipeline, type PipelineStep } from "@sous/compiler";
import { AppError, RecipeSpecSchema } from "@sous/contracts";
import { jsonValueFor, type LocalEngine } from "@sous/engine-local";

/** A pivot's columns are one group per value: past this many, the user should list them. */
const MAX_PIVOT_VALUES = 200;

/**
 * A pivot saved without `values` takes them from its input when it is built (as DSS does): for
 * each such step, the distinct values of the pivot column, read with DuckDB from the local copies
 * of the stored inputs (through the upstream steps of the pipeline when the input is virtual),
 * sorted with NULL last. Returns the steps with `context.pivotValues` set; the others unchanged.
 */
export async function withPivotValues(
  engine: LocalEngine,
  steps: PipelineStep[],
  readDirs: string[],
  signal?: AbortSignal,
): Promise<PipelineStep[]> {
  const out: PipelineStep[] = [];
  for (const step of steps) {
    const spec = step.spec;
    if (spec.kind !== "pivot" || spec.params.values?.length || step.context?.pivotValues) {
      out.push(step);
      continue;
    }
    const column = spec.params.pivotColumn;
    // The distinct values as a one-key group over the pivot's own input, after the steps before it.
    const probe = compilePipeline({
      steps: [
        ...out,
        {
          name: `${step.name} (pivot values)`,
          spec: RecipeSpecSchema.parse({
            kind: "group",
            version: 1,
            params: { keys: [column], aggregations: [] },
          }),
          inputs: step.inputs,
        },
      ],
      dialect: "duckdb",
    });
    if (probe.blocking)
      throw new AppError(
        "compile_error",
        `The pivot values of ${step.name} cannot be read locally: ${probe.blocking.reason}`,
      );
    const values = await engine.sandboxed({ read: readDirs }, (box) =>
      box.withConnection(async (c) => {
        const r = await c.runAndReadAll(
          `SELECT * FROM (\n${probe.sql}\n) AS _values ORDER BY 1 NULLS LAST LIMIT ${MAX_PIVOT_VALUES + 1}`,
        );
        const t = String(r.columnTypes()[0] ?? "");
        return r.getRowsJson().map((row) => jsonValueFor(t, row[0]) as string | number | boolean | null);
      }, signal),
    );
    if (values.length > MAX_PIVOT_VALUES)
      throw new AppError(
        "invalid_input",
        `${step.name} pivots on more than ${MAX_PIVOT_VALUES} values of ${column}: list the values to pivot on in the recipe.`,
      );
    if (values.length === 0)
      throw new AppError(
        "invalid_input",
        `${step.name} pivots on ${column}, which has no values: its input is empty.`,
      );
    out.push({ ...step, context: { ...step.context, pivotValues: values } });
  }
  return out;
}
