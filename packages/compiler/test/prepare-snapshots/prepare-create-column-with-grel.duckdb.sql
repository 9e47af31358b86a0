WITH "_s1" AS (
SELECT "name", "amount" AS "price", "qty"
FROM read_parquet('/data/fixtures/prepare-create-column-with-grel/in0/*.parquet')
),
"_s2" AS (
SELECT
  "name",
  "price",
  "qty",
  (CASE WHEN abs(("price" * CAST(1.2 AS DOUBLE))) < 1e17 THEN CAST(round(CAST(CAST(("price" * CAST(1.2 AS DOUBLE)) AS VARCHAR) AS DECIMAL(38, 20)), 1) AS DOUBLE) ELSE round(("price" * CAST(1.2 AS DOUBLE)), 1) END) AS "with_tax"
FROM "_s1"
)
SELECT
  "name",
  "price",
  "qty",
  "with_tax",
  CAST(upper(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("name", 'ß', 'SS'), 'ﬀ', 'FF'), 'ﬁ', 'FI'), 'ﬂ', 'FL'), 'ﬃ', 'FFI'), 'ﬄ', 'FFL'), 'ﬅ', 'ST'), 'ﬆ', 'ST'), 'ŉ', 'ʼN'), 'ǰ', 'J̌')) || '-' || CAST("qty" AS VARCHAR) AS VARCHAR) AS "label"
FROM "_s2"
