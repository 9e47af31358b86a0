SELECT *, CASE WHEN `yb` IS NULL THEN NULL ELSE `prediction` = `yb` END AS `correct`
FROM (SELECT `id`,
  `x`,
  `cat`,
  `yb`,
  `ym`,
  `yr`,
  CASE WHEN `__sz0` > 0e0 THEN 'yes' ELSE 'no' END AS `prediction`,
  1e0 - `__sp1` AS `proba_no`,
  `__sp1` AS `proba_yes`
FROM (SELECT *,
  CASE WHEN `__sz0` >= 0e0 THEN 1e0 / (1e0 + exp(-`__sz0`)) ELSE exp(`__sz0`) / (1e0 + exp(`__sz0`)) END AS `__sp1`
FROM (SELECT *,
  `__sf0` * 9e-1 + CASE `__sf1` WHEN 0 THEN (-4e-1) WHEN 1 THEN 7e-1 ELSE 2e-1 END + (-1e-1) AS `__sz0`
FROM (SELECT *,
  (CASE WHEN `x` IS NULL OR isnan(`x`) THEN 5e-1 ELSE `x` END - 1e0) / 2e0 AS `__sf0`,
  CASE WHEN `cat` IS NULL THEN 0 WHEN `cat` = 'u' THEN 0 WHEN `cat` = 'v' THEN 1 ELSE -1 END AS `__sf1`
FROM parquet.`/data/labelled` AS `__sin`) AS `__sl0`) AS `__sl1`) AS `__sl2`) AS `__ev_scored`;

SELECT CAST('2026-12-07 07:30:00.250' AS TIMESTAMP) AS `evaluated_at`,
  'churn' AS `saved_model`,
  CAST(3 AS BIGINT) AS `model_version`,
  CAST(n AS BIGINT) AS `rows`,
  CASE WHEN npos = 0e0 OR npos = n THEN NULL ELSE (rsum - npos * (npos + 1e0) / 2e0) / (npos * (n - npos)) END AS `auc`,
  CASE WHEN n = 0 THEN NULL ELSE ncorrect / n END AS `accuracy`,
  CASE WHEN n = 0 THEN NULL WHEN tp + fp = 0e0 THEN 0e0 ELSE tp / (tp + fp) END AS `precision`,
  CASE WHEN n = 0 THEN NULL WHEN tp + fn = 0e0 THEN 0e0 ELSE tp / (tp + fn) END AS `recall`,
  CASE WHEN n = 0 THEN NULL WHEN tp + fp + fn = 0e0 THEN 0e0 ELSE 2e0 * tp / (2e0 * tp + fp + fn) END AS `f1`,
  ll AS `log_loss`
FROM (SELECT COUNT(*) AS n,
  SUM(CASE WHEN y = 'yes' THEN 1e0 ELSE 0e0 END) AS npos,
  SUM(CASE WHEN y = 'yes' THEN CAST(r AS DOUBLE) + (CAST(t AS DOUBLE) - 1e0) / 2e0 ELSE 0e0 END) AS rsum,
  SUM(CASE WHEN yhat = y THEN 1e0 ELSE 0e0 END) AS ncorrect,
  SUM(CASE WHEN yhat = 'yes' AND y = 'yes' THEN 1e0 ELSE 0e0 END) AS tp,
  SUM(CASE WHEN yhat = 'yes' AND NOT (y = 'yes') THEN 1e0 ELSE 0e0 END) AS fp,
  SUM(CASE WHEN NOT (yhat = 'yes') AND y = 'yes' THEN 1e0 ELSE 0e0 END) AS fn,
  AVG(-LN(LEAST(GREATEST(ptrue, 2.220446049250313e-16), 1e0 - 2.220446049250313e-16))) AS ll
FROM (SELECT `yb` AS y, `prediction` AS yhat, `proba_yes` AS s, CASE WHEN `yb` = 'no' THEN `proba_no` WHEN `yb` = 'yes' THEN `proba_yes` ELSE 0e0 END AS ptrue, RANK() OVER (ORDER BY `proba_yes`) AS r, COUNT(*) OVER (PARTITION BY `proba_yes`) AS t FROM (SELECT * FROM (SELECT `id`,
  `x`,
  `cat`,
  `yb`,
  `ym`,
  `yr`,
  CASE WHEN `__sz0` > 0e0 THEN 'yes' ELSE 'no' END AS `prediction`,
  1e0 - `__sp1` AS `proba_no`,
  `__sp1` AS `proba_yes`
FROM (SELECT *,
  CASE WHEN `__sz0` >= 0e0 THEN 1e0 / (1e0 + exp(-`__sz0`)) ELSE exp(`__sz0`) / (1e0 + exp(`__sz0`)) END AS `__sp1`
FROM (SELECT *,
  `__sf0` * 9e-1 + CASE `__sf1` WHEN 0 THEN (-4e-1) WHEN 1 THEN 7e-1 ELSE 2e-1 END + (-1e-1) AS `__sz0`
FROM (SELECT *,
  (CASE WHEN `x` IS NULL OR isnan(`x`) THEN 5e-1 ELSE `x` END - 1e0) / 2e0 AS `__sf0`,
  CASE WHEN `cat` IS NULL THEN 0 WHEN `cat` = 'u' THEN 0 WHEN `cat` = 'v' THEN 1 ELSE -1 END AS `__sf1`
FROM parquet.`/data/labelled` AS `__sin`) AS `__sl0`) AS `__sl1`) AS `__sl2`) AS `__ev_s` WHERE `yb` IS NOT NULL) AS `__ev_b`) AS `__ev_r`) AS `__ev_a`