SELECT
  "region",
  "day",
  "amount",
  CAST(row_number() OVER (PARTITION BY "region" ORDER BY "day" ASC NULLS FIRST) AS INTEGER) AS "rn",
  lag("amount", 1, 0) OVER (PARTITION BY "region" ORDER BY "day" ASC NULLS FIRST) AS "prev",
  lead("amount", 1) OVER (PARTITION BY "region" ORDER BY "day" ASC NULLS FIRST) AS "next",
  TRY_CAST(sum("amount") OVER (PARTITION BY "region" ORDER BY "day" ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS "running",
  avg("amount") OVER (PARTITION BY "region" ORDER BY "day" ASC NULLS FIRST ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS "smooth",
  TRY_CAST(sum("amount") OVER (PARTITION BY "region" ORDER BY "day" ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS BIGINT) AS "total",
  last_value("day") OVER (PARTITION BY "region" ORDER BY "day" ASC NULLS FIRST ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS "lastDay",
  first_value("amount") OVER (PARTITION BY "region" ORDER BY "day" ASC NULLS FIRST) AS "firstAmount"
FROM read_parquet('/data/fixtures/window-running/in0/*.parquet')
