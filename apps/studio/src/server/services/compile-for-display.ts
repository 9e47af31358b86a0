import "server-only";
import {
  type CompileContext,
  type CompiledRecipe,
  CompileError,
  compileRecipe,
  type Dialect,
} from "@sous/compiler";
import { AppError, DatasetSchemaSchema, type RecipeSpec } from "@sous/contracts";
import { clusterPathResolver } from "@sous/server-domain";
import { datasetVersionPrefix, localStorageRoot, locate } from "@sous/storage";
import { ctx } from "../context.ts";

type DisplayInput = { id: string; projectId: string; currentVersionId: string | null };

/** The storage key prefix of an input's current version ("unbuilt" stands for the one a build writes). */
const displayPrefixOf = (d: DisplayInput) =>
  datasetVersionPrefix({
    projectId: d.projectId,
    datasetId: d.id,
    versionId: d.currentVersionId ?? "unbuilt",
  });

/**
 * Where an engine reads each input, for SQL that is shown: DuckDB reads this server's folders;
 * Spark reads the cluster path a remote build would use (the mount of the recipe's or project's
 * Databricks connection, else a placeholder), never a folder of this server.
 */
export async function displayLocations(opts: {
  projectId: string;
  recipeEngine?: unknown;
}): Promise<Record<Dialect, (d: DisplayInput) => string>> {
  const { dataDir, db } = ctx();
  const clusterPath = await clusterPathResolver(db, opts);
  const local = { kind: "local", root: localStorageRoot(dataDir) } as const;
  return {
    duckdb: (d) => locate(local, displayPrefixOf(d)),
    spark: (d) => clusterPath(displayPrefixOf(d)),
  };
}

/**
 * Compiles a recipe to show or check it, outside a run: inputs point at where their current
 * version lives (the worker compiles again against the version it actually reads). `locate`
 * (from `displayLocations`) is needed only where the SQL is shown.
 */
export function compileForDisplay(opts: {
  spec: RecipeSpec;
  inputs: { name: string; schema: unknown; currentVersionId: string | null; id: string; projectId: string }[];
  dialect: Dialect;
  context?: CompileContext;
  locate?: (d: DisplayInput) => string;
}): CompiledRecipe {
  try {
    return compileRecipe({
      spec: opts.spec,
      dialect: opts.dialect,
      ...(opts.context ? { context: opts.context } : {}),
      inputs: opts.inputs.map((d) => ({
        name: d.name,
        schema: DatasetSchemaSchema.parse(d.schema),
        // Not shown: only has to be well formed.
        location: { format: "parquet", path: opts.locate?.(d) ?? `unbuilt/${d.id}` },
      })),
    });
  } catch (e) {
    if (e instanceof CompileError) {
      throw new AppError("compile_error", e.message, { details: { code: e.code, path: e.path ?? [] } });
    }
    throw e;
  }
}
