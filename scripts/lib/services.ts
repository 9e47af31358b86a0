import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { canConnect, freePort } from "./net.ts";

export interface Started {
  url: string;
  stop(): Promise<void>;
}

const noop = async () => {};

/** The secret key for encrypting tokens at rest: from the env, else generated once under the data dir. */
export function ensureSecretKey(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, "secret.key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString("base64");
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/**
 * Postgres at `url` if reachable; otherwise an embedded PGlite served over the Postgres protocol
 * (so studio and worker share it), persisted under the data dir.
 */
export async function ensurePostgres(
  url: string,
  dataDir: string,
  log: (m: string) => void,
): Promise<Started> {
  const u = new URL(url);
  if (await canConnect(u.hostname, Number(u.port || 5432))) return { url, stop: noop };
  log(`no Postgres at ${u.host}; starting embedded PGlite (data in ${path.join(dataDir, "pglite")})`);
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  mkdirSync(path.join(dataDir, "pglite"), { recursive: true });
  const db = await PGlite.create(path.join(dataDir, "pglite"));
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 32 } as never);
  await server.start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Redis at `url` if reachable; otherwise a private redis-server under the data dir, configured
 * the way BullMQ needs it (noeviction, append-only file so queued jobs survive a restart).
 */
export async function ensureRedis(url: string, dataDir: string, log: (m: string) => void): Promise<Started> {
  const u = new URL(url);
  if (await canConnect(u.hostname, Number(u.port || 6379))) return { url, stop: noop };
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  if (which.status !== 0) {
    throw new Error(
      `No Redis answers at ${u.host}, and redis-server is not installed. Start Redis (for example ` +
        "`apt-get install -y redis-server && redis-server --maxmemory-policy noeviction --daemonize yes`), " +
        "or set REDIS_URL to one that runs, or run `docker compose up -d redis postgres`, then run `npm start` again.",
    );
  }
  const dir = path.join(dataDir, "redis");
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  log(`no Redis at ${u.host}; starting redis-server on port ${port} (data in ${dir})`);
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--maxmemory-policy",
      "noeviction",
      "--appendonly",
      "yes",
      "--save",
      "",
    ],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 50 && !(await canConnect("127.0.0.1", port, 200)); i++)
    await new Promise((r) => setTimeout(r, 100));
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Deletes every key under a BullMQ prefix (a finished test run's queues), leaving the rest of Redis alone. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<number> {
  const { createRedisConnection } = await import("@sous/queue");
  const redis = createRedisConnection(url);
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}
