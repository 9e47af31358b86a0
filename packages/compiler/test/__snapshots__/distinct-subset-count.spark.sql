SELECT `city`, count(*) AS `count`
FROM parquet.`dbfs:/mnt/sous/fixtures/distinct-subset-count/in0`
GROUP BY `city`
