SELECT `s`, CASE WHEN (`s` RLIKE '\\d{3}') THEN TRUE ELSE FALSE END AS `f`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-flag-on-regex/in0`
