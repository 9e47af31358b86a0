WITH `_s1` AS (
SELECT
  `g`,
  `t`,
  `v`,
  `w`,
  count(NULLIF(`v`, '')) OVER (PARTITION BY `g` ORDER BY `t` ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `__fill_group_0_c5`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-up-down-filler/in0`
),
`_s2` AS (
SELECT
  `g`,
  `t`,
  `v`,
  `w`,
  `__fill_group_0_c5`,
  max(NULLIF(`v`, '')) OVER (PARTITION BY `g`, `__fill_group_0_c5`) AS `__fill_value_0_c6`
FROM `_s1`
),
`_s3` AS (
SELECT
  `g`,
  `t`,
  `v`,
  `w`,
  `__fill_group_0_c5`,
  `__fill_value_0_c6`,
  count(`w`) OVER (PARTITION BY `g` ORDER BY `t` DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `__fill_group_0_c7`
FROM `_s2`
),
`_s4` AS (
SELECT
  `g`,
  `t`,
  `v`,
  `w`,
  `__fill_group_0_c5`,
  `__fill_value_0_c6`,
  `__fill_group_0_c7`,
  max(`w`) OVER (PARTITION BY `g`, `__fill_group_0_c7`) AS `__fill_value_0_c8`
FROM `_s3`
)
SELECT `g`, `t`, `__fill_value_0_c6` AS `v`, `__fill_value_0_c8` AS `w`
FROM `_s4`
