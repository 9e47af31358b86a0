SELECT
  "ua",
  sous_parse_ua("ua", 'browser') AS "ua_browser",
  sous_parse_ua("ua", 'browserVersion') AS "ua_browserVersion",
  sous_parse_ua("ua", 'os') AS "ua_os",
  sous_parse_ua("ua", 'device') AS "ua_device"
FROM read_parquet('/data/fixtures/prepare-user-agent-parser/in0/*.parquet')
