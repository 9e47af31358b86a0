// The retail demo on the demo's Databricks emulator, end to end: its generated CSVs imported as
// an upload imports them, its Flow (demo-flow.ts, what the seed creates), its engine switched to
// the "Databricks (local emulator)" connection `npm start` registers (upsertDemoConnection: the
// installation's storage mounted at dbfs:/mnt/sous), and the whole Flow built by the worker on
// the emulator's cluster, which runs on real Spark. The oracle is Spark itself: every dataset the
// build wrote must hold the rows of the Flow's SparkSQL (compiled from the stored sources) run
// directly on Spark, with the same names and types, and the row count the job recorded.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compilePipeline, type PipelineInput, type PipelineStep } from "@sous/compiler";
import { createSecretBox } from "@sous/config";
import { DatasetSchemaSchema, newId } from "@sous/contracts";
import { createClusterLoad } from "@sous/databricks";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { importToParquet } from "@sous/engine-local";
import type { BuildQueue } from "@sous/queue";
import { upsertDemoConnection } from "@sous/server-domain";
import { DEMO_QUESTIONS, DEMO_RECIPES, generateRetailData } from "@sous/server-domain/demo";
import { datasetVersionPrefix } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Not a dependency of the worker: the test reaches Spark directly, as the oracle.
import {
  connectSharedSpark,
  type SparkLocal,
  type SparkValue,
  sparkLocalAvailability,
  startSparkLocal,
} from "../../../packages/spark-local/src/index.ts";
import type { WorkerContext } from "../src/context.ts";
import {
  addRecipe,
  closeTestContext,
  createProject,
  createTestContext,
  hasServices,
  startTestWorkers,
  submitBuild,
  type TestWorkers,
  waitForJobRow,
} from "./fixture.ts";

const TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const KEY = randomBytes(32).toString("base64");
const MOUNT = "dbfs:/mnt/sous";
const spark = sparkLocalAvailability();

type Table = { names: string[]; types: string[]; rows: string[][] };

describe.skipIf(!hasServices || !spark.ok)("the retail demo built on the demo's Databricks emulator", () => {
  let ctx: WorkerContext & { dataDir: string };
  let queue: BuildQueue;
  let workers: TestWorkers | undefined;
  let emu: DatabricksEmulator;
  let direct: SparkLocal;
  let connectionId = "";
  let projectId = "";
  const storageRoot = () => path.join(ctx.dataDir, "storage");
  const prefix = `sous-wdemo-${randomBytes(4).toString("hex")}`;
  const SESSION = `demo-remote-${randomBytes(3).toString("hex")}`;
  /** Dataset name -> id, the generated sources and every recipe output. */
  const ids = new Map<string, string>();

  beforeAll(async () => {
    ctx = await createTestContext("demo-remote");
    ctx.remote = { secretBox: createSecretBox(KEY), load: createClusterLoad() };
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: { [MOUNT]: storageRoot() },
      clusterStartDelayMs: 200,
    });
    // What `npm start` does (scripts/lib/demo-databricks.ts): the demo connection, its profile.
    const demo = await upsertDemoConnection({
      db: ctx.db,
      secretKey: KEY,
      workspaceUrl: emu.url,
      token: TOKEN,
    });
    connectionId = demo.connectionId;
    projectId = await createProject(ctx.db, "RETAIL");
    await ctx.db.project.update({
      where: { id: projectId },
      data: { engine: { kind: "databricks", connectionId, profileId: demo.profileId } },
    });
    // The generated CSVs imported as the seed's upload imports them (type inference included).
    const csvDir = path.join(ctx.dataDir, "csv");
    mkdirSync(csvDir, { recursive: true });
    for (const [name, csv] of Object.entries(generateRetailData())) {
      const file = path.join(csvDir, `${name}.csv`);
      writeFileSync(file, csv);
      ids.set(name, await importCsv(name, file));
    }
    for (const r of DEMO_RECIPES) {
      const { outputId } = await addRecipe(ctx.db, projectId, {
        name: r.name,
        spec: r.spec,
        inputs: r.inputs.map((n) => ids.get(n)!),
        output: r.output,
      });
      ids.set(r.output, outputId);
    }
    const socketPath = process.env.SOUS_SPARK_SOCKET;
    direct = socketPath
      ? await connectSharedSpark({ socketPath })
      : await startSparkLocal({ driverMemory: "1g" });
    await direct.openSession(SESSION);
    workers = startTestWorkers(ctx, {
      prefix,
      concurrency: 2,
      // Generous: the first activity starts the cluster and with it a cold JVM, on two shared cores.
      build: { parallelism: 2, activityTimeoutMs: 300_000, cancelPollMs: 100 },
    });
    queue = workers.queue;
  }, 120_000);

  afterAll(async () => {
    await workers?.close(0);
    await direct?.closeSession(SESSION).catch(() => {});
    await direct?.stop();
    if (connectionId) {
      await ctx.db.project
        .update({ where: { id: projectId }, data: { engine: { kind: "local" } } })
        .catch(() => {});
      await ctx.db.connection.deleteMany({ where: { id: connectionId } }).catch(() => {});
    }
    await emu?.stop();
    await closeTestContext(ctx);
  });

  /** A source dataset's first version: the CSV through the upload's import, as Parquet. */
  async function importCsv(name: string, file: string): Promise<string> {
    const d = await ctx.db.dataset.create({ data: { projectId, name } });
    const versionId = newId();
    const versionPrefix = datasetVersionPrefix({ projectId, datasetId: d.id, versionId });
    const staged = await ctx.storage.stage(versionPrefix);
    const { schema, rowCount } = await importToParquet(ctx.engine, {
      file,
      fileName: `${name}.csv`,
      outDir: staged.dir,
    });
    const { bytes } = await staged.commit();
    await ctx.db.datasetVersion.create({
      data: {
        id: versionId,
        datasetId: d.id,
        number: 1,
        prefix: versionPrefix,
        status: "PUBLISHED",
        schema,
        rowCount: BigInt(rowCount),
        bytes: BigInt(bytes),
      },
    });
    await ctx.db.dataset.update({ where: { id: d.id }, data: { currentVersionId: versionId, schema } });
    return d.id;
  }

  /** A statement run directly on Spark, the mount mapped to the local storage; cells as text. */
  async function onSpark(statement: string): Promise<Table> {
    const local = statement.replaceAll(`parquet.\`${MOUNT}/`, `parquet.\`file://${storageRoot()}/`);
    const r = await direct.run(SESSION, local, { render: "thrift" });
    if (!r.ok) throw new Error(`Spark: ${r.message.split("\n")[0]}`);
    const text = (v: SparkValue) =>
      v === null ? "NULL" : typeof v === "object" ? JSON.stringify(v) : String(v);
    return {
      names: r.columns.map((c) => c.name),
      types: r.columns.map((c) => c.type),
      rows: r.rows
        .map((row) => row.map(text))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    };
  }

  /**
   * The Flow's SparkSQL for `output`: its recipe and every recipe upstream of it as one pipeline,
   * reading the generated sources at their cluster paths (so intermediate datasets, virtual or
   * not, play no part in the oracle).
   */
  async function flowSql(output: string): Promise<string> {
    const needed = new Set<string>();
    const visit = (name: string) => {
      const r = DEMO_RECIPES.find((x) => x.output === name);
      if (!r || needed.has(r.name)) return;
      needed.add(r.name);
      for (const i of r.inputs) visit(i);
    };
    visit(output);
    const chain = DEMO_RECIPES.filter((r) => needed.has(r.name));
    const steps: PipelineStep[] = [];
    for (const r of chain) {
      const inputs: PipelineInput[] = [];
      for (const name of r.inputs) {
        const step = chain.findIndex((x) => x.output === name);
        if (step >= 0) {
          inputs.push({ step });
          continue;
        }
        const d = await ctx.db.dataset.findUniqueOrThrow({
          where: { id: ids.get(name)! },
          include: { currentVersion: true },
        });
        inputs.push({
          name,
          schema: DatasetSchemaSchema.parse(d.currentVersion!.schema),
          location: { format: "parquet", path: `${MOUNT}/${d.currentVersion!.prefix}` },
        });
      }
      steps.push({ name: r.output, spec: r.spec, inputs });
    }
    const compiled = compilePipeline({ steps, dialect: "spark" });
    expect(compiled.blocking, output).toBeNull();
    return compiled.sql;
  }

  it("builds the whole Flow on the emulator, and every dataset it wrote holds Spark's rows", async () => {
    const started = Date.now();
    const targets = DEMO_QUESTIONS.map((q) => ids.get(q.dataset)!);
    const { jobId, activities } = await submitBuild(ctx.db, queue, projectId, targets, "missing-only");
    expect(activities).toBeGreaterThan(0);
    // The first build starts the cluster, and with it Spark when the run has none yet.
    const job = await waitForJobRow(ctx.db, jobId, 480_000);
    expect(job.state, JSON.stringify(job.error)).toBe("SUCCEEDED");
    // Every activity ran on the demo connection, none locally.
    for (const a of job.activities) {
      expect(a.engine).toMatch(new RegExp(`^databricks:${connectionId}:`));
      expect(a.remote).toMatchObject({ connectionId });
    }
    const buildMs = Date.now() - started;

    const outputs = await ctx.db.dataset.findMany({
      where: { id: { in: DEMO_RECIPES.map((r) => ids.get(r.output)!) } },
      include: { currentVersion: true },
    });
    const built = outputs.filter((d) => d.currentVersion);
    // The three answers at least; intermediate datasets only when the planner kept them.
    for (const q of DEMO_QUESTIONS) expect(built.map((d) => d.name)).toContain(q.dataset);
    for (const d of built) {
      const version = d.currentVersion!;
      expect(version.jobId, d.name).toBe(jobId);
      const want = await onSpark(await flowSql(d.name));
      const got = await onSpark(`SELECT * FROM parquet.\`${MOUNT}/${version.prefix}\``);
      expect(want.rows.length, d.name).toBeGreaterThan(0);
      expect(got.names, d.name).toEqual(want.names);
      expect(got.types, d.name).toEqual(want.types);
      expect(got.rows, d.name).toEqual(want.rows);
      expect(Number(version.rowCount), d.name).toBe(want.rows.length);
    }
    console.log(
      `demo on the emulator: ${DEMO_RECIPES.length} recipes in ${job.activities.length} activities, ` +
        `${built.length} datasets written, built in ${buildMs} ms, checked against Spark in ${Date.now() - started - buildMs} ms`,
    );
  }, 600_000);
});
