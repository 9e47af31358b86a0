import { tokenizeSpark } from "@sous/compiler/spark-lexer";
import { describe, expect, it } from "vitest";
import { resolveMountedPath } from "../src/mounts.ts";
import { TranslationError, translateSparkToDuckDb } from "../src/spark-to-duckdb.ts";

const mounts = { "dbfs:/mnt/sous": "/data/sous", "dbfs:/mnt/sous/special": "/data/special" };
const sql = (spark: string) => translateSparkToDuckDb(spark, mounts).sql;

describe("string literals", () => {
  it("re-quotes a plain literal", () => {
    expect(sql("SELECT 'abc'")).toBe("SELECT 'abc'");
  });

  it("turns backslash-escaped quotes into doubled quotes", () => {
    expect(sql("SELECT 'O\\'Connell'")).toBe("SELECT 'O''Connell'");
  });

  it("treats double-quoted text as a string literal, not an identifier", () => {
    expect(sql('SELECT "it\\"s", "a\'b"')).toBe("SELECT 'it\"s', 'a''b'");
  });

  it("decodes an escaped backslash to a single one (DuckDB keeps backslashes literal)", () => {
    expect(sql("SELECT '\\\\d+'")).toBe("SELECT '\\d+'");
  });

  it("drops the backslash of an unknown escape, as Spark does", () => {
    expect(sql("SELECT '\\d'")).toBe("SELECT 'd'");
  });

  it("keeps \\% and \\_ with their backslash (LIKE patterns)", () => {
    expect(sql("SELECT '50\\%'")).toBe("SELECT '50\\%'");
  });

  it("decodes control, unicode and octal escapes", () => {
    expect(sql("SELECT 'a\\nb\\tc'")).toBe("SELECT 'a\nb\tc'");
    expect(sql("SELECT '\\u00e9\\U0001F600'")).toBe("SELECT 'é😀'");
    expect(sql("SELECT '\\101'")).toBe("SELECT 'A'");
  });

  it("leaves raw literals undecoded", () => {
    expect(sql("SELECT r'\\d+', R\"C:\\tmp\"")).toBe("SELECT '\\d+', 'C:\\tmp'");
  });

  it("chains adjacent literals into one, keeping the following whitespace", () => {
    expect(sql("SELECT 'it' 's' AS x")).toBe("SELECT 'its' AS x");
    expect(sql("SELECT 'a'\n  'b'")).toBe("SELECT 'ab'");
  });

  it("does not rewrite quotes or backticks inside comments", () => {
    expect(sql("SELECT 1 -- it's `x`\nFROM t")).toBe("SELECT 1 -- it's `x`\nFROM t");
    expect(sql("SELECT /* 'a' /* nested */ `b` */ 1")).toBe("SELECT /* 'a' /* nested */ `b` */ 1");
  });

  it("rejects an unterminated literal", () => {
    expect(() => sql("SELECT 'abc")).toThrow(/Unterminated string/);
  });
});

describe("identifiers", () => {
  it("turns backtick identifiers into double-quoted ones", () => {
    expect(sql("SELECT `my col`, t.`x` FROM `db`.`t` t")).toBe('SELECT "my col", t."x" FROM "db"."t" t');
  });

  it("unescapes doubled backticks and escapes double quotes", () => {
    expect(sql('SELECT `a``b`, `say "hi"`')).toBe('SELECT "a`b", "say ""hi"""');
  });
});

describe("path-based parquet sources", () => {
  it("maps a mounted directory to a read_parquet glob", () => {
    expect(sql("SELECT a, count(*) FROM parquet.`dbfs:/mnt/sous/ds/orders` GROUP BY a")).toBe(
      "SELECT a, count(*) FROM read_parquet('/data/sous/ds/orders/*.parquet') GROUP BY a",
    );
  });

  it("accepts scheme-less DBFS paths, JOINs and the longest mount prefix", () => {
    expect(
      sql("SELECT * FROM PARQUET.`/mnt/sous/a` x JOIN parquet.`dbfs:/mnt/sous/special/b/` y ON x.k = y.k"),
    ).toBe(
      "SELECT * FROM read_parquet('/data/sous/a/*.parquet') x JOIN read_parquet('/data/special/b/*.parquet') y ON x.k = y.k",
    );
  });

  it("reads a single .parquet file as it is", () => {
    expect(sql("SELECT * FROM parquet.`dbfs:/mnt/sous/f.parquet`")).toBe(
      "SELECT * FROM read_parquet('/data/sous/f.parquet')",
    );
  });

  it("leaves a column reference called parquet.`x` alone outside FROM/JOIN", () => {
    expect(sql("SELECT parquet.`x` FROM t parquet")).toBe('SELECT parquet."x" FROM t parquet');
  });

  it("refuses paths outside every mount with a Spark-like error", () => {
    const attempt = () => sql("SELECT * FROM parquet.`dbfs:/mnt/other/x`");
    expect(attempt).toThrow(TranslationError);
    expect(attempt).toThrow(/PATH_NOT_FOUND/);
    expect(() => sql("SELECT * FROM parquet.`dbfs:/mnt/sous/../../etc`")).toThrow(/escapes its mount/);
  });
});

describe("INSERT OVERWRITE DIRECTORY", () => {
  it("becomes a COPY into part-0.parquet of the mapped directory", () => {
    const plan = translateSparkToDuckDb(
      "INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/sous/out/v1' USING PARQUET SELECT `k`, 'x''s' AS s FROM parquet.`dbfs:/mnt/sous/in`;",
      mounts,
    );
    expect(plan).toEqual({
      sql: "COPY (SELECT \"k\", 'xs' AS s FROM read_parquet('/data/sous/in/*.parquet')) TO '/data/sous/out/v1/part-0.parquet' (FORMAT parquet)",
      overwriteDirectory: "/data/sous/out/v1",
      hasResultSet: false,
      reads: ["/data/sous/in"],
      query: "SELECT \"k\", 'xs' AS s FROM read_parquet('/data/sous/in/*.parquet')",
    });
  });

  it("accepts LOCAL, lower case and an OPTIONS clause", () => {
    const plan = translateSparkToDuckDb(
      "insert overwrite local directory \"/mnt/sous/o\" using parquet options ('compression' 'snappy') select 1 as one",
      mounts,
    );
    expect(plan.sql).toBe("COPY (select 1 as one) TO '/data/sous/o/part-0.parquet' (FORMAT parquet)");
    expect(plan.overwriteDirectory).toBe("/data/sous/o");
  });

  it("escapes quotes in the local path", () => {
    const plan = translateSparkToDuckDb("INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/q/o' USING PARQUET SELECT 1", {
      "dbfs:/mnt/q": "/tmp/it's",
    });
    expect(plan.sql).toBe("COPY (SELECT 1) TO '/tmp/it''s/o/part-0.parquet' (FORMAT parquet)");
  });

  it("rejects other formats and table targets", () => {
    expect(() => sql("INSERT OVERWRITE DIRECTORY '/mnt/sous/o' USING CSV SELECT 1")).toThrow(
      /only writes PARQUET/,
    );
    expect(() => sql("INSERT OVERWRITE TABLE t SELECT 1")).toThrow(
      /only supports INSERT OVERWRITE DIRECTORY/,
    );
  });
});

describe("plain queries", () => {
  it("drops a trailing comment so it cannot swallow the closing parenthesis of COPY (...)", () => {
    expect(sql("INSERT OVERWRITE DIRECTORY '/mnt/sous/o' USING PARQUET SELECT 1 -- done")).toBe(
      "COPY (SELECT 1) TO '/data/sous/o/part-0.parquet' (FORMAT parquet)",
    );
  });

  it("passes ordinary SQL through and strips the trailing semicolon", () => {
    expect(
      translateSparkToDuckDb("SELECT a + 1 AS b FROM t WHERE c >= 2 ORDER BY b DESC NULLS LAST ;\n", mounts),
    ).toEqual({
      sql: "SELECT a + 1 AS b FROM t WHERE c >= 2 ORDER BY b DESC NULLS LAST",
      hasResultSet: true,
      reads: [],
    });
  });
});

describe("lexer and mounts", () => {
  it("reconstructs the input exactly from token texts", () => {
    const input = "SELECT `a`, 'b\\'c', r'\\d' -- x\n/* y */ FROM t;";
    expect(
      tokenizeSpark(input)
        .map((t) => t.text)
        .join(""),
    ).toBe(input);
  });

  it("resolves the mount root itself", () => {
    expect(resolveMountedPath("dbfs:/mnt/sous", mounts)).toBe("/data/sous");
  });
});
