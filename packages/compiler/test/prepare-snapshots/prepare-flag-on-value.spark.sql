SELECT `s`, CASE WHEN contains(lower(`s`), 'err') THEN TRUE ELSE FALSE END AS `is_err`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-flag-on-value/in0`
