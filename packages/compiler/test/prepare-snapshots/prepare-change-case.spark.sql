SELECT upper(`a`) AS `a`, lower(`b`) AS `b`, initcap(`c`) AS `c`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-change-case/in0`
