SELECT "d", sous_is_holiday(CAST("d" AS DATE), 'FR') AS "holiday"
FROM read_parquet('/data/fixtures/prepare-holidays-computer/in0/*.parquet')
