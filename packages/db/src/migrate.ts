// Offline Prisma migrations: Prisma 7's CLI must download a native schema engine, which this
// machine cannot, so we drive @prisma/schema-engine-wasm through a driver adapter ourselves.
// The folder layout and the _prisma_migrations table are the same as the CLI's.
// Workarounds for the wasm engine: create migrations with diff() instead of
// createMigration(); our own shadow-database factory; report pg's internal "char" as text;
// split scripts on ";" outside dollar-quoted bodies (plpgsql triggers);
// instantiate the wasm module once per process.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { splitSqlScript } from "./split-sql-script.ts";

interface QueryResultLike {
  fields?: { dataTypeID: number }[];
}
interface AdapterLike {
  performIO: (q: unknown) => Promise<QueryResultLike>;
  executeScript: (script: string) => Promise<void>;
  dispose: () => Promise<void>;
  client: { query: (sql: string) => Promise<unknown> };
  onError: (e: unknown) => never;
}

const PG_INTERNAL_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function patchAdapter<T>(adapter: T): T {
  const a = adapter as unknown as AdapterLike;
  // The adapter splits scripts on every ";", which breaks plpgsql bodies: split them properly.
  a.executeScript = async (script) => {
    for (const statement of splitSqlScript(script)) {
      try {
        await a.client.query(statement);
      } catch (e) {
        a.onError(e);
      }
    }
  };
  const io = a.performIO.bind(a);
  a.performIO = async (q) => {
    const r = await io(q);
    for (const f of r.fields ?? []) if (f.dataTypeID === PG_INTERNAL_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
    return r;
  };
  return adapter;
}

function poolConfigFromUrl(url: string): pg.PoolConfig {
  const u = new URL(url);
  // Discrete fields, not connectionString: {...cfg, database} must really switch databases.
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1) || "postgres",
  };
}

function migrationAdapterFactory(cfg: pg.PoolConfig) {
  const main = new PrismaPg(cfg);
  return {
    adapterName: main.adapterName,
    provider: main.provider,
    connect: async () => patchAdapter(await main.connect()),
    connectToShadowDb: async () => {
      const admin = new pg.Client(cfg);
      await admin.connect();
      const name = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
      await admin.query(`CREATE DATABASE "${name}"`);
      const inner = patchAdapter(await new PrismaPg({ ...cfg, database: name }).connect());
      const a = inner as unknown as AdapterLike;
      const dispose = a.dispose.bind(a);
      a.dispose = async () => {
        await dispose();
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      };
      return inner;
    },
  };
}

interface SchemaEngineInstance {
  diff(args: unknown): Promise<{ exitCode: number; stdout?: string }>;
  applyMigrations(args: unknown): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}
interface SchemaEngineClass {
  new: (config: unknown, log: (msg: string) => void, factory: unknown) => Promise<SchemaEngineInstance>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
}

let engineClass: SchemaEngineClass | undefined;
async function loadSchemaEngineClass(): Promise<SchemaEngineClass> {
  if (engineClass) return engineClass;
  const require = createRequire(import.meta.url);
  const runtime = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as {
    __wbg_set_wasm(exports: unknown): void;
    SchemaEngine: SchemaEngineClass;
  };
  const wasmPath = path.join(
    path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
    "schema_engine_bg.wasm",
  );
  // lib "dom" is not in our server tsconfig, so name the two WebAssembly members we use.
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const mod = new wasm.Module(fs.readFileSync(wasmPath));
  const instance = new wasm.Instance(mod, { "./schema_engine_bg.js": runtime });
  runtime.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  engineClass = runtime.SchemaEngine;
  return engineClass;
}

function readMigrations(baseDir: string) {
  fs.mkdirSync(baseDir, { recursive: true });
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const dirs = fs
    .readdirSync(baseDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return {
    baseDir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((d) => {
      const f = path.join(baseDir, d, "migration.sql");
      return {
        path: d,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(f)
            ? { tag: "ok", value: fs.readFileSync(f, "utf8") }
            : { tag: "error", value: "missing" },
        },
      };
    }),
  };
}

export interface MigrateOptions {
  databaseUrl: string;
  schemaPath: string;
  migrationsDir: string;
  /** "migrate dev": write a new migration with this name when the schema changed. */
  createName?: string;
  log?: (msg: string) => void;
}

/** Applies pending migrations (and optionally creates one first). Returns what it did. */
export async function migrateDatabase(
  opts: MigrateOptions,
): Promise<{ created: string | null; applied: string[] }> {
  const SchemaEngine = await loadSchemaEngineClass();
  const content = fs.readFileSync(opts.schemaPath, "utf8");
  const factory = migrationAdapterFactory(poolConfigFromUrl(opts.databaseUrl));
  const engine = await SchemaEngine.new(
    { datamodels: [[opts.schemaPath, content]] },
    (msg) => opts.log?.(msg),
    bindMigrationAwareSqlAdapterFactory(factory as never),
  );
  const filters = { externalTables: [], externalEnums: [] };
  let created: string | null = null;
  try {
    if (opts.createName) {
      const lockPath = path.join(opts.migrationsDir, "migration_lock.toml");
      fs.mkdirSync(opts.migrationsDir, { recursive: true });
      if (!fs.existsSync(lockPath)) {
        fs.writeFileSync(lockPath, '# Written by packages/db/src/migrate.ts\nprovider = "postgresql"\n');
      }
      const list = readMigrations(opts.migrationsDir);
      const from = list.migrationDirectories.length ? { tag: "migrations", ...list } : { tag: "empty" };
      const r = await engine.diff({
        from,
        to: { tag: "schemaDatamodel", files: [{ path: opts.schemaPath, content }] },
        script: true,
        exitCode: true,
        filters,
      });
      const script = r.stdout ?? "";
      if (r.exitCode === 2 && script.trim()) {
        const ts = new Date()
          .toISOString()
          .replace(/[-:TZ.]/g, "")
          .slice(0, 14);
        created = `${ts}_${opts.createName}`;
        fs.mkdirSync(path.join(opts.migrationsDir, created), { recursive: true });
        fs.writeFileSync(path.join(opts.migrationsDir, created, "migration.sql"), script);
      }
    }
    const applied = await engine.applyMigrations({
      migrationsList: readMigrations(opts.migrationsDir),
      filters,
    });
    return { created, applied: applied.appliedMigrationNames };
  } finally {
    engine.free();
  }
}

/** Creates the database named in the URL when it does not exist (connects to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const cfg = poolConfigFromUrl(databaseUrl);
  const admin = new pg.Client({ ...cfg, database: "postgres" });
  await admin.connect();
  try {
    const r = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [cfg.database]);
    if (r.rowCount) return false;
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(String(cfg.database))}`);
    return true;
  } finally {
    await admin.end();
  }
}

/** A short fingerprint of the migrations folder, to skip work when nothing changed. */
export function migrationsFingerprint(migrationsDir: string): string {
  const h = createHash("sha256");
  for (const d of readMigrations(migrationsDir).migrationDirectories) {
    h.update(d.path);
    if (d.migrationFile.content.tag === "ok") h.update(d.migrationFile.content.value);
  }
  return h.digest("hex").slice(0, 16);
}
