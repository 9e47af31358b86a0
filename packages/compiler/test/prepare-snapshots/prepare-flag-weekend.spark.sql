SELECT `d`, ((dayofweek(`d`) = 1) OR (dayofweek(`d`) = 7)) AS `weekend`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-flag-weekend/in0`
