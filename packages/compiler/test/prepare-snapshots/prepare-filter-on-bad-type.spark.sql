SELECT `s`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-filter-on-bad-type/in0`
WHERE (NOT CASE WHEN ((NOT ((`s` IS NULL) OR (`s` = ''))) AND (CASE WHEN (trim(`s`) RLIKE '^[+-]?[0-9]+\\z') THEN try_cast(trim(`s`) AS INT) END IS NULL)) THEN TRUE ELSE FALSE END)
