import { type Dirent, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminKey,
  type Caller,
  call,
  createProject,
  hasStudio,
  loginAs,
  uniqueKey,
  waitForJob,
} from "./api-client.ts";

// Renaming and deleting datasets through /api/v1 against the real stack (studio + worker +
// Postgres + storage): name rules and conflicts, SQL recipes that read a dataset by name (rewritten),
// refusal while recipes read it, force, the writer recipe, storage cleanup and roles.
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";
const dbUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const CSV = "id,city,amount\n1,paris,10\n2,lyon,20\n3,nice,5\n";

describe.skipIf(!hasStudio)("dataset rename and delete", () => {
  let key: Caller;
  let projectId: string;
  const base = () => `/projects/${projectId}`;

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Manage", "DM")).id;
  });

  const upload = async (name: string) => {
    const r = await call(`${base()}/datasets?name=${encodeURIComponent(name)}`, {
      method: "POST",
      body: CSV,
      headers: { "content-type": "text/csv" },
      as: key,
    });
    expect(r.status).toBe(201);
    return r.data.id as string;
  };
  const sync = async (name: string, input: string, output: string) => {
    const r = await call(`${base()}/recipes`, {
      method: "POST",
      json: {
        name,
        inputs: [input],
        output: { name: output },
        spec: { kind: "sync", version: 1, params: {} },
      },
      as: key,
    });
    expect(r.status).toBe(201);
    return { recipeId: r.data.id as string, outputId: r.data.outputs[0] as string };
  };
  const flowNames = async () =>
    ((await call(`${base()}/flow`, { as: key })).data.nodes as { name: string }[]).map((n) => n.name).sort();
  const datasetFiles = (datasetId: string): string[] => {
    const dir = path.join(dataDir, "storage", "projects", projectId, "datasets", datasetId);
    if (!existsSync(dir)) return [];
    return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((e) => e.isFile())
      .map((e) => e.name);
  };

  it("renames a dataset; recipes keep reading it by id; the name is validated and unique", async () => {
    const src = await upload("rn_src");
    await upload("rn_other");
    const { outputId } = await sync("rn_copy", src, "rn_out");

    const r = await call(`${base()}/datasets/${src}`, {
      method: "PATCH",
      json: { name: "  rn renamed.v2 ", description: "the sales" },
      as: key,
    });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({ id: src, name: "rn renamed.v2", description: "the sales" });
    expect((await call(`${base()}/datasets/${src}`, { as: key })).data.name).toBe("rn renamed.v2");
    expect(await flowNames()).toContain("rn renamed.v2");

    // The recipe still reads it: building its output works after the rename.
    const job = await call(`${base()}/jobs`, {
      method: "POST",
      json: { targets: [outputId], mode: "build-only-this" },
      as: key,
    });
    expect(job.status).toBe(201);
    expect((await waitForJob(projectId, job.data.job?.id ?? job.data.id, key)).state).toBe("SUCCEEDED");

    const taken = await call(`${base()}/datasets/${src}`, {
      method: "PATCH",
      json: { name: "rn_other" },
      as: key,
    });
    expect(taken.status).toBe(409);
    expect(taken.data.error.message).toMatch(/rn_other already exists.*Choose another name/);

    const bad = await call(`${base()}/datasets/${src}`, { method: "PATCH", json: { name: "-x/y" }, as: key });
    expect(bad.status).toBe(400);
    expect(bad.data.error.message).toMatch(/^name: use letters/);
    const empty = await call(`${base()}/datasets/${src}`, { method: "PATCH", json: {}, as: key });
    expect(empty.status).toBe(400);
    expect(empty.data.error.message).toMatch(/name.*description/);
    const unknown = await call(`${base()}/datasets/${src}`, {
      method: "PATCH",
      json: { name: "ok", extra: 1 },
      as: key,
    });
    expect(unknown.status).toBe(400);
    // Same name: a no-op, not a conflict with itself.
    const same = await call(`${base()}/datasets/${src}`, {
      method: "PATCH",
      json: { name: "rn renamed.v2" },
      as: key,
    });
    expect(same.status).toBe(200);
  });

  it("renames a dataset a SQL recipe reads: the query follows the new name, unless that would be ambiguous", async () => {
    const sqlRecipe = async (name: string, input: string, sql: string) => {
      const r = await call(`${base()}/recipes`, {
        method: "POST",
        json: {
          name,
          inputs: [input],
          output: { name: `${name}_out` },
          spec: { kind: "sql", version: 1, params: { sql } },
        },
        as: key,
      });
      expect(r.status).toBe(201);
      return r.data as { id: string; revision: number };
    };
    const src = await upload("sql_src");
    const reader = await sqlRecipe(
      "sql_reader",
      src,
      "SELECT sql_src.city, 'sql_src' AS tag FROM `sql_src` -- sql_src",
    );
    const res = await call(`${base()}/datasets/${src}`, {
      method: "PATCH",
      json: { name: "sql_src2" },
      as: key,
    });
    expect(res.status).toBe(200);
    const after = await call(`${base()}/recipes/${reader.id}`, { as: key });
    // References renamed; the string and the comment are text, not references, and stay.
    expect(after.data.spec.params.sql).toBe(
      "SELECT sql_src2.city, 'sql_src' AS tag FROM `sql_src2` -- sql_src",
    );
    expect(after.data.revision).toBe(reader.revision + 1);
    const compiled = await call(`${base()}/recipes/${reader.id}/compile?engine=duckdb`, { as: key });
    expect(compiled.status).toBe(200);

    // A dataset named like one of its columns: which references mean the table is ambiguous.
    const city = await upload("city");
    const ambiguous = await sqlRecipe("by_city", city, "SELECT city FROM city");
    const refused = await call(`${base()}/datasets/${city}`, {
      method: "PATCH",
      json: { name: "cities" },
      as: key,
    });
    expect(refused.status).toBe(409);
    expect(refused.data.error.message).toBe(
      "SQL recipe by_city reads city by name and its query cannot be rewritten: city is also the name of a column it reads. Edit that query (or remove city from it) first.",
    );
    // Nothing changed: neither the name nor the query.
    expect((await call(`${base()}/datasets/${city}`, { as: key })).data.name).toBe("city");
    const kept = await call(`${base()}/recipes/${ambiguous.id}`, { as: key });
    expect(kept.data.spec.params.sql).toBe("SELECT city FROM city");
    expect(kept.data.revision).toBe(ambiguous.revision);
    // The description alone may change.
    const d = await call(`${base()}/datasets/${city}`, {
      method: "PATCH",
      json: { description: "x" },
      as: key,
    });
    expect(d.status).toBe(200);
  });

  it("refuses to delete a dataset recipes read, naming them; force deletes those recipes, not their outputs", async () => {
    const src = await upload("del_src");
    const a = await sync("del_a", src, "del_a_out");
    const b = await sync("del_b", src, "del_b_out");
    const job = await call(`${base()}/jobs`, {
      method: "POST",
      json: { targets: [a.outputId], mode: "build-only-this" },
      as: key,
    });
    expect((await waitForJob(projectId, job.data.job?.id ?? job.data.id, key)).state).toBe("SUCCEEDED");
    if (dataDir) expect(datasetFiles(src).length).toBeGreaterThan(0);

    const refused = await call(`${base()}/datasets/${src}`, { method: "DELETE", as: key });
    expect(refused.status).toBe(409);
    expect(refused.data.error.code).toBe("conflict");
    expect(refused.data.error.message).toBe(
      "del_src is used by recipes del_a and del_b. Delete them first, or delete with force=true to delete them too (their output datasets stay).",
    );
    expect(await flowNames()).toEqual(expect.arrayContaining(["del_src", "del_a", "del_b"]));

    const bad = await call(`${base()}/datasets/${src}?force=yes`, { method: "DELETE", as: key });
    expect(bad.status).toBe(400);

    const forced = await call(`${base()}/datasets/${src}?force=true`, { method: "DELETE", as: key });
    expect(forced.status).toBe(200);
    expect(forced.data).toEqual({
      dataset: { id: src, name: "del_src" },
      recipes: [
        { id: a.recipeId, name: "del_a" },
        { id: b.recipeId, name: "del_b" },
      ],
      savedModels: [],
      analyses: [],
    });
    expect((await call(`${base()}/datasets/${src}`, { as: key })).status).toBe(404);
    expect((await call(`${base()}/recipes/${a.recipeId}`, { as: key })).status).toBe(404);
    const names = await flowNames();
    expect(names).not.toContain("del_src");
    expect(names).not.toContain("del_a");
    expect(names).toEqual(expect.arrayContaining(["del_a_out", "del_b_out"]));
    // The built output keeps its data.
    const out = await call(`${base()}/datasets/${a.outputId}`, { as: key });
    expect(out.data.currentVersion.rowCount).toBe(3);
    if (dataDir) expect(datasetFiles(src)).toEqual([]);
    expect((await call(`${base()}/datasets/${src}`, { method: "DELETE", as: key })).status).toBe(404);
  });

  it("deletes a recipe's only output with the recipe that writes it, and its stored versions", async () => {
    const src = await upload("w_src");
    const w = await sync("w_copy", src, "w_out");
    const job = await call(`${base()}/jobs`, {
      method: "POST",
      json: { targets: [w.outputId], mode: "build-only-this" },
      as: key,
    });
    expect((await waitForJob(projectId, job.data.job?.id ?? job.data.id, key)).state).toBe("SUCCEEDED");
    if (dataDir) expect(datasetFiles(w.outputId).length).toBeGreaterThan(0);
    const r = await call(`${base()}/datasets/${w.outputId}`, { method: "DELETE", as: key });
    expect(r.status).toBe(200);
    expect(r.data.recipes).toEqual([{ id: w.recipeId, name: "w_copy" }]);
    expect((await call(`${base()}/recipes/${w.recipeId}`, { as: key })).status).toBe(404);
    if (dataDir) expect(datasetFiles(w.outputId)).toEqual([]);
    // The source is read by nobody now: a plain delete works.
    expect((await call(`${base()}/datasets/${src}`, { method: "DELETE", as: key })).status).toBe(200);
    expect(await flowNames()).not.toContain("w_src");
  });

  it.skipIf(!dbUrl)("refuses to delete what a running job builds, pipelines included", async () => {
    const src = await upload("job_src");
    const a = await sync("job_a", src, "job_mid");
    const b = await sync("job_b", a.outputId, "job_out");
    // A job that looks running to the studio (rows only: its queue is nobody's, so no worker
    // picks it up): one pipeline activity merging job_a and job_b, job_mid computed inside it.
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const jobId = `tjob${Date.now().toString(36)}`;
    try {
      await db.query(
        `INSERT INTO "Job" (id, "projectId", state, mode, targets, "queuePrefix") VALUES ($1, $2, 'RUNNING', 'smart', $3, 'no-such-queue')`,
        [jobId, projectId, JSON.stringify([b.outputId])],
      );
      await db.query(
        `INSERT INTO "JobActivity" (id, "jobId", position, "recipeId", "outputDatasetId", engine, "recipeIds", "virtualDatasetIds") VALUES ($1, $2, 0, $3, $4, 'local', $5, $6)`,
        [
          `${jobId}a`,
          jobId,
          b.recipeId,
          b.outputId,
          JSON.stringify([a.recipeId, b.recipeId]),
          JSON.stringify([a.outputId]),
        ],
      );
      for (const id of [src, a.outputId, b.outputId]) {
        const r = await call(`${base()}/datasets/${id}?force=true`, { method: "DELETE", as: key });
        expect(r.status).toBe(409);
        expect(r.data.error.message).toMatch(
          new RegExp(`^Job ${jobId} is building job_\\w+ or a recipe that uses it\\. Cancel the job or wait`),
        );
      }
      await db.query(`UPDATE "Job" SET state = 'CANCELLED' WHERE id = $1`, [jobId]);
      const ok = await call(`${base()}/datasets/${src}?force=true`, { method: "DELETE", as: key });
      expect(ok.status).toBe(200);
      expect(ok.data.recipes).toEqual([{ id: a.recipeId, name: "job_a" }]);
    } finally {
      await db.query(`DELETE FROM "Job" WHERE id = $1`, [jobId]);
      await db.end();
    }
  });

  it("lets viewers read but not rename or delete; another project's dataset is not found", async () => {
    const src = await upload("v_src");
    const email = `${uniqueKey("v").toLowerCase()}@example.com`;
    await call("/admin/users", {
      method: "POST",
      json: { email, name: "Viewer", password: "a-long-password" },
      as: key,
    });
    await call(`${base()}/members`, { method: "PUT", json: { email, role: "VIEWER" }, as: key });
    const viewer = await loginAs(email, "a-long-password");
    expect((await call(`${base()}/datasets/${src}`, { as: viewer })).status).toBe(200);
    const rn = await call(`${base()}/datasets/${src}`, { method: "PATCH", json: { name: "x" }, as: viewer });
    expect(rn.status).toBe(403);
    const del = await call(`${base()}/datasets/${src}`, { method: "DELETE", as: viewer });
    expect(del.status).toBe(403);
    expect((await call(`${base()}/datasets/${src}`, { as: key })).data.name).toBe("v_src");

    // Editors may.
    await call(`${base()}/members`, { method: "PUT", json: { email, role: "EDITOR" }, as: key });
    const ok = await call(`${base()}/datasets/${src}`, {
      method: "PATCH",
      json: { name: "v_src2" },
      as: viewer,
    });
    expect(ok.status).toBe(200);

    const other = (await createProject(key, "Other", "DO")).id;
    expect((await call(`/projects/${other}/datasets/${src}`, { method: "DELETE", as: key })).status).toBe(
      404,
    );
    expect((await call(`${base()}/datasets/${src}`, { method: "DELETE", as: viewer })).status).toBe(200);
    expect(
      (await call(`${base()}/datasets/${src}`, { method: "PATCH", json: { name: "y" }, as: key })).status,
    ).toBe(404);
  });

  it("refuses a rename to a recipe's taken name with a clear 409 (recipes)", async () => {
    const src = await upload("rr_src");
    const one = await sync("rr_one", src, "rr_one_out");
    await sync("rr_two", src, "rr_two_out");
    const cur = (await call(`${base()}/recipes/${one.recipeId}`, { as: key })).data;
    const r = await call(`${base()}/recipes/${one.recipeId}`, {
      method: "PUT",
      json: { revision: cur.revision, name: "rr_two" },
      as: key,
    });
    expect(r.status).toBe(409);
    expect(r.data.error.message).toMatch(/already exists/);
    const ok = await call(`${base()}/recipes/${one.recipeId}`, {
      method: "PUT",
      json: { revision: cur.revision, name: "rr one renamed" },
      as: key,
    });
    expect(ok.status).toBe(200);
    expect(ok.data.name).toBe("rr one renamed");
  });
});
