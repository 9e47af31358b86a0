SELECT
  avg(CASE WHEN (`region` = 'north') THEN `amount` END) AS `north_avg`,
  max(CASE WHEN (`region` = 'north') THEN `product` END) AS `north_top`,
  avg(CASE WHEN (`region` = 'south') THEN `amount` END) AS `south_avg`,
  max(CASE WHEN (`region` = 'south') THEN `product` END) AS `south_top`,
  avg(CASE WHEN (`region` = 'west') THEN `amount` END) AS `west_avg`,
  max(CASE WHEN (`region` = 'west') THEN `product` END) AS `west_top`
FROM parquet.`dbfs:/mnt/sous/fixtures/pivot-spec-values-global/in0`
