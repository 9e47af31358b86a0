import "server-only";
import {
  CompileError,
  type CompileInput,
  compileRecipe,
  type SqlProblem,
  SqlRecipeError,
  sparkQueryProblems,
} from "@sous/compiler";
import {
  AppError,
  type ColumnType,
  DatasetSchemaSchema,
  type EngineChoice,
  EngineChoiceSchema,
  type RecipeSpec,
} from "@sous/contracts";
import {
  type ClusterLoad,
  clusterPathFor,
  createClusterLoad,
  DatabricksSqlError,
  describeRemoteFailure,
  queryOnDatabricks,
  type RemoteEngine,
  sparkErrorPosition,
} from "@sous/databricks";
import { loadRemoteEngine } from "@sous/server-domain";
import { CELL_RESULT_MAX_ROWS, type CellResult } from "../../shared/api/notebook-schemas.ts";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { type CellRunProgress, cellRunProgress, trackCellRun } from "./cell-progress.ts";
import { secretBox } from "./databricks-secrets.ts";
import { namesIn, refused, runCell, storeResult } from "./notebooks.ts";

// Where a SQL notebook's cells run (issue #17): the local engine (notebooks.ts), or a Databricks
// connection's compute profile. On Databricks a cell is compiled exactly as a SQL recipe is for
// Spark (the compiler's checker, the datasets bound by name to their versions' cluster paths
// through the connection's mount), must pass the scope guard the worker applies (it reads only
// those paths), and runs on a cluster of the profile with the recipes' lifecycle (reuse, start,
// wait) whose progress the page polls; the first 10,000 rows and the full count come back into
// the same grid, Spark's errors with their position in the cell.

/** A cell that runs longer is interrupted (closing the page or Cancel interrupts it sooner). */
const RUN_TIMEOUT_MS = 15 * 60_000;

const LOCAL: EngineChoice = { kind: "local" };

/** Busy counts per cluster of this studio process (the worker has its own). */
let clusterLoad: ClusterLoad | undefined;
export const studioClusterLoad = () => {
  clusterLoad ??= createClusterLoad();
  return clusterLoad;
};

async function notebookRow(projectId: string, notebookId: string) {
  const n = await ctx().db.notebook.findFirst({
    where: { id: notebookId, projectId, kind: "sql" },
    select: { id: true, engine: true },
  });
  if (!n) throw new AppError("not_found", "Notebook not found.");
  return n;
}

const engineOf = (v: unknown): EngineChoice => {
  const parsed = EngineChoiceSchema.safeParse(v);
  return parsed.success ? parsed.data : LOCAL;
};

export async function getNotebookEngine(
  projectId: string,
  notebookId: string,
): Promise<{ engine: EngineChoice }> {
  return { engine: engineOf((await notebookRow(projectId, notebookId)).engine) };
}

export async function setNotebookEngine(
  projectId: string,
  notebookId: string,
  engine: EngineChoice,
): Promise<{ engine: EngineChoice }> {
  const n = await notebookRow(projectId, notebookId);
  if (engine.kind === "databricks") {
    const profile = await ctx().db.computeProfile.findFirst({
      where: { id: engine.profileId, connectionId: engine.connectionId },
      select: { id: true },
    });
    if (!profile)
      throw new AppError("invalid_input", "engine: no such Databricks connection and compute profile.");
    await ctx().db.notebook.update({ where: { id: n.id }, data: { engine } });
  } else {
    // A JSON column is cleared with SQL NULL (Prisma's DbNull marker is not exported by @sous/db).
    await ctx().db.$executeRaw`UPDATE "Notebook" SET "engine" = NULL WHERE "id" = ${n.id}`;
  }
  return { engine };
}

// ---- progress of runs, polled by the page ------------------------------------------------------

/** What the cell's current (or last, for a minute) run says: cluster waits, upload, query, or DuckDB's percentage. */
export async function getCellProgress(
  projectId: string,
  notebookId: string,
  cellId: string,
): Promise<CellRunProgress> {
  await notebookRow(projectId, notebookId);
  return cellRunProgress(notebookId, cellId);
}

// ---- running a cell ------------------------------------------------------------------------------

/** Runs the cell on the notebook's engine: the local engine, or its Databricks compute profile. */
export async function runCellOnEngine(
  projectId: string,
  notebookId: string,
  cellId: string,
  sql: string,
  userId: string,
  signal?: AbortSignal,
): Promise<CellResult> {
  const n = await notebookRow(projectId, notebookId);
  const engine = engineOf(n.engine);
  if (engine.kind === "local") return runCell(projectId, notebookId, cellId, sql, signal);
  return runCellOnDatabricks({ projectId, notebookId, cellId, sql, userId, engine, signal });
}

/** A position Spark gives in the compiled statement, in the cell: the statement ends with the cell's text. */
export function positionInCell(
  sql: string,
  compiled: string,
  at: { line: number; column: number },
): { line: number; column: number } | undefined {
  const lines = compiled.split("\n");
  if (at.line < 1 || at.line > lines.length) return undefined;
  const offset = lines.slice(0, at.line - 1).reduce((n, l) => n + l.length + 1, 0) + at.column - 1;
  let common = 0;
  while (
    common < sql.length &&
    common < compiled.length &&
    sql[sql.length - 1 - common] === compiled[compiled.length - 1 - common]
  )
    common++;
  // Inside the datasets' bindings ahead of the cell's text: no place in the cell.
  if (offset < compiled.length - common) return undefined;
  const inCell = offset - (compiled.length - sql.length);
  const before = sql.slice(0, inCell).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** Spark's types as Databricks prints them (INT, DECIMAL(18,2)...) as Sous's column types. */
function sousTypeOfSpark(type: string): ColumnType | null {
  const t = type.toUpperCase();
  if (t === "STRING" || t === "VARCHAR" || t === "CHAR") return "string";
  if (t === "INT" || t === "SMALLINT" || t === "TINYINT") return "integer";
  if (t === "BIGINT") return "bigint";
  if (t === "DOUBLE" || t === "FLOAT") return "double";
  if (t.startsWith("DECIMAL")) return "decimal";
  if (t === "BOOLEAN") return "boolean";
  if (t === "DATE") return "date";
  if (t.startsWith("TIMESTAMP")) return "timestamp";
  return null;
}

/** A value from the driver as the grid's JSON cell (text for what JSON cannot hold exactly). */
function cellValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

async function runCellOnDatabricks(o: {
  projectId: string;
  notebookId: string;
  cellId: string;
  sql: string;
  userId: string;
  engine: Extract<EngineChoice, { kind: "databricks" }>;
  signal?: AbortSignal | undefined;
}): Promise<CellResult> {
  const { sql, notebookId, cellId } = o;
  const started = performance.now();
  const ranAt = new Date().toISOString();
  const elapsed = () => Math.round(performance.now() - started);
  const { db, storage, dataDir } = ctx();
  const fail = async (code: "compile_error" | "invalid_input", message: string, problems: SqlProblem[]) => {
    await storeResult(notebookId, cellId, {
      status: "error",
      message,
      problems,
      durationMs: elapsed(),
      ranAt,
      sql,
    });
    return new AppError(code, message, { details: { problems } });
  };

  const names = namesIn(sql);
  const datasets = (
    await db.dataset.findMany({
      where: { projectId: o.projectId },
      select: { id: true, name: true, schema: true, currentVersion: true },
    })
  ).filter((d) => names.has(d.name.toLowerCase()));
  const built = datasets.filter((d) => d.currentVersion && d.schema !== null);
  const unbuilt = new Set(datasets.filter((d) => !built.includes(d)).map((d) => d.name.toLowerCase()));

  const e = env();
  let engine: RemoteEngine;
  try {
    engine = await loadRemoteEngine({
      db,
      secretBox: secretBox(),
      connectionId: o.engine.connectionId,
      profileId: o.engine.profileId,
      userId: o.userId,
      installationStorage: storage,
      dataDir,
      timeouts: {
        connectMs: e.SOUS_DATABRICKS_CONNECT_TIMEOUT_SECONDS * 1000,
        readMs: e.SOUS_DATABRICKS_READ_TIMEOUT_SECONDS * 1000,
      },
    });
  } catch (err) {
    throw await fail("invalid_input", describeRemoteFailure(err).message, []);
  }

  const inputs: CompileInput[] = built.map((d) => ({
    name: d.name,
    schema: DatasetSchemaSchema.parse(d.currentVersion!.schema),
    location: { format: "parquet", path: clusterPathFor(engine.mapping, d.currentVersion!.prefix) },
  }));
  let compiled: string;
  try {
    const spec: RecipeSpec = { kind: "sql", version: 1, params: { sql } };
    compiled = compileRecipe({ spec, inputs, dialect: "spark" }).sql;
  } catch (err) {
    if (err instanceof SqlRecipeError) {
      const r = refused(err, unbuilt);
      throw await fail("compile_error", r.message, r.problems);
    }
    if (err instanceof CompileError) throw await fail("compile_error", err.message, []);
    throw err;
  }
  // The cluster reaches the whole mounted container: the cell may read its datasets and nothing else.
  const scope = sparkQueryProblems(
    compiled,
    inputs.map((i) => i.location.path),
  );
  if (scope.length > 0)
    throw await fail(
      "compile_error",
      `The cell was not sent to Databricks: ${scope[0]} Only the project's datasets may be read.`,
      [],
    );

  const timeout = AbortSignal.timeout(RUN_TIMEOUT_MS);
  const stop = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const tracked = trackCellRun(notebookId, cellId);
  tracked.log("info", `Running on Databricks (${engine.connectionName}, ${engine.profile.name})`);
  try {
    const r = await queryOnDatabricks({
      engine,
      load: studioClusterLoad(),
      selectSql: compiled,
      inputPrefixes: built.map((d) => d.currentVersion!.prefix),
      installationStorage: storage,
      maxRows: CELL_RESULT_MAX_ROWS,
      log: tracked.log,
      signal: stop,
    });
    tracked.log("info", `Done on cluster ${r.clusterId} in ${r.timings.totalMs} ms`);
    const result: CellResult = {
      status: "ok",
      columns: r.columns.map((c) => ({ name: c.name, engineType: c.type, type: sousTypeOfSpark(c.type) })),
      rows: r.rows.map((row) => row.map(cellValue)),
      rowCount: r.rowCount,
      truncated: r.rowCount > r.rows.length,
      durationMs: elapsed(),
      ranAt,
      sql,
    };
    await storeResult(notebookId, cellId, result);
    return result;
  } catch (err) {
    if (stop.aborted) {
      if (timeout.aborted)
        throw await fail(
          "invalid_input",
          `The cell ran longer than ${RUN_TIMEOUT_MS / 60_000} minutes on the cluster and was stopped: filter or aggregate earlier, or build it as a recipe.`,
          [],
        );
      throw await fail("invalid_input", "The run was cancelled.", []);
    }
    if (err instanceof DatabricksSqlError && err.status === undefined) {
      // A statement error: Spark's own text, with its place in the cell when it gives one.
      const text = err.message.replace(/\n[\s\S]*$/, "").trim();
      const at = sparkErrorPosition(err.message);
      const place = at ? positionInCell(sql, compiled, at) : undefined;
      const problems = place
        ? [
            {
              message: text,
              line: place.line,
              column: place.column,
              endLine: place.line,
              endColumn: place.column + 1,
            },
          ]
        : [];
      throw await fail("invalid_input", `The query failed on Databricks: ${text}`, problems);
    }
    throw await fail("invalid_input", describeRemoteFailure(err).message, []);
  } finally {
    tracked.done();
  }
}
