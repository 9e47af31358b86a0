// The emulator on real Spark, through the unmodified @databricks/sql driver and plain REST:
// Thrift types and values, session settings, Spark's errors and SQLSTATEs, cancellation, the
// guard that keeps statements inside the mounts, Blob mounts (Azurite), and the Jobs API
// running a PySpark file that reads a mounted Parquet folder and writes one.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { DBSQLClient } from "@databricks/sql";
import { sparkLocalAvailability } from "@sous/spark-local";
import { type AzuriteHandle, startAzurite } from "@sous/storage/test/azurite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EscapeTargets, SQL_ESCAPES } from "../../compiler/test/sql-escape-corpus.ts";
import {
  type DatabricksEmulator,
  guardStatement,
  queryLocalDuckDb,
  sqlHttpPath,
  startDatabricksEmulator,
} from "../src/index.ts";

const available = sparkLocalAvailability();
const title = available.ok
  ? "the emulator on real Spark"
  : `the emulator on real Spark: SKIPPED, ${available.reason}`;
const TOKEN = "dapi-spark-int";
const MARKER = "host-secret-7f3e";
const CONTAINER = "emu-spark";

describe.skipIf(!available.ok)(title, () => {
  let emu: DatabricksEmulator;
  let azurite: AzuriteHandle;
  let root: string;
  let mountDir: string;
  let clusterId: string;
  let client: DBSQLClient;
  let outsideFile: string;

  const api = (p: string, body?: unknown) =>
    new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const req = https.request(
        `${emu.url}${p}`,
        {
          method: body === undefined ? "GET" : "POST",
          ca: emu.caCert,
          headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  const session = (configuration?: Record<string, string>) =>
    client.openSession(configuration ? { configuration } : {});

  const query = async (sql: string, configuration?: Record<string, string>) => {
    const s = await session(configuration);
    try {
      const op = await s.executeStatement(sql);
      const rows = await op.fetchAll();
      const schema = await op.getSchema();
      await op.close();
      return { rows: rows as Record<string, unknown>[], schema };
    } finally {
      await s.close();
    }
  };

  /** A statement without a result set (a write): waits for it to finish. */
  const exec = async (sql: string) => {
    const s = await session();
    try {
      const op = await s.executeStatement(sql);
      await op.finished();
      await op.close();
    } finally {
      await s.close();
    }
  };

  const failure = async (sql: string, configuration?: Record<string, string>) =>
    query(sql, configuration).then(
      () => {
        throw new Error(`expected ${sql} to fail`);
      },
      (e: unknown) => e as Error & { response?: { sqlState?: string } },
    );

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "sous-emu-spark-"));
    mountDir = path.join(root, "mount");
    mkdirSync(path.join(mountDir, "ds", "orders"), { recursive: true });
    await queryLocalDuckDb(
      `COPY (SELECT * FROM (VALUES (1, 'north', 10), (2, 'north', 5), (3, 'south', 7)) t(id, region, amount)) TO '${mountDir}/ds/orders/part-0.parquet' (FORMAT parquet)`,
    );
    outsideFile = path.join(root, "outside.txt");
    writeFileSync(outsideFile, `${MARKER}\n`);
    azurite = await startAzurite();
    await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(CONTAINER)
      .create();
    emu = await startDatabricksEmulator({
      token: TOKEN,
      tls: true,
      mounts: {
        "dbfs:/mnt/sous": mountDir,
        "dbfs:/mnt/blob": { blob: { connectionString: azurite.connectionString, container: CONTAINER } },
      },
    });
    const created = await api("/api/2.0/clusters/create", {
      cluster_name: "spark",
      spark_version: "17.3.x-scala2.13",
      spark_conf: { "spark.sql.shuffle.partitions": "2" },
    });
    clusterId = String(created.body.cluster_id);
    // PENDING while Spark starts: a real cold start (or attaching to the run's shared Spark).
    const deadline = Date.now() + 120_000;
    while (emu.clusterState(clusterId) !== "RUNNING") {
      if (Date.now() > deadline) throw new Error(`cluster ${emu.clusterState(clusterId)} after 120 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    client = new DBSQLClient({ logger: { log() {} } } as never);
    // The driver speaks HTTPS only: the emulator's self-signed certificate is trusted here.
    await client.connect({
      host: emu.host,
      port: emu.port,
      path: `/${sqlHttpPath(clusterId)}`,
      token: TOKEN,
      customCaCert: emu.caCert,
    } as never);
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await emu?.stop();
    await azurite?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("maps Spark's types and values onto Thrift columns", async () => {
    const { rows, schema } = await query(
      `SELECT 1 AS i, 10000000000 AS b, 9007199254740993L AS big, 1.5D AS d, CAST('NaN' AS DOUBLE) AS nan,
        CAST(12.34 AS DECIMAL(10,2)) AS dec, 'it\\'s' AS s, DATE'2024-01-02' AS dt,
        TIMESTAMP'2024-01-02 03:04:05.5' AS ts, TIMESTAMP_NTZ'2024-01-02 03:04:05' AS ntz, true AS f,
        X'0102' AS bin, array(1, 2) AS arr, map('a', 1) AS m, named_struct('x', 1, 'y', 'z') AS st,
        CAST(NULL AS INT) AS n`,
    );
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r).toMatchObject({ i: 1, d: 1.5, dec: 12.34, s: "it's", f: true, n: null });
    expect(String(r.b)).toBe("10000000000");
    // Beyond 2^53 the driver's Int64 -> number conversion gives up (as against Databricks):
    // the emulator sends every digit, the driver makes it Infinity.
    expect(r.big).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(r.nan)).toBe(true);
    expect(String(r.dt)).toMatch(/^2024-01-02/);
    expect(String(r.ts)).toContain("2024-01-02");
    expect(Buffer.from(r.bin as Uint8Array)).toEqual(Buffer.from([1, 2]));
    // Complex values travel as JSON text, which the driver parses.
    expect(r.arr).toEqual([1, 2]);
    expect(r.m).toEqual({ a: 1 });
    expect(r.st).toEqual({ x: 1, y: "z" });
    const dec = schema?.columns.find((c) => c.columnName === "dec");
    const qualifiers = dec?.typeDesc.types[0]?.primitiveEntry?.typeQualifiers?.qualifiers;
    expect(qualifiers?.precision?.i32Value).toBe(10);
    expect(qualifiers?.scale?.i32Value).toBe(2);
  });

  it("applies OpenSession's configuration to that session only", async () => {
    const settings = {
      "spark.sql.session.timeZone": "America/New_York",
      "spark.sql.ansi.enabled": "false",
      "spark.sql.legacy.timeParserPolicy": "CORRECTED",
    };
    const sql =
      "SELECT current_timezone() AS tz, CAST('x' AS INT) AS bad, CAST(TIMESTAMP_NTZ'2024-07-01 12:00:00' AS TIMESTAMP) AS ts";
    expect((await query(sql, settings)).rows).toEqual([
      { tz: "America/New_York", bad: null, ts: "2024-07-01 12:00:00" },
    ]);
    // Spark 4.0's default: ANSI on, so the same cast fails in a session without the settings.
    const e = await failure(sql);
    expect(e.message).toContain("CAST_INVALID_INPUT");
    expect(e.response?.sqlState ?? e.message).toMatch(/22018/);
    // DBSQL's parameter names work too; other keys (the mount table's above all) do not.
    expect((await query("SELECT current_timezone() AS tz", { TIMEZONE: "Europe/Paris" })).rows).toEqual([
      { tz: "Europe/Paris" },
    ]);
    await expect(session({ "fs.viewfs.mounttable.default.link./mnt/x": "file:///etc" })).rejects.toThrow(
      /CONFIG_NOT_AVAILABLE/,
    );
  });

  it("returns Spark's errors with their SQLSTATE", async () => {
    const e = await failure("SELECT nope FROM parquet.`dbfs:/mnt/sous/ds/orders`");
    expect(e.message).toContain("UNRESOLVED_COLUMN");
    expect(e.response?.sqlState ?? e.message).toMatch(/42703/);
    expect((await failure("SELECT * FROM parquet.`dbfs:/mnt/elsewhere/x`")).message).toContain(
      "PATH_NOT_FOUND",
    );
    expect((await failure("SELEC 1")).message).toMatch(/PARSE_SYNTAX_ERROR/);
  });

  it("reads and writes Parquet folders on the mounts", async () => {
    await exec(
      "INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/sous/ds/by_region' USING PARQUET SELECT region, CAST(sum(amount) AS BIGINT) AS total FROM parquet.`dbfs:/mnt/sous/ds/orders` GROUP BY region",
    );
    expect(
      readdirSync(path.join(mountDir, "ds", "by_region")).filter((f) => f.endsWith(".parquet")).length,
    ).toBeGreaterThan(0);
    expect((await query("SELECT * FROM parquet.`dbfs:/mnt/sous/ds/by_region` ORDER BY region")).rows).toEqual(
      [
        { region: "north", total: 15 },
        { region: "south", total: 7 },
      ],
    );
    // The Blob mount: the output lands in the container, and reads come back from it.
    await exec(
      "INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/blob/out' USING PARQUET SELECT id, amount FROM parquet.`dbfs:/mnt/sous/ds/orders`",
    );
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      CONTAINER,
    );
    const names: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: "out/" })) names.push(b.name);
    expect(names.some((n) => n.endsWith(".parquet"))).toBe(true);
    expect(names.some((n) => n.endsWith(".crc"))).toBe(false);
    expect((await query("SELECT count(*) AS n FROM parquet.`dbfs:/mnt/blob/out`")).rows).toEqual([{ n: 3 }]);
  });

  it("refuses what would reach the host, before Spark runs it (fail closed)", async () => {
    const attempts = [
      `SELECT * FROM text.\`${outsideFile}\``,
      `SELECT * FROM text.\`file://${outsideFile}\``,
      `SELECT * FROM parquet.\`file://${root}\``,
      `SELECT * FROM parquet.\`${root}\``,
      `SELECT * FROM read_files('${outsideFile}')`,
      `SELECT reflect('java.lang.System', 'getenv', 'HOME') AS x`,
      `SELECT java_method('java.lang.System', 'getProperty', 'user.home') AS x`,
      `LOAD DATA LOCAL INPATH '${outsideFile}' INTO TABLE t`,
      "ADD JAR /tmp/evil.jar",
      "CREATE FUNCTION evil AS 'x.Evil' USING JAR '/tmp/evil.jar'",
      "SET fs.viewfs.mounttable.default.link./mnt/x=file:///",
      `CREATE TABLE t USING text LOCATION '${root}'`,
      `INSERT OVERWRITE DIRECTORY '${root}/w' USING PARQUET SELECT 1 AS x`,
      `INSERT OVERWRITE LOCAL DIRECTORY '${root}/w' USING PARQUET SELECT 1 AS x`,
      "INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/other/w' USING PARQUET SELECT 1 AS x",
      `INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/sous/w' USING PARQUET OPTIONS (path '${root}/w') SELECT 1 AS x`,
      `SELECT * FROM parquet.\`dbfs:/mnt/sous/ds/orders\`; SELECT * FROM text.\`${outsideFile}\``,
    ];
    for (const sql of attempts) {
      const e = await failure(sql);
      expect(e.message, sql).toMatch(/INSUFFICIENT_PERMISSIONS|PARSE_SYNTAX_ERROR/);
      expect(e.message).not.toContain(MARKER);
    }
    expect(readdirSync(root).sort()).toEqual(expect.arrayContaining(["mount", "outside.txt"]));
    expect(readdirSync(root)).not.toContain("w");
    // dbfs: paths outside the mounts pass the guard and find nothing: Spark sees only the mounts.
    const dots = await failure("SELECT * FROM text.`dbfs:/mnt/sous/../../etc/passwd`");
    expect(dots.message).not.toContain("root:");
    const escaped = await failure(`SELECT * FROM parquet.\`dbfs:/mnt/sous/../..${root}\``);
    expect(escaped.message).toMatch(/PATH_NOT_FOUND/);
  });

  it("lets none of the SQL escape corpus read a file outside the mounts", { timeout: 300_000 }, async () => {
    // A victim dataset beside the mount, holding the marker; each attempt sent as-is (no Sous
    // checker in front): refused by the guard, or run on Spark, which sees only the mounts.
    const victimDir = path.join(
      root,
      "host",
      "projects",
      "pVictim",
      "datasets",
      "dVictim",
      "versions",
      "vVictim",
    );
    mkdirSync(victimDir, { recursive: true });
    await queryLocalDuckDb(
      `COPY (SELECT '${MARKER}' AS s) TO '${victimDir}/part-0.parquet' (FORMAT parquet)`,
    );
    const targets: EscapeTargets = {
      input: "orders",
      victimName: "salaries",
      victimFile: `${victimDir}/part-0.parquet`,
      victimDir,
      victimGlob: `${root}/*/projects/*/datasets/*/versions/*/*.parquet`,
      storageRoot: path.join(root, "host"),
      clusterDir: "dbfs:/mnt/sous/../host/projects/pVictim/datasets/dVictim/versions/vVictim",
    };
    let ranOnSpark = 0;
    for (const attempt of SQL_ESCAPES) {
      const sql = `WITH \`orders\` AS (SELECT * FROM parquet.\`dbfs:/mnt/sous/ds/orders\`)\n${attempt.sql(targets)}`;
      const guarded = guardStatement(sql, { "dbfs:/mnt/sous": mountDir });
      if (guarded.ok) ranOnSpark++;
      const out = await query(sql).then(
        (r) => JSON.stringify(r.rows),
        (e: unknown) => String(e),
      );
      expect(out, attempt.name).not.toContain(MARKER);
    }
    expect(readdirSync(victimDir)).toEqual(["part-0.parquet"]);
    console.log(
      `[escape corpus] ${SQL_ESCAPES.length} attempts, ${ranOnSpark} reached Spark, 0 read the victim`,
    );
  });

  it("cancels a running statement", { timeout: 120_000 }, async () => {
    const s = await session();
    const op = await s.executeStatement(
      "SELECT count(*) AS n FROM (SELECT explode(sequence(1, 200000)) AS a) CROSS JOIN (SELECT explode(sequence(1, 200000)) AS b) WHERE (a + b) % 7 = 3",
      { runAsync: true } as never,
    );
    await expect.poll(() => emu.activeStatements(clusterId), { timeout: 10_000 }).toBe(1);
    await op.cancel();
    // Spark stops the statement's jobs (a job group), however long it took to start them.
    await expect.poll(() => emu.activeStatements(clusterId), { timeout: 60_000, interval: 200 }).toBe(0);
    expect(emu.cancelled.at(-1)).toContain("explode");
    await s.close();
  });

  describe("Jobs API", () => {
    const job = (name: string, text: string) => {
      mkdirSync(path.join(mountDir, "jobs"), { recursive: true });
      writeFileSync(path.join(mountDir, "jobs", name), text);
      return `dbfs:/mnt/sous/jobs/${name}`;
    };
    const submit = async (body: Record<string, unknown>) => {
      const r = await api("/api/2.2/jobs/runs/submit", body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return Number(r.body.run_id);
    };
    const settled = async (runId: number) => {
      let run: Record<string, unknown> = {};
      await expect
        .poll(
          async () => {
            run = (await api(`/api/2.2/jobs/runs/get?run_id=${runId}`)).body;
            return (run.state as { life_cycle_state: string }).life_cycle_state;
          },
          { timeout: 120_000, interval: 250 },
        )
        .toMatch(/^(TERMINATED|INTERNAL_ERROR)$/);
      return run as {
        state: { life_cycle_state: string; result_state: string };
        tasks: { run_id: number; state: { result_state: string } }[];
      };
    };
    const output = async (taskRunId: number) =>
      (await api(`/api/2.1/jobs/runs/get-output?run_id=${taskRunId}`)).body as {
        logs: string;
        error?: string;
        error_trace?: string;
      };

    it("runs a PySpark file on the cluster: it reads a mounted Parquet folder and writes one", {
      timeout: 180_000,
    }, async () => {
      const file = job(
        "train.py",
        `import sys
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
src, dst = sys.argv[1], sys.argv[2]
df = spark.read.parquet(src)
out = df.groupBy("region").agg(F.sum("amount").alias("total"))
out.write.mode("overwrite").parquet(dst)
print("wrote", out.count(), "rows to", dst)
`,
      );
      const body = {
        run_name: "sous-train",
        idempotency_token: "train-1",
        tasks: [
          {
            task_key: "train",
            existing_cluster_id: clusterId,
            spark_python_task: {
              python_file: file,
              parameters: ["dbfs:/mnt/sous/ds/orders", "dbfs:/mnt/blob/model/totals"],
            },
          },
        ],
      };
      const runId = await submit(body);
      expect(await submit(body)).toBe(runId); // the idempotency token returns the same run
      const run = await settled(runId);
      expect(run.state).toMatchObject({ life_cycle_state: "TERMINATED", result_state: "SUCCESS" });
      const out = await output(run.tasks[0]!.run_id);
      expect(out.logs).toContain("wrote 2 rows to dbfs:/mnt/blob/model/totals");
      // Written on the Blob mount: in the container, and readable by SQL.
      expect(
        (await query("SELECT region, total FROM parquet.`dbfs:/mnt/blob/model/totals` ORDER BY region")).rows,
      ).toEqual([
        { region: "north", total: 15 },
        { region: "south", total: 7 },
      ]);
      expect((await api(`/api/2.2/jobs/runs/get-output?run_id=${runId}`)).status).toBe(400);
    });

    it("reports a failing script with its output, error and trace", async () => {
      const file = job("fail.py", `print("before the failure")\nraise ValueError("no good")\n`);
      const run = await settled(
        await submit({
          tasks: [
            { task_key: "t", existing_cluster_id: clusterId, spark_python_task: { python_file: file } },
          ],
        }),
      );
      expect(run.state).toMatchObject({ life_cycle_state: "TERMINATED", result_state: "FAILED" });
      const out = await output(run.tasks[0]!.run_id);
      expect(out).toMatchObject({
        logs: expect.stringContaining("before the failure"),
        error: expect.stringContaining("no good"),
      });
      expect(out.error_trace).toContain("ValueError");
    });

    it("cancels a run, and runs on a new job cluster", { timeout: 180_000 }, async () => {
      const file = job(
        "slow.py",
        "import time\nprint('sleeping', flush=True)\nwhile True:\n    time.sleep(0.1)\n",
      );
      const runId = await submit({
        tasks: [{ task_key: "t", existing_cluster_id: clusterId, spark_python_task: { python_file: file } }],
      });
      await expect
        .poll(
          async () =>
            ((await api(`/api/2.2/jobs/runs/get?run_id=${runId}`)).body.state as { life_cycle_state: string })
              .life_cycle_state,
          { timeout: 30_000, interval: 200 },
        )
        .toMatch(/RUNNING/);
      expect((await api("/api/2.2/jobs/runs/cancel", { run_id: runId })).status).toBe(200);
      expect((await settled(runId)).state).toMatchObject({
        life_cycle_state: "TERMINATED",
        result_state: "CANCELED",
      });

      const ok = job(
        "ok.py",
        "from pyspark.sql import SparkSession\nprint(SparkSession.builder.getOrCreate().range(3).count())\n",
      );
      const run = await settled(
        await submit({
          tasks: [
            {
              task_key: "t",
              new_cluster: { spark_version: "17.3.x-scala2.13", num_workers: 0 },
              spark_python_task: { python_file: ok },
            },
          ],
        }),
      );
      expect(run.state).toMatchObject({ result_state: "SUCCESS" });
      expect((await output(run.tasks[0]!.run_id)).logs.trim()).toBe("3");
    });

    it("refuses python files outside the mounts and malformed bodies", async () => {
      const run = await settled(
        await submit({
          tasks: [
            {
              task_key: "t",
              existing_cluster_id: clusterId,
              spark_python_task: { python_file: `file://${outsideFile}` },
            },
          ],
        }),
      );
      expect(run.state).toMatchObject({ life_cycle_state: "INTERNAL_ERROR" });
      expect((await api("/api/2.2/jobs/runs/submit", { tasks: [] })).status).toBe(400);
      expect(
        (
          await api("/api/2.2/jobs/runs/submit", {
            tasks: [{ task_key: "t", spark_python_task: { python_file: "dbfs:/x.py" } }],
          })
        ).status,
      ).toBe(400);
    });
  });
});
