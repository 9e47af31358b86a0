SELECT *, CASE WHEN `ym` IS NULL THEN NULL ELSE `prediction` = `ym` END AS `correct`
FROM (SELECT `id`,
  `x`,
  `cat`,
  `yb`,
  `ym`,
  `yr`,
  CASE WHEN `__sz0` >= `__sz1` AND `__sz0` >= `__sz2` THEN 'a' WHEN `__sz1` >= `__sz2` THEN 'b' ELSE 'c' END AS `prediction`,
  `__se0` / `__sesum` AS `proba_a`,
  `__se1` / `__sesum` AS `proba_b`,
  `__se2` / `__sesum` AS `proba_c`
FROM (SELECT *,
  `__se0` + `__se1` + `__se2` AS `__sesum`
FROM (SELECT *,
  exp(`__sz0` - `__smax`) AS `__se0`,
  exp(`__sz1` - `__smax`) AS `__se1`,
  exp(`__sz2` - `__smax`) AS `__se2`
FROM (SELECT *,
  greatest(`__sz0`, `__sz1`, `__sz2`) AS `__smax`
FROM (SELECT *,
  `__sf0` * 7e-1 + CASE `__sf1` WHEN 0 THEN (-2e-1) WHEN 1 THEN 4e-1 ELSE 1e-1 END + 1e-1 AS `__sz0`,
  `__sf0` * (-3e-1) + CASE `__sf1` WHEN 0 THEN 5e-1 WHEN 1 THEN (-6e-1) ELSE 2e-1 END + (-2e-1) AS `__sz1`,
  `__sf0` * 1e-1 + CASE `__sf1` WHEN 0 THEN 5e-2 WHEN 1 THEN 3e-1 ELSE (-9e-1) END + 5e-2 AS `__sz2`
FROM (SELECT *,
  (CASE WHEN `x` IS NULL OR isnan(`x`) THEN 5e-1 ELSE `x` END - 1e0) / 2e0 AS `__sf0`,
  CASE WHEN `cat` IS NULL THEN 0 WHEN `cat` = 'u' THEN 0 WHEN `cat` = 'v' THEN 1 ELSE -1 END AS `__sf1`
FROM parquet.`/data/labelled` AS `__sin`) AS `__sl0`) AS `__sl1`) AS `__sl2`) AS `__sl3`) AS `__sl4`) AS `__ev_scored`;

SELECT CAST('2026-12-07 07:30:00.250' AS TIMESTAMP) AS `evaluated_at`,
  'churn' AS `saved_model`,
  CAST(3 AS BIGINT) AS `model_version`,
  CAST(n AS BIGINT) AS `rows`,
  CASE WHEN n = 0 THEN NULL ELSE ncorrect / n END AS `accuracy`,
  CASE WHEN n = 0 THEN NULL ELSE macro_f1 END AS `macro_f1`,
  ll AS `log_loss`
FROM (SELECT COUNT(*) AS n, SUM(CASE WHEN `prediction` = `ym` THEN 1e0 ELSE 0e0 END) AS ncorrect, AVG(-LN(LEAST(GREATEST(CASE WHEN `ym` = 'a' THEN `proba_a` WHEN `ym` = 'b' THEN `proba_b` WHEN `ym` = 'c' THEN `proba_c` ELSE 0e0 END, 2.220446049250313e-16), 1e0 - 2.220446049250313e-16))) AS ll FROM (SELECT * FROM (SELECT `id`,
  `x`,
  `cat`,
  `yb`,
  `ym`,
  `yr`,
  CASE WHEN `__sz0` >= `__sz1` AND `__sz0` >= `__sz2` THEN 'a' WHEN `__sz1` >= `__sz2` THEN 'b' ELSE 'c' END AS `prediction`,
  `__se0` / `__sesum` AS `proba_a`,
  `__se1` / `__sesum` AS `proba_b`,
  `__se2` / `__sesum` AS `proba_c`
FROM (SELECT *,
  `__se0` + `__se1` + `__se2` AS `__sesum`
FROM (SELECT *,
  exp(`__sz0` - `__smax`) AS `__se0`,
  exp(`__sz1` - `__smax`) AS `__se1`,
  exp(`__sz2` - `__smax`) AS `__se2`
FROM (SELECT *,
  greatest(`__sz0`, `__sz1`, `__sz2`) AS `__smax`
FROM (SELECT *,
  `__sf0` * 7e-1 + CASE `__sf1` WHEN 0 THEN (-2e-1) WHEN 1 THEN 4e-1 ELSE 1e-1 END + 1e-1 AS `__sz0`,
  `__sf0` * (-3e-1) + CASE `__sf1` WHEN 0 THEN 5e-1 WHEN 1 THEN (-6e-1) ELSE 2e-1 END + (-2e-1) AS `__sz1`,
  `__sf0` * 1e-1 + CASE `__sf1` WHEN 0 THEN 5e-2 WHEN 1 THEN 3e-1 ELSE (-9e-1) END + 5e-2 AS `__sz2`
FROM (SELECT *,
  (CASE WHEN `x` IS NULL OR isnan(`x`) THEN 5e-1 ELSE `x` END - 1e0) / 2e0 AS `__sf0`,
  CASE WHEN `cat` IS NULL THEN 0 WHEN `cat` = 'u' THEN 0 WHEN `cat` = 'v' THEN 1 ELSE -1 END AS `__sf1`
FROM parquet.`/data/labelled` AS `__sin`) AS `__sl0`) AS `__sl1`) AS `__sl2`) AS `__sl3`) AS `__sl4`) AS `__ev_s` WHERE `ym` IS NOT NULL) AS `__ev_b`) AS `__ev_a`, (SELECT AVG(2e0 * COALESCE(`__ev_t`.tp, 0e0) / (COALESCE(`__ev_t`.support, 0) + COALESCE(`__ev_p`.predicted, 0))) AS macro_f1
FROM (SELECT `ym` AS c, COUNT(*) AS support, SUM(CASE WHEN `prediction` = `ym` THEN 1e0 ELSE 0e0 END) AS tp FROM (SELECT * FROM (SELECT `id`,
  `x`,
  `cat`,
  `yb`,
  `ym`,
  `yr`,
  CASE WHEN `__sz0` >= `__sz1` AND `__sz0` >= `__sz2` THEN 'a' WHEN `__sz1` >= `__sz2` THEN 'b' ELSE 'c' END AS `prediction`,
  `__se0` / `__sesum` AS `proba_a`,
  `__se1` / `__sesum` AS `proba_b`,
  `__se2` / `__sesum` AS `proba_c`
FROM (SELECT *,
  `__se0` + `__se1` + `__se2` AS `__sesum`
FROM (SELECT *,
  exp(`__sz0` - `__smax`) AS `__se0`,
  exp(`__sz1` - `__smax`) AS `__se1`,
  exp(`__sz2` - `__smax`) AS `__se2`
FROM (SELECT *,
  greatest(`__sz0`, `__sz1`, `__sz2`) AS `__smax`
FROM (SELECT *,
  `__sf0` * 7e-1 + CASE `__sf1` WHEN 0 THEN (-2e-1) WHEN 1 THEN 4e-1 ELSE 1e-1 END + 1e-1 AS `__sz0`,
  `__sf0` * (-3e-1) + CASE `__sf1` WHEN 0 THEN 5e-1 WHEN 1 THEN (-6e-1) ELSE 2e-1 END + (-2e-1) AS `__sz1`,
  `__sf0` * 1e-1 + CASE `__sf1` WHEN 0 THEN 5e-2 WHEN 1 THEN 3e-1 ELSE (-9e-1) END + 5e-2 AS `__sz2`
FROM (SELECT *,
  (CASE WHEN `x` IS NULL OR isnan(`x`) THEN 5e-1 ELSE `x` END - 1e0) / 2e0 AS `__sf0`,
  CASE WHEN `cat` IS NULL THEN 0 WHEN `cat` = 'u' THEN 0 WHEN `cat` = 'v' THEN 1 ELSE -1 END AS `__sf1`
FROM parquet.`/data/labelled` AS `__sin`) AS `__sl0`) AS `__sl1`) AS `__sl2`) AS `__sl3`) AS `__sl4`) AS `__ev_s` WHERE `ym` IS NOT NULL) AS `__ev_t` GROUP BY `ym`) AS `__ev_t` FULL OUTER JOIN (SELECT `prediction` AS c, COUNT(*) AS predicted FROM (SELECT * FROM (SELECT `id`,
  `x`,
  `cat`,
  `yb`,
  `ym`,
  `yr`,
  CASE WHEN `__sz0` >= `__sz1` AND `__sz0` >= `__sz2` THEN 'a' WHEN `__sz1` >= `__sz2` THEN 'b' ELSE 'c' END AS `prediction`,
  `__se0` / `__sesum` AS `proba_a`,
  `__se1` / `__sesum` AS `proba_b`,
  `__se2` / `__sesum` AS `proba_c`
FROM (SELECT *,
  `__se0` + `__se1` + `__se2` AS `__sesum`
FROM (SELECT *,
  exp(`__sz0` - `__smax`) AS `__se0`,
  exp(`__sz1` - `__smax`) AS `__se1`,
  exp(`__sz2` - `__smax`) AS `__se2`
FROM (SELECT *,
  greatest(`__sz0`, `__sz1`, `__sz2`) AS `__smax`
FROM (SELECT *,
  `__sf0` * 7e-1 + CASE `__sf1` WHEN 0 THEN (-2e-1) WHEN 1 THEN 4e-1 ELSE 1e-1 END + 1e-1 AS `__sz0`,
  `__sf0` * (-3e-1) + CASE `__sf1` WHEN 0 THEN 5e-1 WHEN 1 THEN (-6e-1) ELSE 2e-1 END + (-2e-1) AS `__sz1`,
  `__sf0` * 1e-1 + CASE `__sf1` WHEN 0 THEN 5e-2 WHEN 1 THEN 3e-1 ELSE (-9e-1) END + 5e-2 AS `__sz2`
FROM (SELECT *,
  (CASE WHEN `x` IS NULL OR isnan(`x`) THEN 5e-1 ELSE `x` END - 1e0) / 2e0 AS `__sf0`,
  CASE WHEN `cat` IS NULL THEN 0 WHEN `cat` = 'u' THEN 0 WHEN `cat` = 'v' THEN 1 ELSE -1 END AS `__sf1`
FROM parquet.`/data/labelled` AS `__sin`) AS `__sl0`) AS `__sl1`) AS `__sl2`) AS `__sl3`) AS `__sl4`) AS `__ev_s` WHERE `ym` IS NOT NULL) AS `__ev_p` GROUP BY `prediction`) AS `__ev_p` ON `__ev_t`.c = `__ev_p`.c) AS `__ev_f`