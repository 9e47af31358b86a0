import type { ColumnType } from "@sous/contracts";

/**
 * SQL recipe cases: SparkSQL a user writes, with the input it reads, to compare what Spark
 * returns with what the local run (the Spark -> DuckDB translation, sql-recipe/to-duckdb/)
 * returns. The unit test (test/sql-to-duckdb.test.ts) runs them on DuckDB against recorded
 * Spark values; the conformance suite runs them on live Spark (`sparkStatement` binds the input
 * as a CTE Spark can run without files).
 */
export interface SqlInput {
  name: string;
  schema: { name: string; type: ColumnType }[];
  /** Values as text (or null), cast to the column's type on both engines. */
  rows: (string | null)[][];
}

export interface SqlRecipeCase {
  /** Unique. */
  name: string;
  family: "functions" | "regex" | "dates" | "casts" | "operators" | "literals" | "clauses" | "aggregates";
  sql: string;
  /** Row order is part of the result (the query has ORDER BY). */
  ordered?: boolean;
}

/** The input every case reads as `t`. */
export const SQL_CASE_INPUT: SqlInput = {
  name: "t",
  schema: [
    { name: "id", type: "integer" },
    { name: "s", type: "string" },
    { name: "x", type: "integer" },
    { name: "y", type: "double" },
    { name: "dt", type: "date" },
    { name: "ts", type: "timestamp" },
    { name: "j", type: "string" },
  ],
  rows: [
    [
      "1",
      "hello world",
      "7",
      "2.5",
      "2024-01-31",
      "2024-01-31 13:45:06",
      '{"a":{"b":1},"c":[10,20],"n":"x"}',
    ],
    ["2", "Ab-12,cd,,", "-7", "-1.5", "2024-02-29", "2023-12-31 23:59:59", '{"a":{"b":"two"}}'],
    ["3", "", "0", "0.0", "1999-12-31", "2000-01-01 00:00:00", "not json"],
    ["4", null, null, null, null, null, null],
    ["5", "ß straße Éte", "3", "1e20", "2024-03-01", "2024-03-10 02:30:00", "[1,2]"],
  ],
};

const c = (family: SqlRecipeCase["family"], name: string, sql: string, ordered = true): SqlRecipeCase => ({
  family,
  name,
  sql,
  ordered,
});

export const SQL_RECIPE_CASES: readonly SqlRecipeCase[] = [
  // --- literals and identifiers
  c(
    "literals",
    "backquoted names and aliases",
    "SELECT id AS `the id`, `s` AS `we``ird` FROM t ORDER BY `the id`",
  ),
  c(
    "literals",
    "string literals: both quotes, escapes, chaining",
    `SELECT 'it\\'s' AS a, "dq" AS b, 'a' 'b' AS c, 'tab\\there' AS d, r'\\d+' AS e, '\\u00e9' AS f FROM t WHERE id = 1`,
  ),
  c(
    "literals",
    "number suffixes",
    "SELECT 1L AS a, 2.5D AS b, 3S AS c, 1.25BD AS d, 1e3 AS e, 7 / 2 AS f FROM t WHERE id = 1",
  ),
  c(
    "literals",
    "typed literals",
    "SELECT DATE '2024-02-29' AS d, TIMESTAMP '2024-01-01 10:00:00' AS ts FROM t WHERE id = 1",
  ),
  // --- operators
  c(
    "operators",
    "integer division is a double",
    "SELECT id, x / 2 AS half, x / 0 AS by_zero FROM t ORDER BY id",
  ),
  c(
    "operators",
    "DIV truncates toward zero",
    "SELECT id, x DIV 2 AS q, x DIV 0 AS z, CAST(x AS BIGINT) DIV -2 AS b FROM t ORDER BY id",
  ),
  c(
    "operators",
    "% follows the dividend",
    "SELECT id, x % 3 AS m, x % 0 AS z, pmod(x, 3) AS p, mod(x, -3) AS md FROM t ORDER BY id",
  ),
  c(
    "operators",
    "null-safe equality and ==",
    "SELECT id, x <=> NULL AS a, x == 7 AS b, s <=> s AS c FROM t ORDER BY id",
  ),
  c(
    "operators",
    "concat with || and NULLs",
    "SELECT id, s || '!' AS a, concat(s, '-', x) AS b FROM t ORDER BY id",
  ),
  c(
    "operators",
    "LIKE with Spark's backslash escape",
    "SELECT id, s LIKE 'hello%' AS a, s LIKE '%\\\\_%' AS b, s NOT LIKE '%,,' AS c, s ILIKE 'AB%' AS d FROM t ORDER BY id",
  ),
  c(
    "operators",
    "BETWEEN, IN and IS",
    "SELECT id FROM t WHERE x BETWEEN -7 AND 3 AND id IN (1, 2, 3, 5) AND s IS NOT NULL ORDER BY id",
  ),
  // --- casts
  c(
    "casts",
    "CAST to STRING and numbers",
    "SELECT id, CAST(x AS STRING) AS a, CAST(y AS INT) AS b, CAST(y AS BIGINT) AS c, CAST(x AS DOUBLE) AS d FROM t ORDER BY id",
  ),
  c(
    "casts",
    "CAST strings to numbers (ANSI off: NULL when invalid)",
    "SELECT CAST('12' AS INT) AS a, CAST(' 12 ' AS INT) AS b, CAST('1.9' AS INT) AS c, CAST('-1.9' AS BIGINT) AS d, CAST('abc' AS INT) AS e, CAST('2.50' AS DOUBLE) AS f FROM t WHERE id = 1",
  ),
  c(
    "casts",
    "CAST to DECIMAL(p,s)",
    "SELECT id, CAST(y AS DECIMAL(10,2)) AS a, CAST('3.14159' AS DECIMAL(5,3)) AS b, CAST(x AS DECIMAL) AS c FROM t WHERE id < 5 ORDER BY id",
  ),
  c(
    "casts",
    "CAST to DATE and TIMESTAMP",
    "SELECT id, CAST(ts AS DATE) AS a, CAST(dt AS TIMESTAMP) AS b, CAST('2024-02-30' AS DATE) AS c, CAST('2024-05-06 07:08:09' AS DATE) AS d FROM t ORDER BY id",
  ),
  c(
    "casts",
    "conversion functions",
    "SELECT id, int(y) AS a, string(x) AS b, double(x) AS c, date(ts) AS d FROM t ORDER BY id",
  ),
  c(
    "casts",
    "TRY_CAST",
    "SELECT try_cast('x' AS INT) AS a, try_cast('42' AS BIGINT) AS b FROM t WHERE id = 1",
  ),
  // --- string functions
  c(
    "functions",
    "startswith, endswith, contains",
    "SELECT id, startswith(s, 'he') AS a, endswith(s, ',') AS b, contains(s, 'b-') AS c FROM t ORDER BY id",
  ),
  c("functions", "initcap", "SELECT id, initcap(s) AS a, initcap('hELLO  wORLD x') AS b FROM t ORDER BY id"),
  c(
    "functions",
    "substr with negative and zero positions",
    "SELECT id, substr(s, 0, 2) AS a, substr(s, -3, 2) AS b, substr(s, -20, 3) AS c, substr(s, 3) AS d, substring(s, 2, 100) AS e, substr(s, 2, -1) AS f FROM t ORDER BY id",
  ),
  c(
    "functions",
    "instr and locate",
    "SELECT id, instr(s, 'l') AS a, locate('l', s) AS b, locate('l', s, 4) AS c, locate('l', s, 0) AS d FROM t ORDER BY id",
  ),
  c(
    "functions",
    "concat_ws skips NULLs and flattens arrays",
    "SELECT id, concat_ws('-', s, NULL, 'z') AS a, concat_ws(',', split(s, ',')) AS b FROM t ORDER BY id",
  ),
  c(
    "functions",
    "nvl, nvl2, if, coalesce, nullif",
    "SELECT id, nvl(s, 'none') AS a, nvl2(x, 'has', 'no') AS b, if(x > 0, 'pos', 'not') AS c, coalesce(NULL, x, 9) AS d, nullif(x, 7) AS e FROM t ORDER BY id",
  ),
  c(
    "functions",
    "sha2, md5, conv",
    "SELECT id, sha2(s, 256) AS a, md5(s) AS b, conv(CAST(x + 10 AS STRING), 10, 16) AS c, conv('ff', 16, 10) AS d, conv('101', 2, 10) AS e FROM t WHERE id < 4 ORDER BY id",
  ),
  c(
    "functions",
    "get_json_object",
    "SELECT id, get_json_object(j, '$.a.b') AS a, get_json_object(j, '$.a') AS b, get_json_object(j, '$.c[1]') AS c, get_json_object(j, '$.n') AS d FROM t ORDER BY id",
  ),
  c(
    "functions",
    "lpad, rpad, repeat, trim, left, right",
    "SELECT id, lpad(s, 8, '*') AS a, rpad(s, 3) AS b, repeat('ab', 2) AS c, trim('  x  ') AS d, left(s, 2) AS e, right(s, 3) AS f, left(s, -1) AS g FROM t ORDER BY id",
  ),
  c(
    "functions",
    "upper, lower, length, reverse, replace",
    "SELECT id, upper(s) AS a, lower(s) AS b, length(s) AS c, reverse(s) AS d, replace(s, 'l') AS e, replace(s, 'l', 'L') AS f FROM t ORDER BY id",
  ),
  c(
    "functions",
    "math",
    "SELECT id, abs(x) AS a, round(y, 0) AS b, floor(y) AS c, ceil(y) AS d, sign(x) AS e, ln(x) AS f, log(2, 8) AS g, log10(100) AS h, sqrt(x) AS i, pow(2, 3) AS k FROM t WHERE id < 5 ORDER BY id",
  ),
  c(
    "functions",
    "greatest and least skip NULLs",
    "SELECT id, greatest(x, 1, NULL) AS a, least(x, 1) AS b FROM t ORDER BY id",
  ),
  // --- regexes
  c(
    "regex",
    "RLIKE and regexp_like",
    "SELECT id, s RLIKE '^[a-z]+ ' AS a, s RLIKE '\\\\d+' AS b, regexp_like(s, 'o.l') AS c, s NOT RLIKE 'b' AS d FROM t ORDER BY id",
  ),
  c(
    "regex",
    "regexp_extract defaults to group 1",
    "SELECT id, regexp_extract(s, '([a-z]+)-(\\\\d+)') AS a, regexp_extract(s, '([a-z]+)-(\\\\d+)', 2) AS b, regexp_extract(s, 'zz(z)', 1) AS c, regexp_extract(s, 'l+', 0) AS d FROM t ORDER BY id",
  ),
  c(
    "regex",
    "regexp_replace replaces all, $1 groups",
    "SELECT id, regexp_replace(s, 'l', 'L') AS a, regexp_replace(s, '([a-z])([0-9])', '$2$1') AS b, regexp_replace(s, '\\\\s+', '') AS c FROM t ORDER BY id",
  ),
  c(
    "regex",
    "split takes a regex and keeps trailing empties",
    "SELECT id, split(s, ',') AS a, split(s, '[-,]') AS b, size(split(s, ',')) AS c, split(s, ',')[0] AS d, split(s, ',')[5] AS e FROM t ORDER BY id",
  ),
  // --- dates
  c(
    "dates",
    "date_format with Spark patterns",
    "SELECT id, date_format(ts, 'yyyy-MM-dd HH:mm:ss') AS a, date_format(dt, 'dd/MM/yy') AS b, date_format(ts, 'EEE MMM d') AS c, date_format(ts, \"yyyy'T'HH\") AS d FROM t ORDER BY id",
  ),
  c(
    "dates",
    "to_date and to_timestamp with patterns",
    "SELECT to_date('31/01/2024', 'dd/MM/yyyy') AS a, to_timestamp('2024-01-31 10:11:12', 'yyyy-MM-dd HH:mm:ss') AS b, try_to_timestamp('nope', 'yyyy-MM-dd') AS c, to_date('2024-02-30', 'yyyy-MM-dd') AS d, to_date('2024-03-04') AS e FROM t WHERE id = 1",
  ),
  c(
    "dates",
    "add_months clamps to the month's end",
    "SELECT id, add_months(dt, 1) AS a, add_months(dt, -1) AS b, add_months(dt, 12) AS c FROM t ORDER BY id",
  ),
  c(
    "dates",
    "datediff, date_add, date_sub",
    "SELECT id, datediff(dt, DATE '2024-01-01') AS a, date_add(dt, 30) AS b, date_sub(dt, 1) AS c, datediff(ts, dt) AS d FROM t ORDER BY id",
  ),
  c(
    "dates",
    "date parts",
    "SELECT id, year(ts) AS a, month(dt) AS b, day(dt) AS c, hour(ts) AS d, minute(ts) AS e, second(ts) AS f, dayofweek(dt) AS g, weekday(dt) AS h, quarter(dt) AS i, dayofyear(dt) AS k, weekofyear(dt) AS l FROM t ORDER BY id",
  ),
  c(
    "dates",
    "trunc, date_trunc, last_day",
    "SELECT id, trunc(dt, 'MM') AS a, trunc(dt, 'year') AS b, date_trunc('HOUR', ts) AS c, date_trunc('week', ts) AS d, last_day(dt) AS e FROM t ORDER BY id",
  ),
  c(
    "dates",
    "unix time",
    "SELECT id, unix_timestamp(ts) AS a, from_unixtime(86400 * id) AS b, from_unixtime(0, 'yyyy/MM/dd') AS c FROM t ORDER BY id",
  ),
  c(
    "dates",
    "EXTRACT",
    "SELECT id, extract(YEAR FROM dt) AS a, extract(MONTH FROM ts) AS b FROM t ORDER BY id",
  ),
  // --- aggregates and arrays
  c(
    "aggregates",
    "collect_list drops NULLs, array_join, sort_array",
    "SELECT array_join(sort_array(collect_list(s)), '|') AS a, size(collect_list(x)) AS b, sort_array(collect_set(x % 2)) AS c FROM t",
  ),
  c(
    "aggregates",
    "collect_list over no rows is empty",
    "SELECT collect_list(x) AS a, count(*) AS n, sum(x) AS s FROM t WHERE id > 100",
  ),
  c(
    "aggregates",
    "group by with aggregates",
    "SELECT x > 0 AS pos, count(*) AS n, count(s) AS ns, sum(x) AS sx, avg(y) AS ay, min(s) AS mn, max(dt) AS mx FROM t GROUP BY x > 0 ORDER BY pos",
  ),
  c(
    "aggregates",
    "count DISTINCT, FILTER, HAVING",
    "SELECT count(DISTINCT x % 2) AS a, count(*) FILTER (WHERE x > 0) AS b, sum(x) FILTER (WHERE id < 3) AS c FROM t HAVING count(*) > 1",
  ),
  c(
    "aggregates",
    "size of NULL is -1 (ANSI off), array functions",
    "SELECT id, size(CASE WHEN x > 0 THEN array(1, 2) END) AS a, array_contains(array(1, 2, 3), x) AS b, array_max(array(x, 1)) AS c, element_at(array(10, 20, 30), 2) AS d, array(1, 2, 3)[0] AS e, array_position(array(7, 3), x) AS f FROM t ORDER BY id",
  ),
  c(
    "aggregates",
    "array_join with a NULL replacement",
    "SELECT array_join(array('a', NULL, 'b'), ',') AS a, array_join(array('a', NULL, 'b'), ',', '?') AS b FROM t WHERE id = 1",
  ),
  c(
    "aggregates",
    "transform and filter with lambdas",
    "SELECT transform(array(1, 2, 3), v -> v * 10) AS a, filter(array(1, 2, 3, 4), v -> v % 2 = 0) AS b FROM t WHERE id = 1",
  ),
  c(
    "aggregates",
    "percentile and median",
    "SELECT percentile(x, 0.5) AS a, median(y) AS b, stddev(x) AS c, max_by(s, x) AS d FROM t",
  ),
  // --- clauses
  c("clauses", "NULLs first ascending, last descending", "SELECT id, x FROM t ORDER BY x, id"),
  c("clauses", "NULLs last descending", "SELECT id, s FROM t ORDER BY s DESC"),
  c("clauses", "explicit NULLS ordering is kept", "SELECT id, x FROM t ORDER BY x DESC NULLS FIRST"),
  c("clauses", "LIMIT and OFFSET", "SELECT id FROM t ORDER BY id LIMIT 2 OFFSET 1"),
  c(
    "clauses",
    "window functions",
    "SELECT id, row_number() OVER (ORDER BY x DESC) AS rn, rank() OVER (PARTITION BY x > 0 ORDER BY y) AS rk, sum(x) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS run, lag(id, 1, -1) OVER (ORDER BY id) AS prev, dense_rank() OVER (ORDER BY s) AS dr FROM t ORDER BY id",
  ),
  c(
    "clauses",
    "window with named window and first_value IGNORE NULLS",
    "SELECT id, first_value(s) IGNORE NULLS OVER w AS f, count(*) OVER w AS n FROM t WINDOW w AS (ORDER BY id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY id",
  ),
  c(
    "clauses",
    "LEFT ANTI and LEFT SEMI JOIN",
    "SELECT 'anti' AS k, a.id FROM t a LEFT ANTI JOIN (SELECT id FROM t WHERE x > 0) b ON a.id = b.id UNION ALL SELECT 'semi', a.id FROM t a LEFT SEMI JOIN (SELECT id FROM t WHERE x > 0) b ON a.id = b.id",
    false,
  ),
  c(
    "clauses",
    "joins on NULL keys do not match",
    "SELECT a.id, b.id AS bid FROM t a LEFT JOIN t b ON a.x = b.x ORDER BY a.id",
  ),
  c(
    "clauses",
    "CTEs, subqueries, set operations",
    "WITH pos AS (SELECT * FROM t WHERE x > 0) SELECT id FROM pos UNION SELECT id FROM t WHERE id = 3 EXCEPT SELECT 5",
    false,
  ),
  c(
    "clauses",
    "VALUES with Spark's column names",
    "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, l) ORDER BY n",
  ),
  c(
    "clauses",
    "LATERAL VIEW explode",
    "SELECT id, e FROM t LATERAL VIEW explode(split(s, ',')) v AS e WHERE id < 3 ORDER BY id, e",
  ),
  c(
    "clauses",
    "LATERAL VIEW OUTER explode keeps empty arrays",
    "SELECT id, e FROM t LATERAL VIEW OUTER explode(CASE WHEN x > 0 THEN array(x, x + 1) ELSE array() END) v AS e ORDER BY id, e",
  ),
  c(
    "clauses",
    "LATERAL VIEW posexplode",
    "SELECT id, p, e FROM t LATERAL VIEW posexplode(array('a', 'b')) v AS p, e WHERE id = 1 ORDER BY p",
  ),
  c(
    "clauses",
    "GROUP BY ordinal, CASE, scalar subquery",
    "SELECT CASE WHEN x > 0 THEN 'p' WHEN x < 0 THEN 'n' ELSE 'z' END AS k, count(*) AS c, (SELECT max(id) FROM t) AS m FROM t GROUP BY 1 ORDER BY 1",
  ),
];

/** SparkSQL the translation refuses, each with what its message must say. */
export const SQL_REFUSED_CASES: readonly { sql: string; message: RegExp }[] = [
  {
    sql: "SELECT months_between(dt, dt) AS m FROM t",
    message: /months_between\(\.\.\.\) cannot run locally: use datediff/,
  },
  {
    sql: "SELECT some_udf(s) FROM t",
    message:
      /some_udf\(\.\.\.\) cannot run locally: the Spark -> DuckDB translation does not know this function/,
  },
  { sql: "SELECT s RLIKE '(?=a)b' FROM t", message: /cannot run locally: .*look-around/ },
  { sql: "SELECT regexp_extract(s, '(a)\\\\1') FROM t", message: /back-references/ },
  { sql: "SELECT split(s, ',', 2) FROM t", message: /split with a positive limit/ },
  { sql: "SELECT s RLIKE s FROM t", message: /must be a string literal/ },
  { sql: "SELECT date_format(ts, 'yyyy QQQ') FROM t", message: /date_format: / },
  { sql: "SELECT sha2(s, 512) FROM t", message: /256 bits only/ },
  { sql: "SELECT conv(s, 36, 10) FROM t", message: /bases 2, 10 and 16/ },
  { sql: "SELECT row_number() OVER (PARTITION BY x) FROM t", message: /needs ORDER BY/ },
  { sql: "SELECT approx_count_distinct(s) FROM t", message: /use count\(DISTINCT x\)/ },
  { sql: "SELECT CAST(s AS VARCHAR(3)) FROM t", message: /CAST to VARCHAR\(3\) cannot run locally/ },
  { sql: "SELECT dt + INTERVAL 1 DAY FROM t", message: /INTERVAL literals cannot run locally/ },
  { sql: "SELECT s FROM t SORT BY s", message: /SORT cannot run locally/ },
  {
    sql: "SELECT id FROM t LATERAL VIEW json_tuple(j, 'a') v AS a",
    message: /LATERAL VIEW json_tuple (takes one argument|cannot run locally)/,
  },
  { sql: "SELECT transform(array(1), (v, i) -> v + i) FROM t", message: /index argument/ },
  { sql: "SELECT get_json_object(j, '$.c[*]') FROM t", message: /literal path/ },
  { sql: "SELECT first(s) FROM t", message: /first\(x\) picks an arbitrary row/ },
  { sql: "SELECT rand(42) FROM t", message: /rand\(seed\)/ },
  { sql: "SELECT struct(1, 2) FROM t", message: /cannot run locally/ },
];

/** `sql` with the input bound as a CTE of typed rows, as Spark runs it without files. */
export function sparkStatement(sql: string, input: SqlInput = SQL_CASE_INPUT): string {
  const SPARK: Record<ColumnType, string> = {
    string: "STRING",
    integer: "INT",
    bigint: "BIGINT",
    double: "DOUBLE",
    decimal: "DECIMAL(18,2)",
    boolean: "BOOLEAN",
    date: "DATE",
    timestamp: "TIMESTAMP",
  };
  const quote = (v: string) => `'${v.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const rows = input.rows
    .map(
      (r) =>
        `SELECT ${input.schema
          .map(
            (col, i) =>
              `CAST(${r[i] === null ? "NULL" : quote(r[i]!)} AS ${SPARK[col.type]}) AS \`${col.name}\``,
          )
          .join(", ")}`,
    )
    .join(" UNION ALL ");
  const binding = `\`${input.name}\` AS (${rows})`;
  const m = /^\s*WITH\b/i.exec(sql);
  return m ? `WITH ${binding}, ${sql.slice(m[0].length)}` : `WITH ${binding} ${sql}`;
}
