import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type EscapeTargets, SQL_ESCAPES } from "../../../packages/compiler/test/sql-escape-corpus.ts";
import { adminKey, type Caller, call, createProject, hasStudio, loginAs, uniqueKey } from "./api-client.ts";

// The escape corpus against the recipe preview, as the attacker: a VIEWER of their own
// project aims every attempt at another project's dataset (its files, their glob, its name, its
// cluster path). Each answer is a 4xx naming what is not allowed, or a preview whose rows hold
// nothing of the victim; saving such a recipe is refused too.
const MARKER = "victim-salary-4b1e";
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

describe.skipIf(!hasStudio || !dataDir)("the SQL escape corpus against the recipe preview", () => {
  let viewer: Caller;
  let ownProject: string;
  let orders: string;
  let targets: EscapeTargets;

  beforeAll(async () => {
    const key = await adminKey();
    const project = async (name: string) => (await createProject(key, name, name)).id;
    const upload = async (projectId: string, name: string, csv: string) =>
      (
        await call(`/projects/${projectId}/datasets?name=${name}`, {
          method: "POST",
          body: csv,
          headers: { "content-type": "text/csv" },
          as: key,
        })
      ).data;
    const victimProject = await project("VICTIM");
    const victim = await upload(victimProject, "salaries", `name,secret\nann,${MARKER}\n`);
    ownProject = await project("ATTACKER");
    orders = (await upload(ownProject, "orders", "id\n1\n2\n")).id;

    const email = `${uniqueKey("viewer").toLowerCase()}@example.com`;
    await call("/admin/users", {
      method: "POST",
      json: { email, name: "Viewer", password: "a-long-password" },
      as: key,
    });
    await call(`/projects/${ownProject}/members`, {
      method: "PUT",
      json: { email, role: "VIEWER" },
      as: key,
    });
    viewer = await loginAs(email, "a-long-password");

    const storageRoot = path.join(dataDir, "storage");
    const prefix = `projects/${victimProject}/datasets/${victim.id}/versions/${victim.currentVersion.id}`;
    targets = {
      input: "orders",
      victimName: "salaries",
      victimFile: path.join(storageRoot, prefix, "part-0.parquet"),
      victimDir: path.join(storageRoot, prefix),
      victimGlob: `${storageRoot}/projects/*/datasets/*/versions/*/*.parquet`,
      storageRoot,
      clusterDir: `dbfs:/mnt/sous/${prefix}`,
    };
  });

  it("answers every attempt without the victim's data: 4xx, or rows that hold none of it", async () => {
    const leaks: string[] = [];
    const statuses = new Map<number, number>();
    for (const attempt of SQL_ESCAPES) {
      const sql = attempt.sql(targets);
      const r = await call(`/projects/${ownProject}/recipes/preview`, {
        method: "POST",
        json: { inputs: [orders], spec: { kind: "sql", version: 1, params: { sql } }, limit: 50 },
        as: viewer,
      });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      const body = JSON.stringify(r.data);
      if (r.status >= 500) leaks.push(`${attempt.name}: HTTP ${r.status} ${body.slice(0, 200)}`);
      if (body.includes(MARKER)) leaks.push(`${attempt.name}: the victim's rows`);
      if (r.status === 200) {
        // Accepted only as inert text: the rows never list another project's files.
        const rows = JSON.stringify(r.data.rows);
        if (rows.includes(targets.victimDir) && !sql.includes(targets.victimDir))
          leaks.push(`${attempt.name}: the victim's path`);
      } else {
        // 422: the checker refused the query (it names what and where); 400: the body's schema did.
        expect([400, 422], `${attempt.name}: ${r.status}`).toContain(r.status);
        expect(r.data.error.message, attempt.name).toMatch(/\S/);
      }
    }
    expect(leaks).toEqual([]);
    // Nearly all are refused before anything runs; the few accepted ones are comments or strings.
    expect((statuses.get(400) ?? 0) + (statuses.get(422) ?? 0)).toBeGreaterThan(SQL_ESCAPES.length - 10);
  }, 120_000);

  it("refuses to save an escape as a recipe, and names the problem", async () => {
    const admin_ = await adminKey();
    const r = await call(`/projects/${ownProject}/recipes`, {
      method: "POST",
      json: {
        name: "steal",
        spec: { kind: "sql", version: 1, params: { sql: SQL_ESCAPES[0]!.sql(targets) } },
        inputs: [orders],
        output: { name: "stolen" },
      },
      as: admin_,
    });
    expect(r.status).toBe(422);
    expect(r.data.error.code).toBe("compile_error");
    expect(r.data.error.message).toMatch(/not an input|not allowed/);
  });
});
