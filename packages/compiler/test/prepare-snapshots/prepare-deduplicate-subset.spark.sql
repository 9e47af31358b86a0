WITH `_s1` AS (
SELECT
  `k`,
  `ts`,
  `v`,
  row_number() OVER (PARTITION BY `k` ORDER BY `ts` DESC NULLS LAST) AS `__dedup_rank_c4`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-deduplicate-subset/in0`
)
SELECT `k`, `ts`, `v`
FROM `_s1`
WHERE (`__dedup_rank_c4` = 1)
