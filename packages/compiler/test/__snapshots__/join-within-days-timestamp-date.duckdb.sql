SELECT
  "_l"."event" AS "event",
  "_l"."at" AS "at",
  "_r"."visit" AS "v_visit",
  "_r"."day" AS "v_day"
FROM read_parquet('/data/fixtures/join-within-days-timestamp-date/in0/*.parquet') AS "_l"
INNER JOIN read_parquet('/data/fixtures/join-within-days-timestamp-date/in1/*.parquet') AS "_r" ON (("_l"."at" >= (CAST("_r"."day" AS TIMESTAMP) + to_hours(-24))) AND ("_l"."at" <= (CAST("_r"."day" AS TIMESTAMP) + to_hours(24))))
