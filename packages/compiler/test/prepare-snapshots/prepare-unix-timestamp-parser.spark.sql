SELECT timestamp_seconds(`s`) AS `s`, timestamp_millis(`ms`) AS `ms`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-unix-timestamp-parser/in0`
