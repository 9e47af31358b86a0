SELECT lpad(`a`, 3, '0') AS `a`, rpad(`b`, 4, '.') AS `b`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-pad-string/in0`
