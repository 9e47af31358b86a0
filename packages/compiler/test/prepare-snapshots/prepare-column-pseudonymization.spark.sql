SELECT sha2(('s:' || `email`), 256) AS `email`, md5(CAST(`n` AS STRING)) AS `n`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-column-pseudonymization/in0`
