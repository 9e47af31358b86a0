SELECT 7 AS "id", 'crm' AS "source"
FROM read_parquet('/data/fixtures/prepare-fill-column/in0/*.parquet')
