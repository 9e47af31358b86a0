SELECT TRY_CAST(abs(CAST("n" AS BIGINT)) AS INTEGER) AS "n"
FROM read_parquet('/data/fixtures/prepare-absolute-value/in0/*.parquet')
