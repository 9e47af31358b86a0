// A studio + worker for running integration and e2e tests by hand, as `npm test` would:
//   pnpm exec tsx scripts/test-stack.ts [name]      (then, in another shell, the printed `export` lines
//   and e.g. `pnpm exec vitest run --project integration apps/studio/test/api.int.test.ts`)
// It uses its own database (sous_stack_<name>) and queue prefix, and stops on Ctrl-C.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { freePort } from "./lib/net.ts";
import { buildStudio, prepareDatabase, repoRoot, startStack } from "./lib/stack.ts";

const name = (process.argv[2] ?? "dev").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
const adminUrl = "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `sous_stack_${name}`;
const c = new pg.Client({ connectionString: adminUrl });
await c.connect();
await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
await c.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
await c.end();
const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${dbName}`;
await prepareDatabase(databaseUrl);

const dataDir = path.join(repoRoot, ".test-data", `stack-${name}`);
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
const env = {
  DATABASE_URL: databaseUrl,
  REDIS_URL: "redis://127.0.0.1:6379",
  SOUS_QUEUE_PREFIX: `sous-stack-${name}`,
  SOUS_DATA_DIR: dataDir,
  SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
  SOUS_UPLOAD_MAX_BYTES: String(2 * 1024 * 1024),
  SOUS_SEED_DEMO: "0",
};
buildStudio(`.next-stack-${name}`);
const stack = await startStack({
  env,
  port: await freePort(),
  apiNodePort: await freePort(),
  distDir: `.next-stack-${name}`,
});
const admin = {
  email: "admin@sous.test",
  name: "Test Admin",
  password: randomBytes(12).toString("base64url"),
};
await fetch(`${stack.url}/api/v1/auth/setup`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(admin),
});
const exports = [
  `export SOUS_TEST_STUDIO_URL=${stack.url}`,
  `export SOUS_TEST_API_NODE_URL=${stack.apiNodeUrl}`,
  `export SOUS_TEST_DATABASE_URL=${databaseUrl}`,
  `export SOUS_TEST_REDIS_URL=${env.REDIS_URL}`,
  `export SOUS_TEST_STACK_DATA_DIR=${dataDir}`,
  `export SOUS_TEST_ADMIN_EMAIL=${admin.email}`,
  `export SOUS_TEST_ADMIN_PASSWORD=${admin.password}`,
  `export SOUS_TEST_QUEUE_PREFIX=${env.SOUS_QUEUE_PREFIX}`,
].join("\n");
writeFileSync(path.join(dataDir, "env.sh"), `${exports}\n`);
console.log(`\n${exports}\n\n(also in ${path.join(dataDir, "env.sh")}; Ctrl-C stops the stack)`);
const stop = async () => {
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
