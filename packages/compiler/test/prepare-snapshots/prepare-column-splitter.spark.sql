SELECT
  `id`,
  split_part(`tags`, '|', 1) AS `tag_1`,
  split_part(`tags`, '|', 2) AS `tag_2`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-column-splitter/in0`
