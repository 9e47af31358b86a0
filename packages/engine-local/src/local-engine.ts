import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema } from "@sous/contracts";
import { previewCellFor, sousTypeOfDuckDb } from "./duckdb-types.ts";
import { duckIdent, duckString } from "./sql-literals.ts";
import { registerSousUdfs } from "./udfs/index.ts";

export interface LocalEngineOptions {
  /** The only directories SQL may read or write; everything else is refused by DuckDB itself. */
  allowedDirectories: string[];
  threads?: number;
  memoryLimit?: string;
}

/** What one recipe run may touch: its inputs' folders, and the folder it writes. */
export interface SandboxOptions {
  /** Folders of the inputs: the only data the statement can read. */
  read: readonly string[];
  /** The staging folder of the output, when the statement writes. */
  write?: readonly string[];
}

export interface PreviewResult {
  columns: DatasetSchema;
  rows: (string | number | boolean | null)[][];
}

/** Interrupted by an AbortSignal (job cancel, timeout). */
export class QueryCancelledError extends Error {
  constructor() {
    super("The query was cancelled");
    this.name = "QueryCancelledError";
  }
}

/**
 * DuckDB inside the worker (and the studio, for imports and previews). One instance per process,
 * a connection per operation. External access is locked down at creation: SQL can touch only
 * files under `allowedDirectories`, and the configuration cannot be changed afterwards.
 */
export class LocalEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly opts: Omit<LocalEngineOptions, "allowedDirectories">,
    /**
     * A read sandbox's connection that tracks DuckDB's query progress, idle when not null here.
     * DuckDB's progress settings are per connection and the configuration is locked before any
     * query connects, so it is the connection that locked the instance, kept open.
     */
    private progressConnection: DuckDBConnection | null = null,
  ) {}

  static async create(opts: LocalEngineOptions): Promise<LocalEngine> {
    const { instance } = await lockedInstance(opts, opts.allowedDirectories);
    return new LocalEngine(instance, opts);
  }

  /**
   * Runs `fn` on an engine of its own that can read only `read` and write only `write`: every
   * recipe run and preview goes through one, so even a query the SQL checker wrongly let through
   * reaches no other dataset and no other file. DuckDB cannot narrow a locked instance, hence a
   * new instance (about 15 ms), with a private temp folder so spilled data of other runs is out
   * of reach too. Read-only sandboxes (previews) are kept for reuse by the same set of inputs:
   * a recipe editor previews the same inputs over and over.
   */
  async sandboxed<T>(opts: SandboxOptions, fn: (engine: LocalEngine) => Promise<T>): Promise<T> {
    const dirs = [...opts.read, ...(opts.write ?? [])].map((d) => path.resolve(d));
    if (dirs.length === 0) throw new Error("a sandbox needs at least one folder to read or write");
    if (opts.write?.length) {
      const box = await this.openSandbox(dirs, true);
      try {
        return await fn(box.engine);
      } finally {
        this.retire(box.close);
      }
    }
    const key = [...new Set(dirs)].sort().join("\n");
    let entry = this.previewBoxes.get(key);
    if (!entry) {
      entry = { box: this.openSandbox(dirs, false), users: 0, lastUsed: 0 };
      this.previewBoxes.set(key, entry);
      entry.box.catch(() => this.previewBoxes.delete(key));
    }
    entry.users++;
    try {
      return await fn((await entry.box).engine);
    } finally {
      entry.users--;
      entry.lastUsed = performance.now();
      this.evictPreviewBoxes();
    }
  }

  /**
   * Closing an instance that ran a query blocks this thread while DuckDB frees its memory (about
   * 9 ms after a 600k-row group-by here, tens of ms after 6M rows). Closed as soon as its caller
   * had the result, it held up what the caller did next: reading the output's footer and
   * fsyncing it took 11 ms instead of 2 (in-process, same run). So a finished write sandbox is
   * retired: closed, and the next spare instance started, by closeRetired(), which the worker
   * calls once a job's end is recorded, or at the latest RETIRED_CLOSE_MS later, so its memory
   * is not held for long.
   */
  private retire(close: () => void): void {
    this.retired.push(close);
    if (!this.retiredTimer) {
      this.retiredTimer = setTimeout(() => this.closeRetired(), RETIRED_CLOSE_MS);
      this.retiredTimer.unref();
    }
  }

  /** Closes the instances of finished write sandboxes (see retire). */
  closeRetired(): void {
    if (this.retiredTimer) clearTimeout(this.retiredTimer);
    this.retiredTimer = null;
    const closes = this.retired;
    this.retired = [];
    for (const close of closes) close();
  }

  private retired: (() => void)[] = [];
  private retiredTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly previewBoxes = new Map<
    string,
    { box: Promise<{ engine: LocalEngine; close: () => void }>; users: number; lastUsed: number }
  >();

  /** Keeps the most recently used idle sandboxes, at most PREVIEW_SANDBOXES_KEPT. */
  private evictPreviewBoxes(): void {
    const idle = [...this.previewBoxes]
      .filter(([, e]) => e.users === 0)
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (this.previewBoxes.size > PREVIEW_SANDBOXES_KEPT && idle.length > 0) {
      const [key, e] = idle.shift()!;
      this.previewBoxes.delete(key);
      void e.box.then((b) => b.close()).catch(() => {});
    }
  }

  /**
   * A new DuckDB instance for a sandbox, not locked yet. Creating one takes 10-30 ms; the next
   * one is created when a sandbox closes (not while its query runs: on 2 cores that slowed the
   * query), so the next build or preview finds it ready and only locks it (about 1 ms). Each
   * sandbox still gets a DuckDB of its own that no other run used.
   */
  private takeInstance(): Promise<DuckDBInstance> {
    const next = this.spare ?? openInstance(this.opts);
    this.spare = null;
    return next;
  }

  private refillSpare(): void {
    if (this.spare || this.closed) return;
    const spare = openInstance(this.opts);
    spare.catch(() => {}); // a failure surfaces to whoever takes it
    this.spare = spare;
  }

  private spare: Promise<DuckDBInstance> | null = null;
  private closed = false;

  private async openSandbox(
    dirs: readonly string[],
    write: boolean,
  ): Promise<{ engine: LocalEngine; close: () => void }> {
    const temp = mkdtempSync(path.join(tmpdir(), "sous-duckdb-"));
    try {
      // Read sandboxes (previews, notebook cells) keep a connection that tracks query progress.
      const locked = await lockInstance(
        await this.takeInstance(),
        { tempDirectory: temp, keepProgressConnection: !write },
        dirs,
      );
      const engine = new LocalEngine(locked.instance, this.opts, locked.progressConnection);
      return {
        engine,
        close: () => {
          engine.close();
          rmSync(temp, { recursive: true, force: true });
          this.refillSpare();
        },
      };
    } catch (e) {
      rmSync(temp, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Runs `fn` on a fresh connection; an abort interrupts the running statement. With `watch`, on
   * the sandbox's progress-tracking connection when it is free (else a fresh one, whose progress
   * is unknown): `watch` gets a reader of the running query's progress, null once `fn` is done.
   */
  async withConnection<T>(
    fn: (c: DuckDBConnection) => Promise<T>,
    signal?: AbortSignal,
    watch?: (progress: QueryProgressReader) => void,
  ): Promise<T> {
    if (signal?.aborted) throw new QueryCancelledError();
    const tracked = watch ? this.progressConnection : null;
    if (tracked) this.progressConnection = null;
    const c = tracked ?? (await this.instance.connect());
    // Compiled prepare recipes may call JS functions (user agents, holidays): every connection has
    // them (the kept connection registered them when it was kept).
    if (!tracked) registerSousUdfs(c);
    let live = true;
    // DuckDB's estimate is best effort: it can fall back to "none" (-1) midway through a query
    // (a pipeline whose progress it cannot tell), and some queries never get one; the last
    // estimate given stands until the query ends.
    let last: number | null = null;
    watch?.(() => {
      if (!live || !tracked) return null;
      last = percentOf(tracked.progress) ?? last;
      return last;
    });
    const onAbort = () => c.interrupt();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await fn(c);
    } catch (e) {
      if (signal?.aborted) throw new QueryCancelledError();
      throw e;
    } finally {
      live = false;
      signal?.removeEventListener("abort", onAbort);
      if (tracked && !this.closed) this.progressConnection = tracked;
      else c.closeSync();
    }
  }

  /** Executes a statement that writes Parquet (the compiler's COPY) and returns the rows written. */
  async runWrite(sql: string, signal?: AbortSignal): Promise<number> {
    return this.withConnection(async (c) => {
      const r = await c.runAndReadAll(sql);
      const count = r.getRows()[0]?.[0];
      return count === undefined || count === null ? 0 : Number(count);
    }, signal);
  }

  /** Schema and row count of a folder of Parquet files. */
  async describeParquet(dir: string): Promise<{ schema: DatasetSchema; rowCount: number }> {
    const src = `read_parquet(${duckString(path.join(dir, "*.parquet"))})`;
    return this.withConnection(async (c) => {
      const schema = await describe(c, src);
      const n = await c.runAndReadAll(`SELECT count(*) FROM ${src}`);
      return { schema, rowCount: Number(n.getRows()[0]?.[0] ?? 0) };
    });
  }

  /** The schema alone (read from the files' footers), when the row count is known already. */
  async parquetSchema(dir: string): Promise<DatasetSchema> {
    return this.withConnection((c) =>
      describe(c, `read_parquet(${duckString(path.join(dir, "*.parquet"))})`),
    );
  }

  /** A page of rows from a folder of Parquet files, in file order. */
  async previewParquet(dir: string, opts: { limit: number; offset: number }): Promise<PreviewResult> {
    const src = `read_parquet(${duckString(path.join(dir, "*.parquet"))})`;
    return this.withConnection(async (c) => {
      const limit = Math.max(0, Math.floor(opts.limit));
      const offset = Math.max(0, Math.floor(opts.offset));
      const r = await c.runAndReadAll(`SELECT * FROM ${src} LIMIT ${limit} OFFSET ${offset}`);
      const names = r.columnNames();
      const types = r.columnTypes().map(String);
      return {
        columns: names.map((name, i) => ({ name, type: sousTypeOfDuckDb(types[i] ?? "") ?? "string" })),
        rows: r.getRowsJson().map((row) => row.map((v, i) => previewCellFor(types[i] ?? "", v))),
      };
    });
  }

  close(): void {
    this.closeRetired();
    this.progressConnection?.closeSync();
    this.progressConnection = null;
    for (const e of this.previewBoxes.values()) void e.box.then((b) => b.close()).catch(() => {});
    this.previewBoxes.clear();
    void this.spare?.then((i) => i.closeSync()).catch(() => {});
    this.spare = null;
    this.closed = true;
    this.instance.closeSync();
  }
}

async function describe(c: DuckDBConnection, src: string): Promise<DatasetSchema> {
  const d = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
  return d.getRowObjectsJson().map((r) => ({
    name: String(r.column_name),
    type: sousTypeOfDuckDb(String(r.column_type)) ?? "string",
  }));
}

/** The longest a finished write sandbox's instance waits to be closed (see retire). */
const RETIRED_CLOSE_MS = 1000;

/** Idle preview sandboxes kept per process (each an in-memory DuckDB holding no data of its own). */
const PREVIEW_SANDBOXES_KEPT = 8;

/**
 * An in-memory DuckDB that can touch files only under `dirs` (a trailing `/` each, so `/a/b`
 * does not admit `/a/bc`), loads no extension, and whose configuration is locked.
 */
async function lockedInstance(
  opts: Omit<LocalEngineOptions, "allowedDirectories">,
  dirs: readonly string[],
): Promise<{ instance: DuckDBInstance }> {
  return lockInstance(await openInstance(opts), {}, dirs);
}

/** An in-memory DuckDB with the engine's threads and memory limit, nothing else set yet. */
function openInstance(opts: Omit<LocalEngineOptions, "allowedDirectories">): Promise<DuckDBInstance> {
  return DuckDBInstance.create(":memory:", {
    threads: String(opts.threads ?? 2),
    ...(opts.memoryLimit ? { memory_limit: opts.memoryLimit } : {}),
  });
}

/**
 * Locks a new instance down (see lockedInstance); closes it if that fails. With
 * `keepProgressConnection`, the connection that locked it tracks query progress (without
 * printing a bar) and is returned open: no connection can change its settings afterwards.
 */
async function lockInstance(
  instance: DuckDBInstance,
  opts: { tempDirectory?: string; keepProgressConnection?: boolean },
  dirs: readonly string[],
): Promise<{ instance: DuckDBInstance; progressConnection: DuckDBConnection | null }> {
  const c = await instance.connect();
  try {
    const list = dirs.map((d) => duckString(asDirectory(path.resolve(d)))).join(", ");
    // One call for all of them (a call each cost about 1.5 ms more per sandbox); DuckDB runs them
    // in order and stops at the first that fails.
    const settings = [
      ...(opts.tempDirectory ? [`SET temp_directory = ${duckString(opts.tempDirectory)}`] : []),
      // Spark sessions run in UTC (Sous pins it remotely): now(), today() and every instant's date
      // must not follow the host's zone, or a build on a laptop in Paris gives other rows.
      "SET GLOBAL TimeZone = 'UTC'",
      `SET allowed_directories = [${list}]`,
      "SET enable_external_access = false",
      "SET autoinstall_known_extensions = false",
      "SET autoload_known_extensions = false",
      // Local to this connection; from the query's start (the default waits 2 s before tracking).
      ...(opts.keepProgressConnection
        ? [
            "SET enable_progress_bar = true",
            "SET enable_progress_bar_print = false",
            "SET progress_bar_time = 0",
          ]
        : []),
      "SET lock_configuration = true",
    ];
    await c.run(settings.join(";\n"));
    if (opts.keepProgressConnection) registerSousUdfs(c);
  } catch (e) {
    c.closeSync();
    instance.closeSync();
    throw e;
  }
  if (opts.keepProgressConnection) return { instance, progressConnection: c };
  c.closeSync();
  return { instance, progressConnection: null };
}

/** Reads a running query's progress: DuckDB's percentage (0-100), null while it has none. */
export type QueryProgressReader = () => number | null;

/** DuckDB says -1 until it can estimate the query's work. */
const percentOf = (p: { percentage: number }): number | null =>
  Number.isFinite(p.percentage) && p.percentage >= 0 ? Math.min(100, p.percentage) : null;

/** A folder as DuckDB's allowed_directories matches it (a prefix): with its trailing separator. */
const asDirectory = (d: string) => (d.endsWith(path.sep) ? d : `${d}${path.sep}`);

export { duckIdent, duckString };
