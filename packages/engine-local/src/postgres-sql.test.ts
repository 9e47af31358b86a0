import { AppError } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { singleReadingStatement } from "./postgres-sql.ts";

// The first guard of a Postgres import: one statement that reads, told apart with Postgres'
// lexical rules. (The second, the extended protocol, is tested against Postgres in
// test/postgres-source-safety.int.test.ts.)
function refusal(text: string): string {
  try {
    singleReadingStatement(text);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("invalid_input");
    return (e as AppError).message;
  }
  throw new Error(`accepted: ${text}`);
}

describe("singleReadingStatement", () => {
  it("keeps one reading statement, without its trailing semicolons, comments and whitespace", () => {
    expect(singleReadingStatement("  select * from t ;; -- done\n /* really */ ")).toBe("select * from t");
    expect(singleReadingStatement("WITH a AS (SELECT 1) SELECT * FROM a")).toBe(
      "WITH a AS (SELECT 1) SELECT * FROM a",
    );
    expect(singleReadingStatement("VALUES (1), (2)")).toBe("VALUES (1), (2)");
    expect(singleReadingStatement("TABLE sales.orders")).toBe("TABLE sales.orders");
    expect(singleReadingStatement("((SELECT 1)) UNION (SELECT 2)")).toBe("((SELECT 1)) UNION (SELECT 2)");
    expect(singleReadingStatement("-- the orders\n/* x */ SELECT 1")).toBe("-- the orders\n/* x */ SELECT 1");
  });

  it("does not count a semicolon inside strings, identifiers, dollar quotes or comments", () => {
    for (const q of [
      "SELECT ';'",
      "SELECT 'it''s; fine'",
      "SELECT E'a\\'; DROP TABLE t; --'",
      'SELECT 1 AS "a;b"',
      'SELECT 1 AS "a"";b"',
      "SELECT $$; COMMIT;$$",
      "SELECT $body$ $$; $ $body$",
      "SELECT 1 /* ; /* nested ; */ still; */ FROM t",
      "SELECT 1 -- ; COMMIT\n FROM t",
      "SELECT a$b$c FROM t WHERE x = $1",
      "SELECT U&'d\\0061t\\+000061;'",
    ])
      expect(singleReadingStatement(q)).toBe(q);
  });

  it("refuses a second statement, whatever separates it", () => {
    for (const q of [
      "SELECT 1; COMMIT; CREATE TABLE pwned(x int)",
      "SELECT 1;DROP TABLE orders",
      "SELECT 1; INSERT INTO t VALUES (1)",
      "SELECT 1; SET TRANSACTION READ WRITE; DELETE FROM t",
      "SELECT ';' ; COMMIT",
      "SELECT $$x$$; COMMIT",
      "SELECT 1 /* */; -- c\n COMMIT",
      "SELECT 'it''s'; COMMIT",
      // A backslash ends nothing in a standard string: the second quote closes it.
      "SELECT 'a\\'; COMMIT; --'",
      "SELECT 1;\n\nCOMMIT",
    ])
      expect(refusal(q)).toMatch(/must be one statement: remove what follows the ';'/);
    expect(refusal("SELECT 1;\n  COMMIT")).toMatch(/line 2, column 3: "COMMIT"/);
  });

  it("refuses a statement that is not a query", () => {
    expect(refusal("COPY (SELECT 1) TO '/tmp/x'")).toMatch(
      /must start with SELECT, WITH, VALUES or TABLE \(not COPY\)/,
    );
    expect(refusal("DO $$ BEGIN DROP TABLE t; END $$")).toMatch(/\(not DO\)/);
    expect(refusal("  insert into t values (1)")).toMatch(/\(not INSERT\)/);
    expect(refusal("/* hi */ SET ROLE admin")).toMatch(/\(not SET\)/);
    expect(refusal("EXPLAIN ANALYZE DELETE FROM t")).toMatch(/\(not EXPLAIN\)/);
    expect(refusal("* FROM t")).toMatch(/\(not \*\)/);
  });

  it("refuses an empty query and one that is not closed", () => {
    expect(refusal("")).toMatch(/empty/);
    expect(refusal("  -- nothing\n ; ")).toMatch(/empty/);
    expect(refusal("SELECT 'a")).toMatch(/unterminated string \(line 1, column 8\)/);
    expect(refusal('SELECT 1 AS "a')).toMatch(/unterminated quoted identifier/);
    expect(refusal("SELECT $x$ ; COMMIT")).toMatch(/unterminated \$x\$-quoted string/);
    expect(refusal("SELECT 1 /* /* */")).toMatch(/unterminated \/\* comment/);
  });
});
