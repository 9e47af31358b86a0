SELECT timestamp_seconds(`s`) AS `s`, timestamp_millis(CAST(`ms` AS BIGINT)) AS `ms`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-unix-timestamp-parser/in0`
