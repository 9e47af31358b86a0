SELECT
  regexp_replace(`a`, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', '') AS `a`,
  regexp_replace(`b`, '^[\\t\\n\\x0B\\f\\r ]+', '') AS `b`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-trim-whitespace/in0`
