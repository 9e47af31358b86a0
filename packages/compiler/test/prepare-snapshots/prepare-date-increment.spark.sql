SELECT
  date_add(`d`, 30) AS `d`,
  add_months(`d`, 1) AS `next_month`,
  timestampadd(HOUR, -3, `t`) AS `t`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-date-increment/in0`
