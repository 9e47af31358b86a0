WITH "_s1" AS (
SELECT
  "x",
  avg(TRY_CAST("x" AS DOUBLE)) OVER () AS "__z_mean_c2",
  count(TRY_CAST("x" AS DOUBLE)) OVER () AS "__z_n_c3"
FROM read_parquet('/data/fixtures/prepare-z-score/in0/*.parquet')
),
"_s2" AS (
SELECT
  "x",
  "__z_mean_c2",
  "__z_n_c3",
  sum(((TRY_CAST("x" AS DOUBLE) - "__z_mean_c2") * (TRY_CAST("x" AS DOUBLE) - "__z_mean_c2"))) OVER () AS "__z_ss_c4"
FROM "_s1"
)
SELECT
  "x",
  ((TRY_CAST("x" AS DOUBLE) - "__z_mean_c2") / NULLIF(sqrt(("__z_ss_c4" / NULLIF(("__z_n_c3" - CAST(1 AS DOUBLE)), 0))), 0)) AS "x_zscore"
FROM "_s2"
