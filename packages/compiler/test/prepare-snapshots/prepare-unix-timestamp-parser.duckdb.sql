SELECT
  make_timestamp(CAST("s" AS BIGINT) * 1000000) AS "s",
  make_timestamp(CAST("ms" AS BIGINT) * 1000) AS "ms"
FROM read_parquet('/data/fixtures/prepare-unix-timestamp-parser/in0/*.parquet')
