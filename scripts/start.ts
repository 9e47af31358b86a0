// `npm start`: everything a newcomer needs, on this machine, with one command.
import path from "node:path";
import { startDemoDatabricks } from "./lib/demo-databricks.ts";
import { loadDotEnv } from "./lib/dotenv.ts";
import { ensurePostgres, ensureRedis, ensureSecretKey, type Started } from "./lib/services.ts";
import { buildStudio, prepareDatabase, quickRecoveryEnv, repoRoot, startStack } from "./lib/stack.ts";
import { killAll, stopAll, write } from "./lib/supervisor.ts";

// Nothing may throw on a closed stdout (the terminal or the pipe reading us went away): that is
// noticed once, below, and stops everything; stderr, if still open, then gets our last lines.
const out = (line: string) => {
  if (!write(process.stdout, `${line}\n`)) write(process.stderr, `${line}\n`);
};
const log = (m: string) => out(`[sous] ${m}`);
const fileEnv = loadDotEnv(path.join(repoRoot, ".env"));
const get = (k: string) => process.env[k] ?? fileEnv[k];

const dataDir = path.resolve(repoRoot, get("SOUS_DATA_DIR") ?? ".data");
const port = Number(get("PORT") ?? 3000);
const started: Started[] = [];

let stopping: { at: number } | undefined;
async function shutdown(code: number, why: string) {
  if (stopping) return;
  stopping = { at: Date.now() };
  log(`${why}; stopping`);
  // Studio, worker and emulator side by side: SIGTERM to each one's process group, SIGKILL to
  // whatever is left after a few seconds (the worker first gets its jobs' grace period).
  await stopAll();
  for (const s of started.reverse()) await s.stop().catch(() => {});
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    // A Ctrl-C reaches this process twice (from the terminal and relayed by tsx): only a second
    // one that comes later means "now".
    if (stopping && Date.now() - stopping.at > 1000) {
      log(`${signal} again: killing what is left`);
      killAll();
    }
    void shutdown(0, signal);
  });
}
// The terminal closed, or whatever read our output exited (`npm start | tee log`, then Ctrl-C
// on tee): EPIPE. Handled, so it is no uncaught exception; and nobody is watching any more.
for (const stream of [process.stdout, process.stderr])
  stream.on(
    "error",
    (e: NodeJS.ErrnoException) => void shutdown(1, `output closed (${e.code ?? e.message})`),
  );
// The process that ran us (tsx, pnpm, npm) was killed with -9: we were re-parented.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(1, "the process that started npm start is gone");
}, 1000).unref();

// Once shutdown() runs, the start-up below starts nothing more: it waits for the exit.
const unlessStopping = async () => {
  if (stopping) await new Promise(() => {});
};

try {
  const pg = await ensurePostgres(
    get("DATABASE_URL") ?? "postgresql://postgres@127.0.0.1:5432/sous",
    dataDir,
    log,
  );
  started.push(pg);
  const redis = await ensureRedis(get("REDIS_URL") ?? "redis://127.0.0.1:6379", dataDir, log);
  started.push(redis);
  const applied = await prepareDatabase(pg.url);
  log(applied.length ? `applied migrations: ${applied.join(", ")}` : "database is up to date");
  await unlessStopping();
  const secretKey = ensureSecretKey(dataDir, get("SOUS_SECRET_KEY"));
  // Optional demo step: a local Databricks emulator, so the remote engine can be tried without
  // Azure. SOUS_DEMO_DATABRICKS=0 skips it; a failure here never stops the studio from starting.
  if (get("SOUS_DEMO_DATABRICKS") !== "0") {
    try {
      started.push(
        await startDemoDatabricks({
          dataDir,
          databaseUrl: pg.url,
          secretKey,
          storage: {
            kind: get("SOUS_STORAGE") ?? "local",
            connectionString: get("AZURE_STORAGE_CONNECTION_STRING"),
            container: get("AZURE_STORAGE_CONTAINER"),
          },
          log,
        }),
      );
    } catch (e) {
      log(`Databricks emulator not started (${(e as Error).message}); the local engine works without it`);
    }
  }
  // SOUS_START_PREBUILT=<dist dir> starts the studio from a build that exists already instead of
  // building (the supervision test runs this script on the build npm test made).
  await unlessStopping();
  const prebuilt = get("SOUS_START_PREBUILT");
  if (!prebuilt) {
    log("building the studio (cached when nothing changed)");
    buildStudio();
  }
  // The environment wins over .env, as it does for every setting read above.
  const fromFile = Object.fromEntries(Object.entries(fileEnv).filter(([k]) => process.env[k] === undefined));
  const recovery = Object.fromEntries(Object.entries(quickRecoveryEnv).map(([k, v]) => [k, get(k) ?? v]));
  await startStack({
    port,
    apiNodePort: Number(get("SOUS_API_NODE_PORT") ?? 3100),
    distDir: prebuilt || ".next",
    log,
    env: {
      ...fromFile,
      ...recovery,
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      SOUS_DATA_DIR: dataDir,
      SOUS_SECRET_KEY: secretKey,
      SOUS_SEED_DEMO: get("SOUS_SEED_DEMO") ?? "1",
    },
  });
  await unlessStopping();
  const url = `http://localhost:${port}`;
  out(`
  Sous is running at ${url}
  The API node serves deployed models at http://localhost:${get("SOUS_API_NODE_PORT") ?? 3100}/public/api/v1/

  First visit: create the administrator account on the setup page (there is no default password).
  Then open the "Retail demo" project: customers, products, orders and campaigns, with a flow
  that finds the top customers, the top products and the best campaigns. Press Ctrl-C to stop
  everything started here; a studio, worker or emulator that crashes is restarted.
`);
} catch (e) {
  console.error(`\n[sous] could not start: ${(e as Error).message}\n`);
  await shutdown(1, "could not start");
}
