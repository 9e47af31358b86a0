SELECT *, CAST(`prediction` AS DOUBLE) - CAST(`yr` AS DOUBLE) AS `error`
FROM (SELECT `id`,
  `x`,
  `cat`,
  `yb`,
  `ym`,
  `yr`,
  `__sz0` AS `prediction`
FROM (SELECT *,
  `__sf0` * 1.5e0 + CASE `__sf1` WHEN 0 THEN 3e-1 WHEN 1 THEN (-8e-1) ELSE 1e-1 END + 2e0 AS `__sz0`
FROM (SELECT *,
  (CASE WHEN `x` IS NULL OR isnan(`x`) THEN 5e-1 ELSE `x` END - 1e0) / 2e0 AS `__sf0`,
  CASE WHEN `cat` IS NULL THEN 0 WHEN `cat` = 'u' THEN 0 WHEN `cat` = 'v' THEN 1 ELSE -1 END AS `__sf1`
FROM parquet.`/data/labelled` AS `__sin`) AS `__sl0`) AS `__sl1`) AS `__ev_scored`;

SELECT CAST('2026-12-07 07:30:00.250' AS TIMESTAMP) AS `evaluated_at`,
  'churn' AS `saved_model`,
  CAST(3 AS BIGINT) AS `model_version`,
  CAST(n AS BIGINT) AS `rows`,
  CASE WHEN n = 0 THEN NULL WHEN ss_tot = 0e0 THEN (CASE WHEN ss_res = 0e0 THEN 1e0 ELSE 0e0 END) ELSE 1e0 - ss_res / ss_tot END AS `r2`,
  CASE WHEN n = 0 THEN NULL ELSE SQRT(ss_res / n) END AS `rmse`,
  CASE WHEN n = 0 THEN NULL ELSE sae / n END AS `mae`
FROM (SELECT COUNT(*) AS n, SUM((y - yhat) * (y - yhat)) AS ss_res, SUM((y - ybar) * (y - ybar)) AS ss_tot, SUM(ABS(y - yhat)) AS sae FROM (SELECT CAST(`yr` AS DOUBLE) AS y, CAST(`prediction` AS DOUBLE) AS yhat, AVG(CAST(`yr` AS DOUBLE)) OVER () AS ybar FROM (SELECT * FROM (SELECT `id`,
  `x`,
  `cat`,
  `yb`,
  `ym`,
  `yr`,
  `__sz0` AS `prediction`
FROM (SELECT *,
  `__sf0` * 1.5e0 + CASE `__sf1` WHEN 0 THEN 3e-1 WHEN 1 THEN (-8e-1) ELSE 1e-1 END + 2e0 AS `__sz0`
FROM (SELECT *,
  (CASE WHEN `x` IS NULL OR isnan(`x`) THEN 5e-1 ELSE `x` END - 1e0) / 2e0 AS `__sf0`,
  CASE WHEN `cat` IS NULL THEN 0 WHEN `cat` = 'u' THEN 0 WHEN `cat` = 'v' THEN 1 ELSE -1 END AS `__sf1`
FROM parquet.`/data/labelled` AS `__sin`) AS `__sl0`) AS `__sl1`) AS `__ev_s` WHERE `yr` IS NOT NULL) AS `__ev_b`) AS `__ev_r`) AS `__ev_a`