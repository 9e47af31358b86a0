SELECT "id",
  "x",
  "y",
  "it's",
  "flag",
  "n",
  CASE WHEN "__sz0" > 0e0 THEN TRUE ELSE FALSE END AS "prediction",
  1e0 - "__sp1" AS "proba_false",
  "__sp1" AS "proba_true"
FROM (SELECT *,
  CASE WHEN "__sz0" >= 0e0 THEN 1e0 / (1e0 + exp(-"__sz0")) ELSE exp("__sz0") / (1e0 + exp("__sz0")) END AS "__sp1"
FROM (SELECT *,
  "__sf0" * (-6.000000000000005e-2) + "__sf1" * 6.799999999999999e-1 + CASE "__sf2" WHEN 0 THEN (-4.800000000000002e-1) WHEN 1 THEN 2.6e-1 ELSE 1.0000000000000002e0 END + CASE "__sf3" WHEN 0 THEN (-1.6000000000000036e-1) WHEN 1 THEN 5.799999999999998e-1 ELSE 0e0 END + CASE "__sf4" WHEN 0 THEN (-5.799999999999998e-1) WHEN 1 THEN 1.6000000000000036e-1 ELSE 0e0 END + (-1e-1) AS "__sz0"
FROM (SELECT *,
  (CASE WHEN "x" IS NULL OR isnan("x") THEN 2.5e0 ELSE "x" END - 1.5e0) / 2e0 AS "__sf0",
  CASE WHEN "y" IS NULL THEN (-1e0) ELSE CAST("y" AS DOUBLE) END * 2.5e-1 + (-5e-1) AS "__sf1",
  CASE WHEN "it's" IS NULL THEN 1 WHEN "it's" = 'a' THEN 0 WHEN "it's" = 'b''\' THEN 1 ELSE -1 END AS "__sf2",
  CASE WHEN "flag" IS NULL THEN 0 WHEN "flag" = FALSE THEN 0 WHEN "flag" = TRUE THEN 1 ELSE -1 END AS "__sf3",
  CASE WHEN "n" IS NULL THEN -1 WHEN "n" = 1 THEN 0 WHEN "n" = 2 THEN 1 ELSE -1 END AS "__sf4"
FROM t AS "__sin") AS "__sl0") AS "__sl1") AS "__sl2"
