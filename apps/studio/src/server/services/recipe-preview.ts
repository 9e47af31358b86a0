import "server-only";
import {
  type CompiledRecipe,
  CompileError,
  type CompileInput,
  compileRecipe,
  type Dialect,
  SqlRecipeError,
  UnsupportedError,
} from "@sous/compiler";
import { AppError, type RecipeSpec } from "@sous/contracts";
import { duckIdent, duckString, jsonValueFor, previewCellFor, sousTypeOfDuckDb } from "@sous/engine-local";
import { loadScoringModel, type ScoringModel } from "@sous/server-domain";
import type { RecipePreview } from "../../shared/api/recipe-preview-schemas.ts";
import { ctx } from "../context.ts";
import { displayLocations } from "./compile-for-display.ts";
import { sampleOf } from "./dataset-sample.ts";
import { requireKnownSchemas, resolveInputs } from "./flow-schemas.ts";

const PREVIEW_TIMEOUT_MS = 20_000;
const MAX_PIVOT_VALUES = 200;

function compileFor(
  spec: RecipeSpec,
  inputs: CompileInput[],
  dialect: Dialect,
  pivotValues: (string | number | boolean | null)[] | undefined,
  scoringModel?: ScoringModel,
): CompiledRecipe | { unsupported: string } {
  try {
    const context = {
      ...(pivotValues ? { pivotValues } : {}),
      ...(scoringModel ? { scoringModel } : {}),
    };
    return compileRecipe({ spec, inputs, dialect, context });
  } catch (e) {
    if (e instanceof CompileError) {
      throw new AppError("compile_error", e.message, {
        details: {
          code: e.code,
          path: e.path ?? [],
          // A SQL recipe's problems with their positions, for the editor to underline.
          ...(e instanceof SqlRecipeError ? { problems: e.problems } : {}),
        },
      });
    }
    if (e instanceof UnsupportedError) return { unsupported: e.message };
    throw e;
  }
}

/** Draft recipe -> SQL for both engines, output schema, per-step engines, and its first rows on the sample. */
export async function previewRecipe(
  projectId: string,
  body: { inputs: string[]; spec: RecipeSpec; limit: number; output?: number; recipeId?: string },
): Promise<RecipePreview> {
  const started = performance.now();
  const { db, engine } = ctx();
  // The lookups side by side (one after the other, four round trips came before any compile):
  // inputs never built are designed on the schema their recipe infers (SQL and columns, no rows);
  // a saved recipe's engine decides where the SparkSQL shown reads its inputs.
  const [resolved, found, locations] = await Promise.all([
    resolveInputs(projectId, body.inputs),
    db.dataset.findMany({
      where: { projectId, id: { in: body.inputs } },
      include: { currentVersion: true },
    }),
    (async () => {
      const recipeEngine = body.recipeId
        ? (await db.recipe.findFirst({ where: { id: body.recipeId, projectId }, select: { engine: true } }))
            ?.engine
        : undefined;
      return displayLocations({ projectId, recipeEngine });
    })(),
  ]);
  const known = requireKnownSchemas(resolved);
  const byId = new Map(found.map((d) => [d.id, d]));
  const datasets = body.inputs.map((id) => byId.get(id)!);
  const unbuilt = datasets.filter((d) => !d.currentVersion || d.schema === null).map((d) => d.name);

  // Each input is read through its saved sampling settings (first N by default), the same cached
  // sample the dataset's explore page shows, as DSS designs every recipe on the dataset's sample.
  const samples = await Promise.all(
    datasets.map((d) => (d.currentVersion && d.schema !== null ? sampleOf(d) : null)),
  );
  const inputs: CompileInput[] = datasets.map((d, i) => ({
    name: d.name,
    schema: samples[i]?.schema ?? known[i]!.schema,
    // An unbuilt input has no sample: nothing reads this path (the preview does not run).
    location: { format: "parquet", path: samples[i]?.dir ?? `unbuilt/${d.id}` },
  }));
  // The SQL shown is the SQL a run executes: it reads the inputs' current versions, not the
  // sample, where each engine sees them (Spark: the Databricks mount, never this server's folder).
  const shownFor = (dialect: Dialect): CompileInput[] =>
    datasets.map((d, i) => ({
      ...inputs[i]!,
      location: { format: "parquet", path: locations[dialect](d) },
    }));
  const eng = await engine;
  const signal = AbortSignal.timeout(PREVIEW_TIMEOUT_MS);

  // A pivot with no listed values reads them from the data; the preview reads them from the sample.
  let pivotValues: (string | number | boolean | null)[] | undefined;
  const spec = body.spec;
  if (spec.kind === "pivot" && !spec.params.values) {
    const col = inputs[0]?.schema.find((c) => c.name === spec.params.pivotColumn);
    if (col && samples[0]) {
      pivotValues = await eng.withConnection(async (c) => {
        const r = await c.runAndReadAll(
          `SELECT DISTINCT ${duckIdent(col.name)} AS v FROM read_parquet(${duckString(samples[0]?.file ?? "")}) ORDER BY v NULLS LAST LIMIT ${MAX_PIVOT_VALUES}`,
        );
        const t = String(r.columnTypes()[0] ?? "");
        return r.getRowsJson().map((row) => jsonValueFor(t, row[0]));
      }, signal);
    }
  }

  // A score recipe previews with its saved model's active version, as a build scores.
  const scoring =
    spec.kind === "score" || spec.kind === "evaluate"
      ? await loadScoringModel(db, ctx().storage, projectId, spec.params.savedModelId)
      : undefined;
  // The rows first: the SQL on the sample is compiled and handed to DuckDB, and the SQL shown for
  // both engines is compiled while DuckDB runs it (its threads, not this one's).
  const duck = compileFor(body.spec, inputs, "duckdb", pivotValues, scoring);
  const duckIndex =
    "sql" in duck ? Math.min(body.output ?? 0, Math.max(0, duck.outputSchemas.length - 1)) : 0;
  const duckSql = "sql" in duck ? (duck.sqlPerOutput?.[duckIndex] ?? duck.sql) : "";
  const run =
    unbuilt.length || !("sql" in duck) || duck.blocking || !duckSql
      ? null
      : // The recipe runs in a sandbox that can read only its inputs' samples.
        eng
          .sandboxed({ read: samples.flatMap((x) => (x ? [x.dir] : [])) }, (box) =>
            box.withConnection(
              (c) => c.runAndReadAll(`SELECT * FROM (\n${duckSql}\n) AS _preview LIMIT ${body.limit + 1}`),
              signal,
            ),
          )
          .then(
            (r) => ({ ok: true as const, r }),
            (e: unknown) => ({ ok: false as const, e }),
          );

  const compiled = {
    spark: compileFor(body.spec, shownFor("spark"), "spark", pivotValues, scoring),
    duckdb: compileFor(body.spec, shownFor("duckdb"), "duckdb", pivotValues, scoring),
  };
  const any = "sql" in compiled.duckdb ? compiled.duckdb : "sql" in compiled.spark ? compiled.spark : null;
  if (!any) {
    const why = "unsupported" in compiled.duckdb ? compiled.duckdb.unsupported : "no engine can run it";
    throw new AppError("compile_error", why);
  }

  // A split previews one of its outputs (the SQL shown and the rows are that output's).
  const outIndex = Math.min(body.output ?? 0, Math.max(0, any.outputSchemas.length - 1));
  const engines = {} as RecipePreview["engines"];
  for (const d of ["spark", "duckdb"] as const) {
    const c = compiled[d];
    engines[d] =
      "sql" in c
        ? {
            sql: c.sqlPerOutput?.[outIndex] ?? c.sql,
            blocking: c.blocking ? { stepId: c.blocking.stepId, reason: c.blocking.reason } : null,
            warnings: c.warnings,
          }
        : { sql: "", blocking: { stepId: body.spec.kind, reason: c.unsupported }, warnings: [] };
  }
  if (pivotValues) {
    const note = `Pivot values read from the sample (${pivotValues.length}); list them in the recipe so a run gives the same columns.`;
    engines.spark.warnings.unshift(note);
    engines.duckdb.warnings.unshift(note);
  }

  let columns = any.outputSchemas[outIndex] ?? [];
  let rows: RecipePreview["rows"] = [];
  let truncated = false;
  let runError: string | null = null;
  if (unbuilt.length) {
    runError = `${unbuilt.join(", ")} ${unbuilt.length === 1 ? "has" : "have"} no data yet: the columns come from the recipe that writes ${unbuilt.length === 1 ? "it" : "them"}. Build ${unbuilt.length === 1 ? "it" : "them"} to preview rows.`;
  } else if (!run) {
    runError = `No preview: the local engine cannot run this recipe (${engines.duckdb.blocking?.reason ?? "unsupported"}).`;
  } else {
    const ran = await run;
    if (ran.ok) {
      const r = ran.r;
      const types = r.columnTypes().map(String);
      columns = r
        .columnNames()
        .map((name, i) => ({ name, type: sousTypeOfDuckDb(types[i] ?? "") ?? "string" }));
      // Cells as the sample API sends them: decimals and integers past 2^53 as exact text.
      const all = r.getRowsJson().map((row) => row.map((v, i) => previewCellFor(types[i] ?? "", v)));
      truncated = all.length > body.limit;
      rows = all.slice(0, body.limit);
      // The compiler's schema is what a run writes; the preview keeps its names and types.
      const declared = any.outputSchemas[outIndex];
      if (declared && declared.length === columns.length) columns = declared;
    } else {
      const e = ran.e;
      runError = signal.aborted
        ? `The preview took longer than ${PREVIEW_TIMEOUT_MS / 1000} s on the sample. Run the recipe to see its output.`
        : `The preview failed on the sample: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  return {
    outputSchema: any.outputSchemas[outIndex] ?? [],
    steps: any.steps,
    engines,
    inputs: datasets.map((d, i) => ({
      datasetId: d.id,
      name: d.name,
      sampleRows: samples[i]?.rows ?? 0,
      totalRows: d.currentVersion?.rowCount == null ? null : Number(d.currentVersion.rowCount),
    })),
    columns,
    rows,
    truncated,
    runError,
    ...(any.stepSchemas ? { stepSchemas: any.stepSchemas } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}
