import { describe, expect, it } from "vitest";
import { duckdbDialect } from "./duckdb-dialect.ts";
import { sparkDialect } from "./spark-dialect.ts";

// Byte-exact expectations: these two functions per dialect are the escaping contract.
describe("Spark quoting", () => {
  it.each([
    ["plain", "`plain`"],
    ["a`b", "`a``b`"],
    ["``", "``````"],
    ['a"b', '`a"b`'],
    ["a'b", "`a'b`"],
    ["back\\slash", "`back\\slash`"],
    ["line\nbreak", "`line\nbreak`"],
  ])("quoteIdent(%j) = %s", (input, expected) => expect(sparkDialect.quoteIdent(input)).toBe(expected));

  it.each([
    ["plain", "'plain'"],
    ["it's", "'it\\'s'"],
    ["back\\slash", "'back\\\\slash'"],
    ["\\'", "'\\\\\\''"],
    ["trailing\\", "'trailing\\\\'"],
    ['"', "'\"'"],
    ["x'; DROP TABLE t; --", "'x\\'; DROP TABLE t; --'"],
  ])("stringLiteral(%j) = %s", (input, expected) => expect(sparkDialect.stringLiteral(input)).toBe(expected));
});

describe("DuckDB quoting", () => {
  it.each([
    ["plain", '"plain"'],
    ['a"b', '"a""b"'],
    ['""', '""""""'],
    ["a`b", '"a`b"'],
    ["back\\slash", '"back\\slash"'],
  ])("quoteIdent(%j) = %s", (input, expected) => expect(duckdbDialect.quoteIdent(input)).toBe(expected));

  it.each([
    ["plain", "'plain'"],
    ["it's", "'it''s'"],
    ["back\\slash", "'back\\slash'"],
    ["''", "''''''"],
    ["x'; DROP TABLE t; --", "'x''; DROP TABLE t; --'"],
  ])("stringLiteral(%j) = %s", (input, expected) =>
    expect(duckdbDialect.stringLiteral(input)).toBe(expected),
  );
});

describe("sources and writes", () => {
  it("reads a directory of part files", () => {
    expect(sparkDialect.parquetSource("dbfs:/mnt/c/it`s")).toBe("parquet.`dbfs:/mnt/c/it``s`");
    expect(duckdbDialect.parquetSource("/data/it's")).toBe("read_parquet('/data/it''s/*.parquet')");
  });

  it("writes Parquet into a directory", () => {
    expect(sparkDialect.writeParquet("SELECT 1", "dbfs:/o/it's")).toBe(
      "INSERT OVERWRITE DIRECTORY 'dbfs:/o/it\\'s' USING PARQUET\nSELECT 1",
    );
    expect(duckdbDialect.writeParquet("SELECT 1", "/o/it's")).toBe(
      "COPY (\nSELECT 1\n) TO '/o/it''s/part-0.parquet' (FORMAT parquet)",
    );
  });

  it("casts fractions to integers by truncating, like Spark, NULL when out of range (try_cast)", () => {
    expect(duckdbDialect.cast("x", "double", "integer")).toBe("TRY_CAST(trunc(x) AS INTEGER)");
    expect(duckdbDialect.cast("x", "integer", "double")).toBe("CAST(x AS DOUBLE)");
    expect(sparkDialect.cast("x", "double", "integer")).toBe("try_cast(x AS INT)");
    expect(sparkDialect.cast("x", "integer", "bigint")).toBe("CAST(x AS BIGINT)");
  });
});
