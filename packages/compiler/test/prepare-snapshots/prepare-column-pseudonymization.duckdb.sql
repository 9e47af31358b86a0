SELECT sha256(('s:' || "email")) AS "email", md5(CAST("n" AS VARCHAR)) AS "n"
FROM read_parquet('/data/fixtures/prepare-column-pseudonymization/in0/*.parquet')
