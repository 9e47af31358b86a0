SELECT `s`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-filter-on-regex/in0`
WHERE (NOT CASE WHEN (`s` RLIKE '^[0-9]+$') THEN TRUE ELSE FALSE END)
