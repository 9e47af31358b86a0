import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResultReader,
  DuckDBTypeId,
  type DuckDBValue,
  type Json,
} from "@duckdb/node-api";
import type { DuckDbPlan } from "./spark-to-duckdb.ts";

/** Spark-side column kinds the emulator reports; each maps to one Thrift TTypeId. */
export type ColumnKind =
  | "boolean"
  | "tinyint"
  | "smallint"
  | "int"
  | "bigint"
  | "float"
  | "double"
  | "decimal"
  | "string"
  | "date"
  | "timestamp"
  | "binary"
  | "array"
  | "map"
  | "struct";

export type CellValue = null | boolean | number | bigint | string | Buffer;

export type ResultColumn = {
  name: string;
  kind: ColumnKind;
  /** For decimals: DuckDB's precision and scale, passed on as Thrift type qualifiers. */
  decimal?: { precision: number; scale: number };
  values: CellValue[];
};

export type QueryResult = { columns: ResultColumn[]; rowCount: number };

/** A DuckDB error re-labelled the way Spark would report it. */
export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(
    message: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

export class DuckDbEngine {
  private constructor(private readonly instance: DuckDBInstance) {}

  /**
   * A DuckDB that reaches only the mounts' local folders, as a cluster reaches only its
   * storage: no other file of the host, no extension, no configuration change afterwards.
   */
  static async create(opts: { mountDirectories: readonly string[] }): Promise<DuckDbEngine> {
    const instance = await DuckDBInstance.create(":memory:");
    const c = await instance.connect();
    try {
      const dirs = opts.mountDirectories.map((d) => {
        const abs = path.resolve(d);
        return `'${(abs.endsWith(path.sep) ? abs : `${abs}${path.sep}`).replaceAll("'", "''")}'`;
      });
      // Databricks clusters default to UTC and to Spark's null ordering (ASC -> NULLS FIRST).
      await c.run("SET GLOBAL TimeZone = 'UTC'");
      await c.run("SET GLOBAL default_null_order = 'nulls_first_on_asc_last_on_desc'");
      await c.run(`SET allowed_directories = [${dirs.join(", ")}]`);
      await c.run("SET enable_external_access = false");
      await c.run("SET autoinstall_known_extensions = false");
      await c.run("SET autoload_known_extensions = false");
      await c.run("SET lock_configuration = true");
    } finally {
      c.closeSync();
    }
    return new DuckDbEngine(instance);
  }

  /**
   * One DuckDB connection per Thrift session: temp views are session-scoped in Spark and
   * connection-scoped in DuckDB, and interrupting a connection only cancels that session's work.
   */
  async openSession(): Promise<EngineSession> {
    return new EngineSession(await this.instance.connect());
  }

  close(): void {
    this.instance.closeSync();
  }
}

export class EngineSession {
  /** The statement in flight: the connection must not be freed under it (a native crash). */
  private running: Promise<unknown> | null = null;
  private interruptRequested = false;
  private closed = false;

  constructor(private readonly conn: DuckDBConnection) {}

  async execute(plan: DuckDbPlan): Promise<QueryResult> {
    this.interruptRequested = false;
    let reader: DuckDBResultReader;
    const run = (async () => {
      if (plan.overwriteDirectory) await emptyDirectory(plan.overwriteDirectory);
      const sql = await this.sparkTyped(plan);
      // A cancel that landed between the DESCRIBE and the statement would interrupt nothing.
      if (this.interruptRequested) throw new EngineError("The operation was canceled", "HY008");
      return this.conn.runAndReadAll(sql);
    })();
    this.running = run;
    try {
      reader = await run;
    } catch (e) {
      throw e instanceof EngineError ? e : toSparkError(e);
    } finally {
      this.running = null;
    }
    if (!plan.hasResultSet) return { columns: [], rowCount: 0 };
    return readResult(reader);
  }

  // DuckDB's sum() of integers is HUGEINT, which Parquet stores as DOUBLE; Spark's is BIGINT.
  // Written files must carry Spark's types, so such columns are cast before the COPY.
  private async sparkTyped(plan: DuckDbPlan): Promise<string> {
    if (!plan.query || !plan.overwriteDirectory) return plan.sql;
    const described = await this.conn.runAndReadAll(`DESCRIBE ${plan.query}`);
    const huge = described
      .getRowObjectsJson()
      .filter((r) => r.column_type === "HUGEINT" || r.column_type === "UHUGEINT")
      .map((r) => String(r.column_name));
    if (huge.length === 0) return plan.sql;
    const q = (n: string) => `"${n.replaceAll('"', '""')}"`;
    const casts = huge.map((n) => `CAST(${q(n)} AS BIGINT) AS ${q(n)}`).join(", ");
    const target = `${plan.overwriteDirectory}/part-0.parquet`.replaceAll("'", "''");
    return `COPY (SELECT * REPLACE (${casts}) FROM (${plan.query})) TO '${target}' (FORMAT parquet)`;
  }

  /**
   * DuckDB drops an interrupt that arrives before the native query has started, so the
   * interrupt is repeated until the statement in flight has unwound.
   */
  interrupt(): void {
    this.interruptRequested = true;
    this.conn.interrupt();
    const running = this.running;
    if (!running) return;
    const timer = setInterval(() => this.conn.interrupt(), 50);
    void running.catch(() => undefined).finally(() => clearInterval(timer));
  }

  /** Interrupts what runs, and frees the connection once that statement has unwound. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const running = this.running;
    if (!running) {
      this.conn.closeSync();
      return;
    }
    this.conn.interrupt();
    void running.catch(() => undefined).then(() => this.conn.closeSync());
  }
}

// OVERWRITE semantics: whatever was in the directory before is replaced, including stale part files.
async function emptyDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(dir)) {
    await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

function toSparkError(e: unknown): EngineError {
  const message = e instanceof Error ? e.message : String(e);
  if (/^Catalog Error: Table.*does not exist/s.test(message)) {
    return new EngineError(`[TABLE_OR_VIEW_NOT_FOUND] ${message}`, "42P01");
  }
  if (/^Binder Error: Referenced column/s.test(message)) {
    return new EngineError(`[UNRESOLVED_COLUMN] ${message}`, "42703");
  }
  if (/^IO Error: No files found/s.test(message)) {
    return new EngineError(`[PATH_NOT_FOUND] ${message}`, "42K03");
  }
  if (/INTERRUPT/i.test(message)) {
    return new EngineError("The operation was canceled", "HY008");
  }
  return new EngineError(message, "XX000");
}

function kindOf(typeId: DuckDBTypeId): ColumnKind {
  switch (typeId) {
    case DuckDBTypeId.BOOLEAN:
      return "boolean";
    case DuckDBTypeId.TINYINT:
      return "tinyint";
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return "smallint";
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return "int";
    // HUGEINT is what DuckDB's sum(int) returns where Spark returns BIGINT.
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return "bigint";
    case DuckDBTypeId.FLOAT:
      return "float";
    case DuckDBTypeId.DOUBLE:
      return "double";
    case DuckDBTypeId.DECIMAL:
      return "decimal";
    case DuckDBTypeId.DATE:
      return "date";
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return "timestamp";
    case DuckDBTypeId.BLOB:
      return "binary";
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return "array";
    case DuckDBTypeId.MAP:
      return "map";
    case DuckDBTypeId.STRUCT:
      return "struct";
    default:
      return "string";
  }
}

function readResult(reader: DuckDBResultReader): QueryResult {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const raw = reader.getColumns();
  const json = reader.getColumnsJson();
  const columns = names.map((name, c): ResultColumn => {
    const type = types[c];
    const kind = type ? kindOf(type.typeId) : "string";
    const values = (raw[c] ?? []).map((v, r) => toCell(kind, v, json[c]?.[r] ?? null));
    const column: ResultColumn = { name, kind, values };
    if (type?.typeId === DuckDBTypeId.DECIMAL) column.decimal = { precision: type.width, scale: type.scale };
    return column;
  });
  return { columns, rowCount: reader.currentRowCount };
}

function toCell(kind: ColumnKind, value: DuckDBValue, json: Json): CellValue {
  if (value === null) return null;
  switch (kind) {
    case "boolean":
      return Boolean(value);
    case "tinyint":
    case "smallint":
    case "int":
    case "float":
    case "double":
      return Number(value);
    case "bigint":
      return typeof value === "bigint" ? value : BigInt(String(value));
    case "binary":
      return typeof value === "object" && "bytes" in value
        ? Buffer.from(value.bytes)
        : Buffer.from(String(value));
    case "array":
    case "struct":
      return JSON.stringify(json);
    case "map":
      return JSON.stringify(mapJsonToObject(json));
    case "timestamp":
      // Spark renders timestamps in the session time zone without an offset suffix.
      return String(value).replace(/[+-]\d{2}(:\d{2})?$/, "");
    default:
      return String(value);
  }
}

// DuckDB serialises MAP as [{key, value}, ...]; Spark's JSON form is an object.
function mapJsonToObject(json: Json): Json {
  if (!Array.isArray(json)) return json;
  const out: Record<string, Json> = {};
  for (const entry of json) {
    if (entry && typeof entry === "object" && !Array.isArray(entry) && "key" in entry) {
      out[String(entry.key)] = entry.value ?? null;
    }
  }
  return out;
}
