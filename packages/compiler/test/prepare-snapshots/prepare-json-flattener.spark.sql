SELECT
  `j`,
  get_json_object(`j`, '$.a') AS `j_a`,
  get_json_object(`j`, '$.b.c') AS `j_b_c`,
  get_json_object(`j`, '$.s') AS `name`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-json-flattener/in0`
