SELECT
  "id",
  CASE WHEN ("color" = 'red') THEN 1 ELSE CAST(NULL AS INTEGER) END AS "color_red",
  CASE WHEN ("color" = 'blue') THEN 1 ELSE CAST(NULL AS INTEGER) END AS "color_blue"
FROM read_parquet('/data/fixtures/prepare-unfold/in0/*.parquet')
