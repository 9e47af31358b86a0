// Escape attempts against the SQL recipe sandbox: queries a user could type into a SQL recipe to
// read data that is not an input of the recipe (another project's files, the host's files, the
// workspace catalog), reach the JVM, secrets or the server's settings, or write anywhere.
// Shared by the compiler's checker test, the local engine's lockdown test (which runs them with
// the checker bypassed), the studio's preview test, the worker's build test and the Databricks
// emulator test: each asserts that 0 get through.

/** What an attack aims at, filled in by each test from the data it seeded. */
export interface EscapeTargets {
  /** The attacker's own input dataset name. */
  input: string;
  /** A dataset of another project (not an input). */
  victimName: string;
  /** One Parquet file of the victim's current version (a local path). */
  victimFile: string;
  /** The victim's version directory (a local path). */
  victimDir: string;
  /** A glob matching every dataset file of every project in the storage. */
  victimGlob: string;
  /** The storage root (a local path). */
  storageRoot: string;
  /** The victim's version directory as a Databricks cluster sees it (dbfs:/mnt/...). */
  clusterDir: string;
}

export interface EscapeAttempt {
  name: string;
  sql: (t: EscapeTargets) => string;
}

const bq = (s: string) => `\`${s.replaceAll("`", "``")}\``;
const sq = (s: string) => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

const attempts: EscapeAttempt[] = [];
const add = (name: string, sql: (t: EscapeTargets) => string) => attempts.push({ name, sql });

// 1. The reported breach and its scope variants: a CTE name collected from one scope, read in
//    another where it is not defined (DuckDB then reads the quoted name as a file path).
add(
  "reported: CTE of a subquery read from a sibling FROM item",
  (t) =>
    `SELECT DISTINCT filename FROM (WITH ${bq(t.victimGlob)} AS (SELECT 1 AS z) SELECT * FROM ${bq(t.victimGlob)}) a, ${bq(t.victimGlob)} b`,
);
for (const [label, target] of [
  ["glob", (t: EscapeTargets) => t.victimGlob],
  ["file", (t: EscapeTargets) => t.victimFile],
  ["dir glob", (t: EscapeTargets) => `${t.victimDir}/*.parquet`],
  ["relative file", (t: EscapeTargets) => `../../../../../..${t.victimFile}`],
  [
    "dot segments",
    (t: EscapeTargets) => `${t.victimDir}/./../${t.victimDir.split("/").pop()}/part-0.parquet`,
  ],
] as const) {
  add(`CTE of a subquery, read outside (${label})`, (t) => {
    const n = bq(target(t));
    return `SELECT * FROM (WITH ${n} AS (SELECT 1 AS z) SELECT z FROM ${n}) a CROSS JOIN ${n} b`;
  });
  add(`CTE of a scalar subquery, read in FROM (${label})`, (t) => {
    const n = bq(target(t));
    return `SELECT (WITH ${n} AS (SELECT 1 AS z) SELECT max(z) FROM ${n}) AS x, b.* FROM ${n} b`;
  });
  add(`CTE of an IN subquery, read in the outer FROM (${label})`, (t) => {
    const n = bq(target(t));
    return `SELECT * FROM ${n} WHERE 1 IN (WITH ${n} AS (SELECT 1 AS z) SELECT z FROM ${n})`;
  });
  add(`CTE of an EXISTS subquery, read in a join (${label})`, (t) => {
    const n = bq(target(t));
    return `SELECT v.* FROM ${bq(t.input)} i JOIN ${n} v ON true WHERE EXISTS (WITH ${n} AS (SELECT 1) SELECT * FROM ${n})`;
  });
  add(`CTE defined in a later CTE's body, read in an earlier one (${label})`, (t) => {
    const n = bq(target(t));
    return `WITH a AS (SELECT * FROM ${n}), b AS (WITH ${n} AS (SELECT 1 AS z) SELECT * FROM ${n}) SELECT * FROM a`;
  });
  add(`CTE of one UNION branch, read in the other (${label})`, (t) => {
    const n = bq(target(t));
    return `SELECT * FROM (WITH ${n} AS (SELECT 1 AS z) SELECT * FROM ${n}) UNION ALL SELECT * FROM ${n}`;
  });
  add(`CTE read before its definition, in its own body (${label})`, (t) => {
    const n = bq(target(t));
    return `WITH ${n} AS (SELECT * FROM ${n}) SELECT * FROM ${n}`;
  });
  add(`CTE of a lateral subquery, read outside (${label})`, (t) => {
    const n = bq(target(t));
    return `SELECT * FROM ${bq(t.input)} i, LATERAL (WITH ${n} AS (SELECT 1 AS z) SELECT z FROM ${n}) l, ${n} v`;
  });
}
add("CTE named like an input, its body reading the shadowed input name", (t) => {
  return `WITH ${bq(t.input)} AS (SELECT * FROM ${bq(t.input)}) SELECT * FROM ${bq(t.input)}`;
});
add(
  "CTE of a nested subquery named like the input, so the input is not bound",
  (t) =>
    `SELECT * FROM (WITH ${bq(t.input)} AS (SELECT 1 AS z) SELECT * FROM ${bq(t.input)}) a, ${bq(t.input)} b, ${bq(t.victimFile)} c`,
);
add("the victim's dataset name", (t) => `SELECT * FROM ${bq(t.victimName)}`);
add(
  "the victim's dataset name in a join",
  (t) => `SELECT * FROM ${bq(t.input)} JOIN ${bq(t.victimName)} ON true`,
);
add("the victim's name via TABLE", (t) => `TABLE ${bq(t.victimName)}`);
add("the victim's name in FROM-first syntax", (t) => `FROM ${bq(t.victimName)} SELECT *`);
add("a quoted file path", (t) => `SELECT * FROM ${bq(t.victimFile)}`);
add("a quoted glob", (t) => `SELECT * FROM ${bq(t.victimGlob)}`);
add("a quoted path in a subquery", (t) => `SELECT * FROM (SELECT * FROM ${bq(t.victimFile)}) x`);
add(
  "a quoted path in IN",
  (t) => `SELECT * FROM ${bq(t.input)} WHERE 1 IN (SELECT 1 FROM ${bq(t.victimFile)})`,
);
add("a quoted path in a scalar subquery", (t) => `SELECT (SELECT count(*) FROM ${bq(t.victimFile)}) AS n`);
add("a path as a string in FROM", (t) => `SELECT * FROM ${sq(t.victimFile)}`);
add("a path as a double-quoted string in FROM", (t) => `SELECT * FROM "${t.victimFile}"`);
add("a path as a raw string in FROM", (t) => `SELECT * FROM r'${t.victimFile}'`);
add("a qualified catalog table", () => "SELECT * FROM default.orders");
add("a three-part name", () => "SELECT * FROM hive_metastore.default.users");
add("a Unity Catalog sample", () => "SELECT * FROM samples.nyctaxi.trips");
add("the global temp database", () => "SELECT * FROM global_temp.sessions");
add("DuckDB's catalog", () => "SELECT * FROM information_schema.tables");
add("DuckDB's system catalog", () => "SELECT * FROM system.main.duckdb_settings");
add("pg_catalog", () => "SELECT * FROM pg_catalog.pg_settings");
add("IDENTIFIER clause", (t) => `SELECT * FROM IDENTIFIER(${sq(t.victimName)})`);
add("IDENTIFIER clause with a path", (t) => `SELECT * FROM IDENTIFIER(${sq(`parquet.\`${t.clusterDir}\``)})`);
add(
  "IDENTIFIER as a function name",
  () => "SELECT IDENTIFIER('reflect')('java.lang.System', 'getenv', 'HOME')",
);

// 2. Spark's path-based reads, in every spelling.
for (const format of [
  "parquet",
  "delta",
  "csv",
  "json",
  "text",
  "orc",
  "avro",
  "binaryFile",
  "xml",
  "jdbc",
]) {
  add(`${format}.\`cluster path\``, (t) => `SELECT * FROM ${format}.${bq(t.clusterDir)}`);
}
add("parquet.`local path`", (t) => `SELECT * FROM parquet.${bq(t.victimDir)}`);
add("`parquet`.`path` (quoted format)", (t) => `SELECT * FROM \`parquet\`.${bq(t.clusterDir)}`);
add("PARQUET . `path` (spaces)", (t) => `SELECT * FROM PARQUET . ${bq(t.clusterDir)}`);
add("parquet/**/.`path` (comment)", (t) => `SELECT * FROM parquet/**/.${bq(t.clusterDir)}`);
add(
  "parquet.`path` in a join",
  (t) => `SELECT * FROM ${bq(t.input)} a JOIN parquet.${bq(t.clusterDir)} b ON true`,
);
add(
  "parquet.`path` in a CTE",
  (t) => `WITH v AS (SELECT * FROM parquet.${bq(t.clusterDir)}) SELECT * FROM v`,
);
add(
  "parquet.`path` in a scalar subquery",
  (t) => `SELECT (SELECT count(*) FROM parquet.${bq(t.clusterDir)}) AS n`,
);
add("a CTE named parquet", (t) => `WITH parquet AS (SELECT 1) SELECT * FROM parquet.${bq(t.clusterDir)}`);
add("delta time travel", (t) => `SELECT * FROM delta.${bq(t.clusterDir)} VERSION AS OF 0`);
add("read_files", (t) => `SELECT * FROM read_files(${sq(t.clusterDir)}, format => 'parquet')`);
add(
  "read_files in a scalar subquery",
  (t) => `SELECT (SELECT count(*) FROM read_files(${sq(t.clusterDir)})) AS n`,
);
add("read_kafka", () => "SELECT * FROM read_kafka(bootstrapServers => 'evil:9092', subscribe => 't')");
add("cloud_files_state", (t) => `SELECT * FROM cloud_files_state(${sq(t.clusterDir)})`);
add("LOAD DATA", (t) => `LOAD DATA INPATH ${sq(t.clusterDir)} INTO TABLE ${bq(t.input)}`);
add("ADD JAR", () => "ADD JAR '/tmp/evil.jar'");
add("ADD FILE", () => "ADD FILE '/etc/passwd'");
add("LIST FILE", () => "LIST FILE");
add("CREATE FUNCTION from a JAR", () => "CREATE FUNCTION evil AS 'Evil' USING JAR '/tmp/evil.jar'");
add(
  "CREATE TEMPORARY VIEW over a path",
  (t) => `CREATE TEMPORARY VIEW v USING parquet OPTIONS (path ${sq(t.clusterDir)})`,
);
add("CREATE TABLE over a location", (t) => `CREATE TABLE t USING parquet LOCATION ${sq(t.clusterDir)}`);
add("CACHE TABLE over a path", (t) => `CACHE TABLE c AS SELECT * FROM parquet.${bq(t.clusterDir)}`);
add(
  "INSERT OVERWRITE DIRECTORY",
  (t) => `INSERT OVERWRITE DIRECTORY ${sq(t.clusterDir)} USING PARQUET SELECT 1`,
);
add("INSERT OVERWRITE LOCAL DIRECTORY", () => "INSERT OVERWRITE LOCAL DIRECTORY '/tmp/x' SELECT 1");
add("SET a Hadoop option", () => "SET spark.hadoop.fs.azure.account.key = 'x'");
add("SET a Spark option", () => "SET spark.sql.legacy.allowNonEmptyLocationInCTAS = true");
add("RESET", () => "RESET");
add("USE another catalog", () => "USE CATALOG hive_metastore");
add("DESCRIBE the victim", (t) => `DESCRIBE ${bq(t.victimName)}`);
add("SHOW TABLES", () => "SHOW TABLES");
add("EXPLAIN", (t) => `EXPLAIN SELECT * FROM ${bq(t.victimName)}`);
add("script TRANSFORM", (t) => `SELECT TRANSFORM(*) USING 'cat /etc/passwd' AS (line) FROM ${bq(t.input)}`);
add("MAP ... USING", (t) => `FROM ${bq(t.input)} MAP * USING 'cat /etc/passwd'`);
add("REDUCE ... USING", (t) => `FROM ${bq(t.input)} REDUCE * USING 'id'`);
add("DFS command", () => "DFS -ls /");
add("MSCK REPAIR", () => "MSCK REPAIR TABLE t");

// 3. JVM, secrets, other systems (Spark / Databricks functions).
for (const call of [
  "reflect('java.lang.System', 'getenv', 'HOME')",
  "java_method('java.lang.System', 'getProperty', 'user.dir')",
  "try_reflect('java.lang.Runtime', 'getRuntime')",
  "secret('scope', 'key')",
  "try_secret('scope', 'key')",
  "http_request(conn => 'c', method => 'GET', path => '/')",
  "ai_query('endpoint', 'prompt')",
  "ai_gen('prompt')",
  "input_file_name()",
  "input_file_block_start()",
  "current_metastore()",
]) {
  add(`${call.split("(")[0]}() in the SELECT list`, (t) => `SELECT ${call} AS x FROM ${bq(t.input)}`);
}
add(
  "reflect in WHERE",
  (t) => `SELECT * FROM ${bq(t.input)} WHERE reflect('java.lang.Thread', 'sleep', 100000) IS NULL`,
);
add(
  "reflect in a CTE",
  () => "WITH a AS (SELECT reflect('java.lang.System', 'exit', 0) AS x) SELECT * FROM a",
);
add("reflect, upper case", () => "SELECT REFLECT('java.lang.System', 'getenv', 'HOME')");
add("reflect, quoted name", () => "SELECT `reflect`('java.lang.System', 'getenv', 'HOME')");
add(
  "reflect, comment before the paren",
  () => "SELECT reflect /* x */ ('java.lang.System', 'getenv', 'HOME')",
);
add(
  "reflect, qualified builtin",
  () => "SELECT system.builtin.reflect('java.lang.System', 'getenv', 'HOME')",
);
add(
  "reflect, qualified builtin (2 parts)",
  () => "SELECT builtin.reflect('java.lang.System', 'getenv', 'HOME')",
);
add(
  "reflect inside a lambda",
  () => "SELECT transform(array(1), x -> reflect('java.lang.System', 'getenv', 'HOME'))",
);
add("list_secrets as a table", () => "SELECT * FROM list_secrets()");
add(
  "LATERAL VIEW with a non-generator",
  (t) => `SELECT * FROM ${bq(t.input)} LATERAL VIEW reflect('a', 'b') v AS x`,
);
add(
  "LATERAL VIEW read_files",
  (t) => `SELECT * FROM ${bq(t.input)} LATERAL VIEW read_files(${sq(t.clusterDir)}) v AS x`,
);

// 4. DuckDB's file, catalog and settings functions, in every position.
const duckReaders = [
  "read_parquet",
  "parquet_scan",
  "read_csv",
  "read_csv_auto",
  "read_json",
  "read_json_auto",
  "read_ndjson",
  "read_text",
  "read_blob",
  "parquet_metadata",
  "parquet_schema",
  "parquet_file_metadata",
  "parquet_kv_metadata",
  "glob",
  "sniff_csv",
  "read_xlsx",
  "iceberg_scan",
  "delta_scan",
];
for (const fn of duckReaders) {
  add(`${fn}(victim) in FROM`, (t) => `SELECT * FROM ${fn}(${sq(t.victimFile)})`);
}
for (const fn of ["read_parquet", "glob", "read_text", "read_csv"]) {
  add(
    `${fn}(victim) in a scalar subquery`,
    (t) => `SELECT (SELECT count(*) FROM ${fn}(${sq(t.victimFile)})) AS n`,
  );
  add(`${fn}, quoted function name`, (t) => `SELECT * FROM \`${fn}\`(${sq(t.victimFile)})`);
  add(`${fn}, schema-qualified`, (t) => `SELECT * FROM main.${fn}(${sq(t.victimFile)})`);
  add(
    `${fn}, upper case with a comment`,
    (t) => `SELECT * FROM ${fn.toUpperCase()} /**/ (${sq(t.victimGlob)})`,
  );
  add(`${fn}, glob of every project`, (t) => `SELECT * FROM ${fn}(${sq(t.victimGlob)})`);
}
add("read_parquet with a list of files", (t) => `SELECT * FROM read_parquet([${sq(t.victimFile)}])`);
add(
  "read_parquet with filename",
  (t) => `SELECT filename FROM read_parquet(${sq(t.victimGlob)}, filename = true)`,
);
add("read_text /etc/passwd", () => "SELECT * FROM read_text('/etc/passwd')");
add("read_csv /etc/passwd", () => "SELECT * FROM read_csv('/etc/passwd', header = false)");
add("read_blob /proc/self/environ", () => "SELECT * FROM read_blob('/proc/self/environ')");
add("glob of the root", () => "SELECT * FROM glob('/*')");
add("glob of the storage", (t) => `SELECT * FROM glob(${sq(`${t.storageRoot}/**`)})`);
add("query_table", (t) => `SELECT * FROM query_table(${sq(t.victimFile)})`);
add("query()", (t) => `SELECT * FROM query(${sq(`SELECT * FROM ${t.victimFile}`)})`);
add("getenv", () => "SELECT getenv('SOUS_SECRET_KEY') AS k");
add("getvariable", () => "SELECT getvariable('x') AS v");
add("current_setting(allowed_directories)", () => "SELECT current_setting('allowed_directories') AS d");
add("current_setting(temp_directory)", () => "SELECT current_setting('temp_directory') AS d");
add("current_setting, upper case", () => "SELECT CURRENT_SETTING('allowed_directories') AS d");
add("duckdb_settings()", () => "SELECT * FROM duckdb_settings()");
add("duckdb_settings() in a scalar subquery", () => "SELECT (SELECT max(value) FROM duckdb_settings()) AS v");
add("duckdb_databases()", () => "SELECT * FROM duckdb_databases()");
add("duckdb_secrets()", () => "SELECT * FROM duckdb_secrets()");
add("duckdb_extensions()", () => "SELECT * FROM duckdb_extensions()");
add("pragma_database_list", () => "SELECT * FROM pragma_database_list()");
add("which_secret", () => "SELECT which_secret('s3://x', 's3') AS s");
add("load_extension", () => "SELECT load_extension('/tmp/evil.so')");
add("sqlite_scan", () => "SELECT * FROM sqlite_scan('/tmp/x.db', 't')");
add("postgres_scan", () => "SELECT * FROM postgres_scan('host=127.0.0.1 user=postgres', 'public', 'users')");
add("checkpoint()", () => "SELECT * FROM checkpoint()");
add("range as a table function", () => "SELECT * FROM range(10)");
add("generate_series as a table function", () => "SELECT * FROM generate_series(1, 10)");

// 5. Statements and separators, with quoting and comment tricks.
add("a second statement", (t) => `SELECT * FROM ${bq(t.input)}; SELECT * FROM ${bq(t.victimFile)}`);
add("a second statement after a comment", (t) => `SELECT 1 -- x\n; SELECT * FROM ${bq(t.victimFile)}`);
add("a second statement after a block comment", (t) => `SELECT 1 /* ; */; SELECT * FROM ${bq(t.victimFile)}`);
add("a statement hidden by a \\r comment end", (t) => `SELECT 1 AS x -- x\r, * FROM ${bq(t.victimFile)}`);
add(
  "a statement after a nested comment (Spark nests, DuckDB does not)",
  (t) => `SELECT 1 /* a /* b */ , * FROM ${bq(t.victimFile)} -- */`,
);
add("a comment with a backslash-newline", (t) => `SELECT 1 AS x -- x \\\n, * FROM ${bq(t.victimFile)}`);
add("COPY the victim out", (t) => `COPY (SELECT * FROM ${bq(t.victimFile)}) TO '/tmp/stolen.csv'`);
add(
  "COPY a query into the victim's directory",
  (t) => `COPY (SELECT 1) TO ${sq(`${t.victimDir}/part-1.parquet`)}`,
);
add("EXPORT DATABASE", () => "EXPORT DATABASE '/tmp/dump'");
add("ATTACH the storage", (t) => `ATTACH ${sq(`${t.storageRoot}/x.db`)} AS x`);
add("ATTACH a Postgres database", () => "ATTACH 'dbname=sous host=127.0.0.1' AS pg (TYPE postgres)");
add("INSTALL httpfs", () => "INSTALL httpfs");
add("LOAD httpfs", () => "LOAD httpfs");
add("PRAGMA", () => "PRAGMA database_list");
add("SET allowed_directories", (t) => `SET allowed_directories = [${sq(t.storageRoot)}]`);
add("SET enable_external_access", () => "SET enable_external_access = true");
add("CREATE SECRET", () => "CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')");
add("CREATE MACRO", () => "CREATE MACRO m() AS TABLE SELECT * FROM read_text('/etc/passwd')");
add("CREATE VIEW over a path", (t) => `CREATE VIEW v AS SELECT * FROM ${bq(t.victimFile)}`);
add("a DuckDB dollar-quoted string", (t) => `SELECT $$x$$ AS a, * FROM ${bq(t.victimFile)}`);
add("a DuckDB prepared parameter", () => "SELECT * FROM read_parquet($1)");
add("a NUL byte before a second statement", (t) => `SELECT 1\u0000; SELECT * FROM ${bq(t.victimFile)}`);
add(
  "a quoted name with a closing quote and a statement",
  (t) => `SELECT * FROM \`x\`\`; SELECT * FROM ${t.victimName}\``,
);
add("a string that closes early", (t) => `SELECT 'a\\'; SELECT * FROM ${bq(t.victimFile)} --' AS s`);
add("VALUES then a read", (t) => `VALUES (1) UNION ALL SELECT count(*) FROM ${bq(t.victimFile)}`);
add(
  "a star from the victim with EXCEPT",
  (t) => `SELECT * FROM ${bq(t.input)} EXCEPT SELECT * FROM ${bq(t.victimName)}`,
);
add(
  "a hint naming the victim",
  (t) => `SELECT /*+ BROADCAST(${bq(t.victimName)}) */ * FROM ${bq(t.victimName)}`,
);
add("TABLESAMPLE of the victim", (t) => `SELECT * FROM ${bq(t.victimName)} TABLESAMPLE (50 PERCENT)`);
add("PIVOT over the victim", (t) => `SELECT * FROM ${bq(t.victimName)} PIVOT (count(*) FOR x IN (1))`);

export const SQL_ESCAPES: readonly EscapeAttempt[] = attempts;
