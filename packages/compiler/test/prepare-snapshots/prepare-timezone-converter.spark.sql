SELECT from_utc_timestamp(to_utc_timestamp(`t`, 'UTC'), 'Europe/Paris') AS `t`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-timezone-converter/in0`
