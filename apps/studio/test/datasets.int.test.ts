import { type Dirent, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio, uniqueKey } from "./api-client.ts";

// Datasets through /api/v1 against the real stack: import with preview, re-import, versions,
// schema edits, sampling, stats, the sample query, download, Postgres import and bad input.
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";
const dbUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";

describe.skipIf(!hasStudio)("datasets API", () => {
  let key: Caller;
  let projectId: string;
  const base = () => `/projects/${projectId}`;

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Datasets", "DS")).id;
  });

  const stage = (body: BodyInit, fileName = "data.csv") =>
    call(`${base()}/datasets/uploads?fileName=${encodeURIComponent(fileName)}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream" },
      as: key,
    });

  /** Files under the project's storage folder, other than those of the given datasets. */
  function strayFiles(keep: string[]): string[] {
    if (!dataDir) return [];
    const dir = path.join(dataDir, "storage", "projects", projectId);
    if (!existsSync(dir)) return [];
    return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .filter((f) => !keep.some((id) => f.startsWith(`datasets${path.sep}${id}${path.sep}`)));
  }

  let salesId: string;

  it("previews an upload with a detected dialect, re-previews with edited options, imports it", async () => {
    const up = await stage("Report 2024\nregion;amount;code\nnorth;10.5;1\nsouth;3;2\nnorth;2;x\n");
    expect(up.status).toBe(201);
    expect(up.data.preview.options).toEqual({
      format: "csv",
      csv: {
        delimiter: ";",
        quote: '"',
        escape: '"',
        encoding: "utf-8",
        header: true,
        skipLines: 1,
        trailingDelimiter: false,
        decimalSeparator: ".",
        skipBadLines: false,
      },
    });
    expect(up.data.preview.columns.map((c: { name: string }) => c.name)).toEqual([
      "region",
      "amount",
      "code",
    ]);
    const edited = await call(`${base()}/datasets/uploads/${up.data.id}/preview`, {
      method: "POST",
      json: { options: { format: "csv", csv: { ...up.data.preview.options.csv, header: false } } },
      as: key,
    });
    expect(edited.status).toBe(200);
    expect(edited.data.rows[0]).toEqual(["region", "amount", "code"]);
    const imported = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "sales", source: { kind: "upload", uploadId: up.data.id } },
      as: key,
    });
    expect(imported.status).toBe(201);
    salesId = imported.data.id;
    expect(imported.data.currentVersion.rowCount).toBe(3);
    // The upload is consumed: importing it twice is not found.
    const again = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "sales2", source: { kind: "upload", uploadId: up.data.id } },
      as: key,
    });
    expect(again.status).toBe(404);
    expect(strayFiles([salesId])).toEqual([]);
  });

  it("computes quality and stats on the sample, and filters it", async () => {
    const stats = await call(`${base()}/datasets/${salesId}/stats`, { as: key });
    expect(stats.status).toBe(200);
    const code = stats.data.columns.find((c: { name: string }) => c.name === "code");
    expect(code).toMatchObject({ meaning: "integer", valid: 2, invalid: 1, empty: 0, distinct: 3 });
    // A small sample's stats read every one of its rows, and say so.
    expect(stats.data).toMatchObject({ sampled: false, rowsScanned: stats.data.rows });
    const page = await call(`${base()}/datasets/${salesId}/sample`, {
      method: "POST",
      json: { filters: [{ column: "code", op: "invalid" }] },
      as: key,
    });
    expect(page.data.matchingRows).toBe(1);
    expect(page.data.rows).toEqual([["north", 2, "x"]]);
  });

  it("refuses a type change the data does not fit, and applies one it fits as a new version", async () => {
    const schema = (await call(`${base()}/datasets/${salesId}`, { as: key })).data.schema;
    const bad = await call(`${base()}/datasets/${salesId}/schema`, {
      method: "PUT",
      json: {
        columns: schema.map((c: { name: string }) => (c.name === "code" ? { ...c, type: "integer" } : c)),
      },
      as: key,
    });
    expect(bad.status).toBe(400);
    expect(bad.data.error.message).toMatch(/code: 1 value cannot be read as integer \(first on row 3: "x"\)/);
    const ok = await call(`${base()}/datasets/${salesId}/schema`, {
      method: "PUT",
      json: {
        columns: schema.map((c: { name: string }) => (c.name === "region" ? c : { ...c, type: "string" })),
      },
      as: key,
    });
    expect(ok.status).toBe(200);
    expect(ok.data.currentVersion.number).toBe(2);
  });

  it("re-imports as new versions with the same id and keeps only N versions", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await call(`${base()}/datasets/${salesId}/versions?fileName=v.json`, {
        method: "POST",
        body: JSON.stringify([{ region: "east", amount: i }]),
        headers: { "content-type": "application/json" },
        as: key,
      });
      expect(r.status).toBe(201);
      expect(r.data.id).toBe(salesId);
    }
    const versions = (await call(`${base()}/datasets/${salesId}/versions`, { as: key })).data;
    // 7 were written; SOUS_DATASET_VERSIONS_KEPT (default 5) remain, newest first.
    expect(versions.map((v: { number: number }) => v.number)).toEqual([7, 6, 5, 4, 3]);
    expect(versions[0]).toMatchObject({ current: true, rowCount: 1, origin: "upload v.json" });
    expect(strayFiles([salesId]).length).toBe(0);
    if (dataDir) {
      const vdir = path.join(dataDir, "storage", "projects", projectId, "datasets", salesId, "versions");
      const withFiles = readdirSync(vdir).filter((v) => readdirSync(path.join(vdir, v)).length > 0);
      expect(withFiles.sort()).toEqual(versions.map((v: { id: string }) => v.id).sort());
    }
  });

  it("saves sampling settings, draws samples deterministically, and names bad settings", async () => {
    const rows = ["id,cls"];
    for (let i = 0; i < 2000; i++) rows.push(`${i},${i % 4 === 0 ? "rare" : "common"}`);
    const up = await stage(`${rows.join("\n")}\n`);
    const d = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "big", source: { kind: "upload", uploadId: up.data.id } },
      as: key,
    });
    const ds = `${base()}/datasets/${d.data.id}`;
    expect((await call(`${ds}/sampling`, { as: key })).data).toEqual({ method: "first", n: 10_000 });
    const bad = await call(`${ds}/sampling`, {
      method: "PUT",
      json: { method: "stratified", column: "nope", n: 10 },
      as: key,
    });
    expect(bad.status).toBe(400);
    expect(bad.data.error.message).toMatch(/nope/);
    const set = await call(`${ds}/sampling`, {
      method: "PUT",
      json: { method: "rebalance", column: "cls", n: 200, seed: 5 },
      as: key,
    });
    expect(set.status).toBe(200);
    const a = await call(`${ds}/sample`, { method: "POST", json: { limit: 1000 }, as: key });
    expect(a.data.sampleRows).toBe(200);
    const counts = { rare: 0, common: 0 } as Record<string, number>;
    for (const r of a.data.rows) counts[r[1]] = (counts[r[1]] ?? 0) + 1;
    expect(counts).toEqual({ rare: 100, common: 100 });
    // The page reaches clients that accept gzip and those that do not.
    const raw = (encoding: string) =>
      fetch(`${process.env.SOUS_TEST_STUDIO_URL}/api/v1${ds}/sample`, {
        method: "POST",
        headers: { ...key.headers, "content-type": "application/json", "accept-encoding": encoding },
        body: JSON.stringify({ limit: 1000 }),
      });
    for (const encoding of ["gzip", "gzip", "identity"]) {
      const res = await raw(encoding);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(a.data);
    }
    const sorted = await call(`${ds}/sample`, {
      method: "POST",
      json: { limit: 3, sort: { column: "id", desc: true } },
      as: key,
    });
    expect(sorted.data.rows.map((r: unknown[]) => r[0])).toEqual(
      [...a.data.rows.map((r: unknown[]) => r[0])].sort((x, y) => Number(y) - Number(x)).slice(0, 3),
    );
  });

  it("downloads CSV and Parquet", async () => {
    const csv = await fetch(
      `${process.env.SOUS_TEST_STUDIO_URL}/api/v1${base()}/datasets/${salesId}/download?format=csv`,
      {
        headers: key.headers,
      },
    );
    expect(csv.status).toBe(200);
    expect(await csv.text()).toBe("region,amount\neast,4\n");
    const pq = await fetch(
      `${process.env.SOUS_TEST_STUDIO_URL}/api/v1${base()}/datasets/${salesId}/download?format=parquet`,
      {
        headers: key.headers,
      },
    );
    expect(pq.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    expect(
      Buffer.from(await pq.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe("PAR1");
  });

  it("imports a Postgres table through a connection whose password is never returned", async () => {
    if (!dbUrl) return;
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    await c.query("DROP TABLE IF EXISTS sous_import_src");
    await c.query(
      "CREATE TABLE sous_import_src (id int8, name text, amount numeric, ok bool, day date, at timestamptz)",
    );
    await c.query(
      "INSERT INTO sous_import_src VALUES (1, 'a', 1.5, true, '2024-01-02', '2024-01-02 10:00:00+00'), (2, NULL, NULL, false, NULL, NULL)",
    );
    await c.end();
    const u = new URL(dbUrl);
    const conn = await call("/connections", {
      method: "POST",
      json: {
        name: uniqueKey("pg"),
        kind: "postgres",
        host: u.hostname,
        port: Number(u.port || 5432),
        database: u.pathname.slice(1),
        user: u.username,
        password: "not-needed-but-secret",
        projectIds: [projectId],
      },
      as: key,
    });
    expect(conn.status).toBe(201);
    expect(JSON.stringify(conn.data)).not.toContain("not-needed-but-secret");
    expect(conn.data.hasSecret).toBe(true);
    const r = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: {
        name: "from_pg",
        source: { kind: "postgres", connectionId: conn.data.id, table: "public.sous_import_src" },
      },
      as: key,
    });
    expect(r.status).toBe(201);
    expect(r.data.schema).toEqual([
      { name: "id", type: "bigint" },
      { name: "name", type: "string" },
      { name: "amount", type: "double" },
      { name: "ok", type: "boolean" },
      { name: "day", type: "date" },
      { name: "at", type: "timestamp" },
    ]);
    const p = await call(`${base()}/datasets/${r.data.id}/preview`, { as: key });
    expect(p.data.rows[0]).toEqual([1, "a", 1.5, true, "2024-01-02", "2024-01-02 10:00:00"]);
    const q = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: {
        name: "from_pg_bad",
        source: { kind: "postgres", connectionId: conn.data.id, query: "SELECT nope FROM nowhere" },
      },
      as: key,
    });
    expect(q.status).toBe(400);
    expect(q.data.error.message).toMatch(/nowhere/);
    // One statement only, in a READ ONLY transaction: what follows a ';' never runs.
    const attack = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: {
        name: "from_pg_attack",
        source: {
          kind: "postgres",
          connectionId: conn.data.id,
          query: "SELECT 1; COMMIT; CREATE TABLE sous_import_pwned(x int)",
        },
      },
      as: key,
    });
    expect(attack.status).toBe(400);
    expect(attack.data.error.code).toBe("invalid_input");
    expect(attack.data.error.message).toMatch(/one statement/);
    const check = new pg.Client({ connectionString: dbUrl });
    await check.connect();
    const pwned = await check.query("SELECT to_regclass('public.sous_import_pwned') AS t");
    await check.end();
    expect(pwned.rows[0].t).toBeNull();
  });

  describe("bad input leaves nothing registered or stored", () => {
    const cases: [string, BodyInit, RegExp][] = [
      ["ragged rows", "a,b\n1,2\n3\n", /line 3/],
      ["an empty file", "", /empty/],
      ["duplicate headers", "a,A\n1,2\n", /Duplicate/],
      ["empty header", "a,,c\n1,2,3\n", /position 2/],
      ["zero columns", "[{}]", /no columns|could not be read/],
      [
        "a truncated parquet",
        Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(64, 1)]),
        /damaged or truncated/,
      ],
      [
        "a malformed xlsx",
        Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 9)]),
        /Excel/,
      ],
      ["binary posing as CSV", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]), /binary/],
    ];
    for (const [what, body, message] of cases) {
      it(what, async () => {
        const before = (await call(`${base()}/datasets`, { as: key })).data.length;
        const r = await call(`${base()}/datasets?name=${encodeURIComponent(`bad ${what}`.slice(0, 60))}`, {
          method: "POST",
          body,
          headers: { "content-type": "application/octet-stream" },
          as: key,
        });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.data.error.message).toMatch(message);
        expect((await call(`${base()}/datasets`, { as: key })).data.length).toBe(before);
        const ids = (await call(`${base()}/datasets`, { as: key })).data.map((d: { id: string }) => d.id);
        expect(strayFiles(ids)).toEqual([]);
      });
    }

    it("an unknown encoding names the option", async () => {
      const up = await stage("a,b\n1,2\n");
      const r = await call(`${base()}/datasets/uploads/${up.data.id}/preview`, {
        method: "POST",
        json: { options: { format: "csv", csv: { ...up.data.preview.options.csv, encoding: "ebcdic" } } },
        as: key,
      });
      expect(r.status).toBe(400);
      expect(r.data.error.message).toMatch(/options\.csv\.encoding/);
      expect(
        (await call(`${base()}/datasets/uploads/${up.data.id}`, { method: "DELETE", as: key })).status,
      ).toBe(204);
    });

    it("an upload interrupted halfway", async () => {
      const ids = (await call(`${base()}/datasets`, { as: key })).data.map((d: { id: string }) => d.id);
      const controller = new AbortController();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(c) {
          if (sent >= 5) {
            controller.abort();
            return;
          }
          sent++;
          c.enqueue(new TextEncoder().encode(`a,b\n${"1,2\n".repeat(10_000)}`));
          await new Promise((r) => setTimeout(r, 50));
        },
      });
      await fetch(`${process.env.SOUS_TEST_STUDIO_URL}/api/v1${base()}/datasets?name=interrupted`, {
        method: "POST",
        body,
        headers: { ...key.headers, "content-type": "text/csv" },
        signal: controller.signal,
        // @ts-expect-error Node's fetch needs duplex for a streamed body
        duplex: "half",
      }).catch(() => {});
      // The server notices the broken request asynchronously.
      await new Promise((r) => setTimeout(r, 1500));
      expect((await call(`${base()}/datasets`, { as: key })).data.map((d: { id: string }) => d.id)).toEqual(
        ids,
      );
      expect(strayFiles(ids)).toEqual([]);
    });
  });

  it("documents the dataset endpoints in OpenAPI", async () => {
    const doc = (await call("/openapi.json")).data;
    for (const p of ["/datasets/uploads", "/datasets/{datasetId}/sample", "/datasets/{datasetId}/schema"])
      expect(Object.keys(doc.paths[`/projects/{projectId}${p}`] ?? {}).length).toBeGreaterThan(0);
  });
});
