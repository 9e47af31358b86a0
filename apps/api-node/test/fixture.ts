import { randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { createDb, type Db } from "@sous/db";
import { ensureDatabase, migrateDatabase } from "@sous/db/migrate";
import { type PortableModel, PortableModelSchema, type TrainRequest, type TrainResult } from "@sous/ml";
import { trainLocal } from "@sous/ml-local";
import { newServiceKey } from "@sous/server-domain/api-services";
import { createLocalStorage, type DatasetStorage, localStorageRoot } from "@sous/storage";
import pg from "pg";

// The bench (bench/api-node.ts) derives the admin token from here: the repo root does not depend
// on server-domain.
export { apiNodeAdminToken } from "@sous/server-domain/api-services";

// A database of its own (migrated from the repo's migrations), a local storage, and saved model
// versions made from models the real trainer (the venv's scikit-learn) fitted, with the portable
// JSON written where the Lab writes it: what the API node's tests and bench serve.

const repo = path.resolve(import.meta.dirname, "../../..");

export interface TestDb {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(baseUrl: string, label: string): Promise<TestDb> {
  const u = new URL(baseUrl);
  u.pathname = `/sous_${label}_${process.pid}_${randomBytes(3).toString("hex")}`;
  const url = u.toString();
  await ensureDatabase(url);
  await migrateDatabase({
    databaseUrl: url,
    schemaPath: path.join(repo, "prisma/schema.prisma"),
    migrationsDir: path.join(repo, "prisma/migrations"),
  });
  const db = createDb({ databaseUrl: url, poolSize: 4 });
  return {
    db,
    url,
    async drop() {
      await db.$disconnect();
      const adminUrl = new URL(baseUrl);
      adminUrl.pathname = "/postgres";
      const admin = new pg.Client({ connectionString: adminUrl.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(u.pathname.slice(1))} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export interface Trained {
  result: TrainResult & { ok: true };
  /** Per model of the result: its portable form. */
  portables: PortableModel[];
  outputDir: string;
  /** What it was trained with (its design, as the Lab would store it, follows from it). */
  request: Omit<TrainRequest, "parquet" | "outputDir">;
}

/** Writes `sql`'s rows to a Parquet file and trains on it. */
export async function train(
  dir: string,
  sql: string,
  req: Omit<TrainRequest, "parquet" | "outputDir" | "validation"> & {
    validation?: TrainRequest["validation"];
  },
): Promise<Trained> {
  const parquet = path.join(dir, `${req.target}.parquet`);
  const duck = await DuckDBInstance.create(":memory:");
  const c = await duck.connect();
  await c.run(`COPY (${sql}) TO '${parquet}' (FORMAT parquet)`);
  c.closeSync();
  const outputDir = path.join(dir, `out-${req.target}`);
  const request = { validation: { kind: "random_split", testRatio: 0.2, seed: 42 } as const, ...req };
  const result = await trainLocal({ ...request, parquet, outputDir });
  if (!result.ok) throw new Error(result.error.message);
  const portables = result.models.map((m) =>
    PortableModelSchema.parse(JSON.parse(readFileSync(path.join(outputDir, m.portable!), "utf8"))),
  );
  return { result, portables, outputDir, request };
}

export function tempStorage(): { storage: DatasetStorage; dataDir: string; remove(): void } {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sous-api-node-"));
  return {
    storage: createLocalStorage({ root: localStorageRoot(dataDir) }),
    dataDir,
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** A project, a dataset and a saved model whose versions are the trained models, in order. */
export async function saveModels(
  db: Db,
  storage: DatasetStorage,
  trained: Trained,
  opts: { projectId?: string; name: string; withoutPortable?: number[] },
): Promise<{ projectId: string; savedModelId: string; versionIds: string[] }> {
  const projectId =
    opts.projectId ??
    (
      await db.project.create({
        data: { key: `API${randomBytes(3).toString("hex").toUpperCase()}`, name: "api node test" },
      })
    ).id;
  const dataset = await db.dataset.create({ data: { projectId, name: `${opts.name}_data` } });
  const saved = await db.savedModel.create({ data: { projectId, name: opts.name, datasetId: dataset.id } });
  // The training as the Lab leaves it (a finished job, its analysis and design): the API node reads
  // a pickled model's features from the design.
  const { sampleRows: _, ...designed } = trained.request;
  const design = {
    ...designed,
    features: designed.features.map((f) => ({ ...f, include: true })),
    engine: { kind: "local" },
  };
  const job = await db.job.create({ data: { projectId, mode: "train", targets: [], state: "SUCCEEDED" } });
  const analysis = await db.mlAnalysis.create({
    data: { projectId, datasetId: dataset.id, name: opts.name, design },
  });
  const trainingId = `t${randomBytes(6).toString("hex")}`;
  const prefix = `projects/${projectId}/ml/trainings/${trainingId}/`;
  await db.mlTraining.create({
    data: {
      id: trainingId,
      analysisId: analysis.id,
      jobId: job.id,
      number: 1,
      design,
      artifactsPrefix: prefix,
    },
  });
  const versionIds: string[] = [];
  for (const [i, m] of trained.result.models.entries()) {
    const portableKey = `${prefix}${m.portable}`;
    await storage.putStream(portableKey, createReadStream(path.join(trained.outputDir, m.portable!)));
    await storage.putStream(`${prefix}${m.pickle}`, createReadStream(path.join(trained.outputDir, m.pickle)));
    const v = await db.savedModelVersion.create({
      data: {
        trainingId,
        savedModelId: saved.id,
        number: i + 1,
        modelIndex: i,
        task: trained.result.task,
        algorithm: m.algorithm,
        metrics: m.metrics,
        classes: trained.result.classes ?? undefined,
        portableKey: opts.withoutPortable?.includes(i) ? null : portableKey,
        artifactKey: `${prefix}${m.pickle}`,
      },
    });
    versionIds.push(v.id);
  }
  await db.savedModel.update({ where: { id: saved.id }, data: { activeVersionId: versionIds[0] } });
  return { projectId, savedModelId: saved.id, versionIds };
}

/** A service with one endpoint deploying `deployments`, and a key. */
export async function createService(
  db: Db,
  args: {
    projectId: string;
    name: string;
    endpoint: string;
    deployments: { versionId: string; weight: number }[];
    public?: boolean;
    logSampleRate?: number;
  },
) {
  const key = newServiceKey();
  const service = await db.apiService.create({
    data: {
      projectId: args.projectId,
      name: args.name,
      public: args.public ?? false,
      keys: { create: { name: "test", prefix: key.prefix, keyHash: key.keyHash } },
      endpoints: {
        create: {
          name: args.endpoint,
          logSampleRate: args.logSampleRate ?? 0.1,
          deployments: {
            create: args.deployments.map((d) => ({ savedModelVersionId: d.versionId, weight: d.weight })),
          },
        },
      },
    },
    include: { endpoints: true, keys: true },
  });
  return { service, endpointId: service.endpoints[0]!.id, key: key.key, keyId: service.keys[0]!.id };
}

/** The seeded rows of packages/ml-local's trainer test: numeric, categorical and missing values. */
export function seedSql(rows: number): string {
  const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
  return `
  WITH base AS (
    SELECT i,
      CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1,
      ${u(2)} * 100 AS x2,
      CASE WHEN i % 11 = 0 THEN NULL
        ELSE ['red', 'green', 'blue', 'black', 'white', 'pink', 'gold'][1 + (hash(i * 10 + 3) % 7)::INT] END AS colour,
      ${u(4)} AS noise
    FROM range(${rows}) t(i)
  )
  SELECT x1, x2, colour,
    coalesce(x1, 0) + (x2 - 50) / 10
      + CASE colour WHEN 'red' THEN 4 WHEN 'blue' THEN -4 ELSE 0 END + noise * 6 - 3 > 0 AS label,
    3 * coalesce(x1, 0) + 0.5 * x2 + CASE colour WHEN 'gold' THEN 7 ELSE 0 END + noise * 2 AS amount
  FROM base`;
}
