import "server-only";
import path from "node:path";
import {
  type CompileContext,
  type CompiledRecipe,
  CompileError,
  compileRecipe,
  type Dialect,
} from "@sous/compiler";
import { AppError, DatasetSchemaSchema, type RecipeSpec } from "@sous/contracts";
import { ctx } from "../context.ts";

/**
 * Compiles a recipe to show or check it, outside a run: inputs point at where their current
 * version lives (the worker compiles again against the version it actually reads).
 */
export function compileForDisplay(opts: {
  spec: RecipeSpec;
  inputs: { name: string; schema: unknown; currentVersionId: string | null; id: string; projectId: string }[];
  dialect: Dialect;
  context?: CompileContext;
}): CompiledRecipe {
  const { dataDir } = ctx();
  try {
    return compileRecipe({
      spec: opts.spec,
      dialect: opts.dialect,
      ...(opts.context ? { context: opts.context } : {}),
      inputs: opts.inputs.map((d) => {
        const rel = `projects/${d.projectId}/datasets/${d.id}/versions/${d.currentVersionId ?? "none"}`;
        return {
          name: d.name,
          schema: DatasetSchemaSchema.parse(d.schema),
          location: { format: "parquet", path: path.join(dataDir, "storage", rel) },
        };
      }),
    });
  } catch (e) {
    if (e instanceof CompileError) {
      throw new AppError("compile_error", e.message, { details: { code: e.code, path: e.path ?? [] } });
    }
    throw e;
  }
}
