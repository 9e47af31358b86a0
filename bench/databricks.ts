// pnpm exec tsx bench/databricks.ts [rows]
// The remote engine against the emulator (zero start delay), with Azurite as the mounted
// container: a 5-recipe pipeline as ONE statement vs the same recipes one by one, and what the
// remote path (upload, session, sample fetch) costs over running the same flow locally.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  clusterHttpPath,
  clusterPathFor,
  createClusterLoad,
  createDatabricksRestClient,
  createDatabricksSqlRunner,
  ensureCluster,
  runRemoteActivity,
  uploadInputsIfMissing,
} from "@sous/databricks";
import { queryLocalDuckDb, startDatabricksEmulator } from "@sous/databricks-emulator";
import { createBlobStorage, createLocalStorage, datasetVersionPrefix } from "@sous/storage";
import { startAzurite } from "@sous/storage/test/azurite";
import {
  CHAIN,
  compileChain,
  compileOne,
  ORDERS_SCHEMA,
  ordersSelect,
} from "../packages/databricks/test/pipeline-fixture.ts";

const ROWS = Number(process.argv[2] ?? 200_000);
const TOKEN = "dapi-bench-0000000000000000";
const MOUNT = "dbfs:/mnt/sous";
const ms = (t0: number) => Math.round(performance.now() - t0);
const noLog = () => undefined;

const azurite = await startAzurite();
const work = await mkdtemp(path.join(tmpdir(), "sous-bench-dbx-"));
const emu = await startDatabricksEmulator({
  token: TOKEN,
  mounts: { [MOUNT]: { blob: { connectionString: azurite.connectionString, container: "bench" } } },
});
try {
  const local = createLocalStorage({ root: path.join(work, "storage") });
  const mounted = createBlobStorage({
    connectionString: azurite.connectionString,
    container: "bench",
    cacheDir: path.join(work, "cache"),
  });
  const input = datasetVersionPrefix({ projectId: "bench", datasetId: "orders", versionId: "v1" });
  const staged = await local.stage(input);
  await queryLocalDuckDb(`COPY (${ordersSelect(ROWS)}) TO '${staged.dir}/part-0.parquet' (FORMAT parquet)`);
  await staged.commit();
  // Leased for the rest of the run (a bench process; its lease ends with it).
  const inputDir = (await local.acquire(input)).dir;

  // Local: the same 5 recipes as one DuckDB statement.
  const localOut = path.join(work, "local-out");
  const duck = compileChain("duckdb", inputDir);
  let t0 = performance.now();
  await queryLocalDuckDb(`COPY (${duck.sql}) TO '${localOut}.parquet' (FORMAT parquet)`);
  const localMs = ms(t0);

  const rest = createDatabricksRestClient({ baseUrl: emu.url, token: TOKEN });
  const profile = {
    id: "bench",
    name: "bench",
    spec: { spark_version: "15.4.x-scala2.12", num_workers: 1 },
    maxClusters: 1,
    maxActiveStatements: 4,
  };
  t0 = performance.now();
  const lease = await ensureCluster({ rest, profile, load: createClusterLoad(), log: noLog });
  const clusterMs = ms(t0);
  const runner = createDatabricksSqlRunner({
    host: emu.host,
    port: emu.port,
    httpPath: clusterHttpPath(emu.url, lease.clusterId),
    token: TOKEN,
    tls: false,
  });

  t0 = performance.now();
  const [upload] = await uploadInputsIfMissing({
    source: local,
    target: mounted,
    prefixes: [input],
    log: noLog,
  });
  const uploadMs = ms(t0);
  t0 = performance.now();
  await uploadInputsIfMissing({ source: local, target: mounted, prefixes: [input], log: noLog });
  const uploadAgainMs = ms(t0);

  // The emulator's SparkSQL parser (ANTLR) is slow on its first statement: warm it up once so
  // the figures below compare the paths, not the warm-up.
  t0 = performance.now();
  await runner.run(
    `SELECT count(*) AS n FROM parquet.\`${clusterPathFor({ clusterPrefix: MOUNT }, input)}\``,
  );
  const warmUpMs = ms(t0);

  // Remote pipeline: one statement.
  const mapping = { clusterPrefix: MOUNT };
  const before = emu.statements.length;
  t0 = performance.now();
  const out = datasetVersionPrefix({ projectId: "bench", datasetId: "ranked", versionId: "pipe" });
  const piped = await runRemoteActivity({
    runner,
    selectSql: compileChain("spark", clusterPathFor(mapping, input)).sql,
    outputPath: clusterPathFor(mapping, out),
    log: noLog,
  });
  const pipelineMs = ms(t0);
  const pipelineWrites = emu.statements.slice(before).filter((s) => /^\s*INSERT OVERWRITE/i.test(s)).length;

  // Remote one by one: every intermediate dataset written to the mount and read back.
  const before2 = emu.statements.length;
  t0 = performance.now();
  let from = input;
  let schema = ORDERS_SCHEMA;
  for (let i = 0; i < CHAIN.length; i++) {
    const compiled = compileOne("spark", i, clusterPathFor(mapping, from), schema);
    const to = datasetVersionPrefix({ projectId: "bench", datasetId: `step${i}`, versionId: "v1" });
    await runRemoteActivity({
      runner,
      selectSql: compiled.sql,
      outputPath: clusterPathFor(mapping, to),
      log: noLog,
    });
    from = to;
    schema = compiled.outputSchemas[0] ?? schema;
  }
  const oneByOneMs = ms(t0);
  const oneByOneWrites = emu.statements.slice(before2).filter((s) => /^\s*INSERT OVERWRITE/i.test(s)).length;
  await runner.close();
  lease.release();

  const remoteTotal = clusterMs + uploadMs + pipelineMs;
  console.log(`Databricks remote engine on the emulator, ${ROWS} input rows, 5 recipes (${CHAIN.map((c) => c.name).join(" -> ")})
  pipeline:     ${pipelineWrites} write statement(s) (must be 1), ${piped.statements} statements in its session, ${pipelineMs} ms
  one by one:   ${oneByOneWrites} write statements, ${oneByOneMs} ms (${(oneByOneMs / Math.max(1, pipelineMs)).toFixed(1)}x the pipeline)
  warm-up:      ${warmUpMs} ms for the emulator's first statement (parser start), not counted below
  local DuckDB: ${localMs} ms for the same flow
  remote path:  ${remoteTotal} ms = cluster lookup ${clusterMs} + upload ${uploadMs} (${upload?.bytes ?? 0} bytes; ${uploadAgainMs} ms when already there)
                + statement ${piped.timings.statementMs} + sample fetch ${piped.timings.sampleMs} + session/driver ${pipelineMs - piped.timings.totalMs}
  overhead:     ${remoteTotal - localMs} ms over local (${(remoteTotal / Math.max(1, localMs)).toFixed(1)}x); rows written ${piped.rowsWritten}`);
  if (pipelineWrites !== 1) process.exitCode = 1;
} finally {
  await emu.stop();
  await azurite.stop();
  await rm(work, { recursive: true, force: true });
}
