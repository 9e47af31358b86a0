SELECT ('ID-' || "a" || '!') AS "a", ('ID-' || CAST("n" AS VARCHAR) || '!') AS "n"
FROM read_parquet('/data/fixtures/prepare-add-prefix-suffix/in0/*.parquet')
