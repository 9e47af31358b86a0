// Vitest global setup of the integration and e2e projects: in CI (CI set, as .ci/run does, or
// SOUS_REQUIRE_SERVICES=1) a missing or unreachable Postgres, Redis or studio fails the run; outside
// CI a missing one is named in a warning (its tests skip). Integration
// tests skip themselves when SOUS_TEST_DATABASE_URL / SOUS_TEST_REDIS_URL are unset, which is
// right on a laptop (`vitest run` with no services exits 0, the skips listed) but in CI would let
// a broken service setup pass green with dozens of tests never run.
import { connect } from "node:net";
import pg from "pg";

type Env = Record<string, string | undefined>;

const truthy = (v: string | undefined) => v !== undefined && v !== "" && !/^(0|false|no)$/i.test(v);

/** Whether this run must have its services: CI (any CI value but 0/false/no) or SOUS_REQUIRE_SERVICES. */
export function servicesRequired(env: Env): boolean {
  return truthy(env.CI) || truthy(env.SOUS_REQUIRE_SERVICES);
}

/** The service variables the integration tests read that are unset. */
export function missingServiceUrls(env: Env): string[] {
  return ["SOUS_TEST_DATABASE_URL", "SOUS_TEST_REDIS_URL"].filter((k) => !env[k]);
}

async function pingPostgres(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on("error", () => {});
  try {
    await c.connect();
    await c.query("SELECT 1");
  } finally {
    await c.end().catch(() => {});
  }
}

/** PING over RESP (AUTH first when the URL carries a password): no client library needed. */
function pingRedis(url: string): Promise<void> {
  const u = new URL(url);
  const cmd = (...args: string[]) =>
    `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
  const auth = u.password
    ? cmd("AUTH", ...(u.username ? [decodeURIComponent(u.username)] : []), decodeURIComponent(u.password))
    : "";
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port || 6379) });
    let got = "";
    const done = (e?: Error) => {
      clearTimeout(timer);
      s.destroy();
      if (e) reject(e);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error("no answer within 5 s")), 5000);
    s.on("connect", () => s.write(auth + cmd("PING")));
    s.on("data", (b) => {
      got += b.toString("utf8");
      if (got.includes("+PONG")) done();
      else if (got.startsWith("-") || got.includes("\r\n-")) done(new Error(got.trim()));
    });
    s.on("error", (e) => done(e));
  });
}

/** A GET that gets any HTTP answer within 5 s: the studio `npm test` starts is up. */
async function pingStudio(url: string): Promise<void> {
  await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5000) });
}

/**
 * What is wrong with this run's services, one line each; empty when all answer. With `studio`, the
 * studio too: the studio's API tests and every e2e spec skip without SOUS_TEST_STUDIO_URL, as the
 * integration tests do without Postgres and Redis, so in CI a run without it must fail as well.
 */
export async function serviceProblems(env: Env, opts: { studio?: boolean } = {}): Promise<string[]> {
  const problems = missingServiceUrls(env).map((k) => `${k} is not set`);
  if (opts.studio && !env.SOUS_TEST_STUDIO_URL)
    problems.push("SOUS_TEST_STUDIO_URL is not set (the studio's API and e2e tests would skip)");
  const checks: [string, string | undefined, (url: string) => Promise<void>][] = [
    ["Postgres", env.SOUS_TEST_DATABASE_URL, pingPostgres],
    ["Redis", env.SOUS_TEST_REDIS_URL, pingRedis],
  ];
  if (opts.studio) checks.push(["The studio", env.SOUS_TEST_STUDIO_URL, pingStudio]);
  for (const [name, url, ping] of checks) {
    if (!url) continue;
    await ping(url).catch((e: Error) => {
      problems.push(`${name} at ${new URL(url).host} does not answer: ${e.message}`);
    });
  }
  return problems;
}

export default async function requireServices(): Promise<void> {
  if (!servicesRequired(process.env)) {
    // Outside CI the tests skip, which is right on a laptop, but a green run must not read as a
    // pass of tests that never ran: say so once, before vitest's own summary.
    const missing = [...missingServiceUrls(process.env), "SOUS_TEST_STUDIO_URL"].filter(
      (k) => !process.env[k],
    );
    if (missing.length)
      console.warn(
        `[sous] ${missing.join(", ")} not set: the integration and e2e tests that need them are SKIPPED, not passed. ` +
          "`npm test` starts everything; CI=1 or SOUS_REQUIRE_SERVICES=1 makes this an error.",
      );
    return;
  }
  const problems = await serviceProblems(process.env, { studio: true });
  if (problems.length === 0) return;
  throw new Error(
    `CI run without its services, so integration tests would skip instead of running: ${problems.join("; ")}. ` +
      "Run them through `npm test` (it creates the database, starts Redis and the studio), or set " +
      "SOUS_TEST_DATABASE_URL, SOUS_TEST_REDIS_URL and SOUS_TEST_STUDIO_URL to running services. " +
      "Outside CI (CI unset) they skip.",
  );
}
