SELECT
  "id",
  split_part("tags", '|', 1) AS "tag_1",
  split_part("tags", '|', 2) AS "tag_2"
FROM read_parquet('/data/fixtures/prepare-column-splitter/in0/*.parquet')
