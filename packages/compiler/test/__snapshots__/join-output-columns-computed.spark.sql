WITH `_s1` AS (
SELECT
  `_l`.`id` AS `customer_id`,
  `_l`.`name` AS `name`,
  lower(trim(`_l`.`email`)) AS `email_key`,
  `_r`.`acct_id` AS `acct_acct_id`,
  `_r`.`balance` AS `balance`,
  year(`_r`.`opened`) AS `acct_opened_year`,
  (`_r`.`balance` / NULLIF(CAST(1000 AS DOUBLE), 0)) AS `balance_k`
FROM parquet.`dbfs:/mnt/sous/fixtures/join-output-columns-computed/in0` AS `_l`
LEFT OUTER JOIN parquet.`dbfs:/mnt/sous/fixtures/join-output-columns-computed/in1` AS `_r` ON (lower(trim(`_l`.`email`)) = lower(`_r`.`owner_email`))
)
SELECT
  `customer_id`,
  `name`,
  `email_key`,
  `acct_acct_id`,
  `balance`,
  `acct_opened_year`,
  `balance_k`
FROM `_s1`
WHERE ((NOT (`email_key` IS NULL)) AND ((`balance` IS NULL) OR (`balance` >= 0)))
