import "server-only";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CompileError,
  type CompileInput,
  compileRecipe,
  type SqlProblem,
  SqlRecipeError,
  sqlInputsRead,
} from "@sous/compiler";
import { type SparkToken, tokenizeSpark } from "@sous/compiler/spark-lexer";
import { AppError, DatasetSchemaSchema, newId, type RecipeSpec } from "@sous/contracts";
import { isUniqueViolation, type Prisma } from "@sous/db";
import { QueryCancelledError, queryCapped, sousTypeOfDuckDb } from "@sous/engine-local";
import {
  CELL_RESULT_MAX_ROWS,
  type CellResult,
  CellResultSchema,
  type Notebook,
  type NotebookCell,
  NotebookCellSchema,
  type NotebookSummary,
  STORED_RESULT_MAX_ROWS,
} from "../../shared/api/notebook-schemas.ts";
import { ctx } from "../context.ts";
import { trackCellRun } from "./cell-progress.ts";
import { createRecipe } from "./recipes.ts";

// SQL notebooks (issue #17): each cell is ONE SparkSQL query, checked and translated exactly as a
// SQL recipe's (the compiler's sandbox rules), that reads the project's datasets by name and runs
// on the local engine over their full current versions, in a DuckDB sandbox that can read only
// the folders of the datasets the cell names. A cell's last result is stored apart from the
// notebook, so running a cell never conflicts with someone's edit of the cells.

/** A cell that runs longer is interrupted (closing the page interrupts it sooner). */
const RUN_TIMEOUT_MS = 5 * 60_000;

type NotebookRow = NonNullable<Awaited<ReturnType<typeof findNotebookRow>>>;

// Python notebooks (python-notebooks.ts) share the table: here only SQL ones are found, except to
// be listed and deleted.
function findNotebookRow(projectId: string, notebookId: string) {
  return ctx().db.notebook.findFirst({ where: { id: notebookId, projectId, kind: "sql" } });
}

async function findNotebook(projectId: string, notebookId: string): Promise<NotebookRow> {
  const n = await findNotebookRow(projectId, notebookId);
  if (!n) throw new AppError("not_found", "Notebook not found.");
  return n;
}

function cellsOf(n: { cells: unknown }): NotebookCell[] {
  const parsed = NotebookCellSchema.array().safeParse(n.cells);
  return parsed.success ? parsed.data : [];
}

function ipynbCellCount(doc: unknown): number {
  const cells = (doc as { cells?: unknown } | null)?.cells;
  return Array.isArray(cells) ? cells.length : 0;
}

function summaryOf(n: NotebookRow): NotebookSummary {
  return {
    id: n.id,
    projectId: n.projectId,
    name: n.name,
    kind: n.kind === "python" ? "python" : "sql",
    cellCount: n.kind === "python" ? ipynbCellCount(n.cells) : cellsOf(n).length,
    version: n.version,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  };
}

async function notebookDto(n: NotebookRow): Promise<Notebook> {
  const { db } = ctx();
  await pendingStores.get(n.id);
  const cells = cellsOf(n);
  const [stored, datasets] = await Promise.all([
    db.notebookCellResult.findMany({ where: { notebookId: n.id } }),
    db.dataset.findMany({
      where: { projectId: n.projectId },
      select: { id: true, name: true, currentVersionId: true },
      orderBy: { name: "asc" },
    }),
  ]);
  const ids = new Set(cells.map((c) => c.id));
  const results: Record<string, CellResult> = {};
  for (const r of stored) {
    const parsed = CellResultSchema.safeParse(r.result);
    if (ids.has(r.cellId) && parsed.success) results[r.cellId] = parsed.data;
  }
  return {
    ...summaryOf(n),
    cells,
    results,
    datasets: datasets.map((d) => ({ id: d.id, name: d.name, built: d.currentVersionId !== null })),
  };
}

/** Both kinds of notebook share the table, so one name is taken for either kind. */
export const nameTaken = (name: string) =>
  new AppError("conflict", `A notebook named ${name} already exists in this project. Choose another name.`);

/**
 * Writes a notebook's content (SQL cells or a Python .ipynb) if `version` is still the stored one:
 * a save that started from an older version is a 409, as for recipes.
 */
export async function writeNotebookContent(
  id: string,
  input: { version: number; name?: string | undefined; content: unknown },
): Promise<void> {
  try {
    const r = await ctx().db.notebook.updateMany({
      where: { id, version: input.version },
      data: {
        cells: input.content as Prisma.InputJsonValue,
        version: { increment: 1 },
        ...(input.name ? { name: input.name } : {}),
      },
    });
    if (r.count === 0)
      throw new AppError(
        "conflict",
        "Someone else saved this notebook meanwhile: reload it to see their changes, then edit again.",
      );
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.name ?? "");
    throw e;
  }
}

export async function listNotebooks(projectId: string): Promise<NotebookSummary[]> {
  const rows = await ctx().db.notebook.findMany({ where: { projectId }, orderBy: { updatedAt: "desc" } });
  return rows.map(summaryOf);
}

export async function createNotebook(
  projectId: string,
  input: { name: string; cells?: NotebookCell[] | undefined },
): Promise<Notebook> {
  const cells = input.cells ?? [{ id: newId(), sql: "" }];
  try {
    const n = await ctx().db.notebook.create({
      data: { projectId, name: input.name, kind: "sql", cells: cells as unknown as Prisma.InputJsonValue },
    });
    return notebookDto(n);
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.name);
    throw e;
  }
}

export async function getNotebook(projectId: string, notebookId: string): Promise<Notebook> {
  return notebookDto(await findNotebook(projectId, notebookId));
}

/** Saves the cells; `version` must be the one the edit started from (someone else's save is a 409). */
export async function saveNotebook(
  projectId: string,
  notebookId: string,
  input: { version: number; name?: string | undefined; cells: NotebookCell[] },
): Promise<Notebook> {
  const { db } = ctx();
  const n = await findNotebook(projectId, notebookId);
  await writeNotebookContent(n.id, { version: input.version, name: input.name, content: input.cells });
  // Results of deleted cells go with them (after the results still being written).
  await pendingStores.get(n.id);
  await db.notebookCellResult.deleteMany({
    where: { notebookId: n.id, cellId: { notIn: input.cells.map((c) => c.id) } },
  });
  return getNotebook(projectId, notebookId);
}

export async function deleteNotebook(projectId: string, notebookId: string): Promise<void> {
  // Either kind (a Python notebook is deleted here too).
  const n = await ctx().db.notebook.findFirst({ where: { id: notebookId, projectId } });
  if (!n) throw new AppError("not_found", "Notebook not found.");
  await ctx().db.notebook.delete({ where: { id: n.id } });
}

/**
 * The names a cell may read as tables: every identifier of the query that is not a column after
 * a dot nor a string. Only the project's datasets with these names are bound (and only their
 * folders are readable), so a cell over two datasets of a hundred opens two. A name that is also
 * a column name binds a dataset the query does not read: harmless, it is one more CTE.
 */
export function namesIn(sql: string): Set<string> {
  let tokens: SparkToken[];
  try {
    tokens = tokenizeSpark(sql);
  } catch {
    return new Set(); // the compiler's check reports where the text does not tokenize
  }
  const names = new Set<string>();
  let prev: SparkToken | undefined;
  for (const t of tokens) {
    if (t.kind === "space" || t.kind === "comment") continue;
    const afterDot = prev?.kind === "other" && prev.text === ".";
    if (!afterDot && t.kind === "word") names.add(t.text.toLowerCase());
    if (!afterDot && t.kind === "quoted-ident") names.add(t.value.toLowerCase());
    prev = t;
  }
  return names;
}

async function referencedDatasets(projectId: string, sql: string) {
  const names = namesIn(sql);
  const all = await ctx().db.dataset.findMany({
    where: { projectId },
    select: { id: true, name: true, schema: true, currentVersion: true },
  });
  return all.filter((d) => names.has(d.name.toLowerCase()));
}

/** The compiler speaks of SQL recipes and their inputs; a cell reads the project's datasets. */
function forCell(message: string, unbuilt: ReadonlySet<string>): string {
  const table = /^Table (.+?) is not an input of this recipe/.exec(message);
  if (table) {
    const name = table[1]!.replace(/^`|`$/g, "");
    return unbuilt.has(name.toLowerCase())
      ? `${name} has no data yet: build or import it, then run the cell.`
      : `Table ${name} is not a dataset of this project: a cell reads the project's datasets and its own CTEs, by their names.`;
  }
  return message
    .replaceAll("in a SQL recipe", "in a notebook cell")
    .replaceAll("A SQL recipe is ONE query", "A cell is ONE query")
    .replaceAll("A SQL recipe is one query", "A cell is one query")
    .replaceAll("a SQL recipe may not do", "a cell may not do")
    .replaceAll("the recipe's inputs", "the project's datasets");
}

/** A refused cell: its problems reworded for a cell, the first one in the message with its position. */
export function refused(
  e: SqlRecipeError,
  unbuilt: ReadonlySet<string>,
): { message: string; problems: SqlProblem[] } {
  const problems = e.problems.map((p) => ({ ...p, message: forCell(p.message, unbuilt) }));
  const first = problems[0];
  const message = first ? `${first.message} (line ${first.line}, column ${first.column})` : e.message;
  return { message, problems };
}

/** DuckDB names a missing column, not where it is: point at the first place the cell names it. */
function locateRuntimeError(sql: string, message: string): SqlProblem[] {
  const m = /Referenced column "([^"]+)" not found/.exec(message);
  if (!m) return [];
  const wanted = m[1]!.toLowerCase();
  let offset = 0;
  let tokens: SparkToken[];
  try {
    tokens = tokenizeSpark(sql);
  } catch {
    return [];
  }
  for (const t of tokens) {
    const name = t.kind === "word" ? t.text : t.kind === "quoted-ident" ? t.value : null;
    if (name?.toLowerCase() === wanted) {
      const at = (o: number) => {
        const before = sql.slice(0, o).split("\n");
        return { line: before.length, column: before.at(-1)!.length + 1 };
      };
      const a = at(offset);
      const b = at(offset + t.text.length);
      return [
        {
          message: `Column ${m[1]} is not found here.`,
          line: a.line,
          column: a.column,
          endLine: b.line,
          endColumn: b.column,
        },
      ];
    }
    offset += t.text.length;
  }
  return [];
}

let emptyDir: string | undefined;
/** A cell that reads no dataset (SELECT 1) still runs in a sandbox: one that can read an empty folder. */
const nothingToRead = () => {
  emptyDir ??= mkdtempSync(path.join(tmpdir(), "sous-notebook-empty-"));
  return emptyDir;
};

/**
 * Results being written, by notebook: a successful run answers while its result is written (one
 * Postgres round trip less per run), and reads of the notebook in this process wait for the
 * writes, so whoever runs a cell and then opens the notebook sees its result. Writes of one
 * notebook are chained, so the last run of a cell is the one kept.
 */
const pendingStores = new Map<string, Promise<void>>();

function storeInBackground(notebookId: string, cellId: string, result: CellResult): void {
  const write = (pendingStores.get(notebookId) ?? Promise.resolve())
    .then(() => storeResult(notebookId, cellId, result))
    .catch((e: unknown) => {
      // The run itself succeeded and was answered; only its stored copy is missing.
      console.error(`notebook ${notebookId}: the result of cell ${cellId} was not stored`, e);
    })
    .finally(() => {
      if (pendingStores.get(notebookId) === write) pendingStores.delete(notebookId);
    });
  pendingStores.set(notebookId, write);
}

/** Keeps a cell's last result (its first rows only), whichever engine ran it. */
export async function storeResult(notebookId: string, cellId: string, result: CellResult): Promise<void> {
  const stored: CellResult =
    result.status === "ok" ? { ...result, rows: result.rows.slice(0, STORED_RESULT_MAX_ROWS) } : result;
  const json = stored as unknown as Prisma.InputJsonValue;
  await ctx().db.notebookCellResult.upsert({
    where: { notebookId_cellId: { notebookId, cellId } },
    create: { notebookId, cellId, result: json, ranAt: new Date(result.ranAt) },
    update: { result: json, ranAt: new Date(result.ranAt) },
  });
}

/**
 * Runs a cell on the full data of the datasets it names: the first rows, the full count and the
 * column types; a refused query is a 422 whose details hold the problems with their positions.
 * `signal` aborts when the client goes away; the run also stops after RUN_TIMEOUT_MS.
 */
export async function runCell(
  projectId: string,
  notebookId: string,
  cellId: string,
  sql: string,
  signal?: AbortSignal,
): Promise<CellResult> {
  const started = performance.now();
  const ranAt = new Date().toISOString();
  const { engine, storage } = ctx();
  const [notebook, datasets] = await Promise.all([
    findNotebookRow(projectId, notebookId),
    referencedDatasets(projectId, sql),
  ]);
  if (!notebook) throw new AppError("not_found", "Notebook not found.");
  const built = datasets.filter((d) => d.currentVersion && d.schema !== null);
  const unbuilt = new Set(datasets.filter((d) => !built.includes(d)).map((d) => d.name.toLowerCase()));
  const elapsed = () => Math.round(performance.now() - started);

  const fail = async (code: "compile_error" | "invalid_input", message: string, problems: SqlProblem[]) => {
    await pendingStores.get(notebook.id);
    await storeResult(notebook.id, cellId, {
      status: "error",
      message,
      problems,
      durationMs: elapsed(),
      ranAt,
      sql,
    });
    return new AppError(code, message, { details: { problems } });
  };

  const leases = await Promise.all(built.map((d) => storage.acquire(d.currentVersion!.prefix)));
  try {
    const inputs: CompileInput[] = built.map((d, i) => ({
      name: d.name,
      schema: DatasetSchemaSchema.parse(d.currentVersion!.schema),
      location: { format: "parquet", path: leases[i]!.dir },
    }));
    let compiled: string;
    try {
      const spec: RecipeSpec = { kind: "sql", version: 1, params: { sql } };
      compiled = compileRecipe({ spec, inputs, dialect: "duckdb" }).sql;
    } catch (e) {
      if (e instanceof SqlRecipeError) {
        const r = refused(e, unbuilt);
        throw await fail("compile_error", r.message, r.problems);
      }
      if (e instanceof CompileError) throw await fail("compile_error", e.message, []);
      throw e;
    }
    const timeout = AbortSignal.timeout(RUN_TIMEOUT_MS);
    const stop = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const eng = await engine;
    const read = leases.length ? leases.map((l) => l.dir) : [nothingToRead()];
    let r: Awaited<ReturnType<typeof queryCapped>>;
    // The page polls the progress only while the run is in flight (DuckDB's percentage, elapsed).
    const tracked = trackCellRun(notebook.id, cellId);
    try {
      r = await eng.sandboxed({ read }, (box) =>
        queryCapped(box, compiled, { maxRows: CELL_RESULT_MAX_ROWS, signal: stop, watch: tracked.watch }),
      );
    } catch (e) {
      if (e instanceof QueryCancelledError) {
        if (timeout.aborted)
          throw await fail(
            "invalid_input",
            `The cell ran longer than ${RUN_TIMEOUT_MS / 60_000} minutes and was stopped: filter or aggregate earlier, or build it as a recipe.`,
            [],
          );
        throw await fail("invalid_input", "The run was cancelled.", []);
      }
      const text = (e instanceof Error ? e.message : String(e)).replace(/\n+LINE \d+:[\s\S]*$/, "").trim();
      throw await fail(
        "invalid_input",
        `The query failed on the local engine: ${text}`,
        locateRuntimeError(sql, text),
      );
    } finally {
      tracked.done();
    }
    const result: CellResult = {
      status: "ok",
      columns: r.columns.map((c) => ({
        name: c.name,
        engineType: c.duckType,
        type: sousTypeOfDuckDb(c.duckType),
      })),
      rows: r.rows,
      rowCount: r.rowCount,
      truncated: r.rowCount > r.rows.length,
      durationMs: elapsed(),
      ranAt,
      sql,
    };
    storeInBackground(notebook.id, cellId, result);
    return result;
  } finally {
    await Promise.all(leases.map((l) => l.release()));
  }
}

/**
 * "Save as dataset": a SQL recipe in the Flow with the cell's query, reading the datasets the cell
 * names and writing a new dataset (the recipe create service checks it as any SQL recipe).
 */
export async function saveCellAsDataset(
  projectId: string,
  notebookId: string,
  input: { sql: string; datasetName: string; recipeName?: string | undefined },
) {
  await findNotebook(projectId, notebookId);
  const named = await referencedDatasets(projectId, input.sql);
  // The recipe's inputs are the datasets the query reads as tables, not every dataset whose name
  // appears as a word (a column or alias of that name would add an input the recipe does not read).
  const read = sqlInputsRead(
    input.sql,
    named.map((d) => d.name),
  );
  const datasets = read === null ? named : named.filter((d) => read.includes(d.name));
  if (datasets.length === 0)
    throw new AppError(
      "invalid_input",
      "This cell reads no dataset of the project: a recipe needs at least one input.",
    );
  const recipeName = input.recipeName ?? `compute_${input.datasetName}`;
  const recipe = await createRecipe(projectId, {
    name: recipeName,
    inputs: datasets.map((d) => d.id),
    output: { name: input.datasetName },
    spec: { kind: "sql", version: 1, params: { sql: input.sql } },
  });
  const datasetId = recipe.outputs[0]!;
  return {
    recipeId: recipe.id,
    recipeName: recipe.name,
    datasetId,
    datasetName: input.datasetName,
    inputs: datasets.map((d) => ({ id: d.id, name: d.name })),
  };
}
