SELECT "city", count(*) AS "count"
FROM read_parquet('/data/fixtures/distinct-subset-count/in0/*.parquet')
GROUP BY "city"
