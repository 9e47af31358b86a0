// In CI a run whose Postgres or Redis is missing fails instead of skipping its integration tests
// (scripts/lib/require-services.ts, a global setup of the integration and e2e projects); outside
// CI the same run skips them and exits 0. Runs vitest itself on a real integration test file.
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { serviceProblems } from "./lib/require-services.ts";

const root = path.resolve(import.meta.dirname, "..");
const target = "packages/server-domain/test/job-state.int.test.ts"; // skipIf(!SOUS_TEST_DATABASE_URL)

/** The environment of a developer's shell: no CI, no service URLs, nothing of this vitest run. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(CI|SOUS_TEST_|SOUS_REQUIRE_SERVICES|VITEST)/.test(k)) env[k] = v;
  return { ...env, NO_COLOR: "1", ...extra };
}

const vitest = (env: NodeJS.ProcessEnv) =>
  spawnSync("pnpm", ["exec", "vitest", "run", "--project", "integration", target], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 180_000,
  });

describe("integration services in CI", () => {
  it("CI without Postgres and Redis fails the run, naming what is missing", () => {
    const r = vitest(bareEnv({ CI: "true" }));
    const out = r.stdout + r.stderr;
    expect(r.status, out).not.toBe(0);
    expect(out).toMatch(/CI run without its services/);
    expect(out).toMatch(/SOUS_TEST_DATABASE_URL is not set; SOUS_TEST_REDIS_URL is not set/);
  }, 200_000);

  it("without CI the same run skips its tests and exits 0", () => {
    const r = vitest(bareEnv());
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the colours vitest may still print
    const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "");
    expect(r.status, out).toBe(0);
    // Every test of the file skipped ("Tests  8 skipped (8)"), none run.
    const counts = out.match(/Tests\s+(\d+) skipped \((\d+)\)/);
    expect(counts, out).not.toBeNull();
    expect(Number(counts![1])).toBeGreaterThan(0);
    expect(counts![1]).toBe(counts![2]);
    expect(out).not.toMatch(/CI run without its services/);
  }, 200_000);

  it("a service URL that nothing answers on is a problem too", async () => {
    // A port that was just free: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const problems = await serviceProblems({
      SOUS_TEST_DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      SOUS_TEST_REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`^Postgres at 127\\.0\\.0\\.1:${port} does not answer: .*ECONNREFUSED`),
      ),
      expect.stringMatching(new RegExp(`^Redis at 127\\.0\\.0\\.1:${port} does not answer: .*ECONNREFUSED`)),
    ]);
  });

  const own = {
    SOUS_TEST_DATABASE_URL: process.env.SOUS_TEST_DATABASE_URL,
    SOUS_TEST_REDIS_URL: process.env.SOUS_TEST_REDIS_URL,
  };
  it.skipIf(!own.SOUS_TEST_DATABASE_URL || !own.SOUS_TEST_REDIS_URL)(
    "this run's own services answer",
    async () => {
      expect(await serviceProblems(own)).toEqual([]);
    },
  );
});
