SELECT
  regexp_replace(regexp_replace(`a`, '^[\\t\\n\\x0B\\f\\r ]+|[\\t\\n\\x0B\\f\\r ]+\\z', ''), '[\\t\\n\\x0B\\f\\r ]+', ' ') AS `a`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-normalize-whitespace/in0`
