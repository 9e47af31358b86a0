SELECT `a`, `b`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-remove-rows-on-empty/in0`
WHERE (NOT CASE WHEN (((`a` IS NULL) OR (`a` = '')) OR ((`b` IS NULL) OR (`b` = ''))) THEN TRUE ELSE FALSE END)
