// `npm start`: everything a newcomer needs, on this machine, with one command.
import path from "node:path";
import { startDemoDatabricks } from "./lib/demo-databricks.ts";
import { loadDotEnv } from "./lib/dotenv.ts";
import { ensurePostgres, ensureRedis, ensureSecretKey, type Started } from "./lib/services.ts";
import { buildStudio, prepareDatabase, repoRoot, startStack } from "./lib/stack.ts";

const log = (m: string) => console.log(`[sous] ${m}`);
const fileEnv = loadDotEnv(path.join(repoRoot, ".env"));
const get = (k: string) => process.env[k] ?? fileEnv[k];

const dataDir = path.resolve(repoRoot, get("SOUS_DATA_DIR") ?? ".data");
const port = Number(get("PORT") ?? 3000);
const started: Started[] = [];
let stack: Awaited<ReturnType<typeof startStack>> | undefined;

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("stopping");
  await stack?.stop();
  for (const s of started.reverse()) await s.stop().catch(() => {});
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

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
  log("building the studio (cached when nothing changed)");
  buildStudio();
  stack = await startStack({
    port,
    env: {
      ...fileEnv,
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      SOUS_DATA_DIR: dataDir,
      SOUS_SECRET_KEY: secretKey,
      SOUS_SEED_DEMO: get("SOUS_SEED_DEMO") ?? "1",
    },
  });
  const url = `http://localhost:${port}`;
  console.log(`
  Sous is running at ${url}

  First visit: create the administrator account on the setup page (there is no default password).
  Then open the "Retail demo" project: customers, products, orders and campaigns, with a flow
  that computes the top customers. Press Ctrl-C to stop everything started here.
`);
  await new Promise<void>((resolve) => {
    stack?.studio.once("exit", () => resolve());
    stack?.worker.once("exit", () => resolve());
  });
  log("a process exited; stopping the rest");
  await shutdown(1);
} catch (e) {
  console.error(`\n[sous] could not start: ${(e as Error).message}\n`);
  await shutdown(1);
}
