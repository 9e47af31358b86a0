SELECT
  `u`,
  NULLIF(regexp_extract(`u`, '^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#:]*)(:([0-9]+))?([^?#]*)([?]([^#]*))?(#([^\\n\\r\\x{85}\\x{2028}\\x{2029}]*))?\\z', 1), '') AS `u_scheme`,
  NULLIF(regexp_extract(`u`, '^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#:]*)(:([0-9]+))?([^?#]*)([?]([^#]*))?(#([^\\n\\r\\x{85}\\x{2028}\\x{2029}]*))?\\z', 2), '') AS `u_host`,
  try_cast(NULLIF(regexp_extract(`u`, '^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#:]*)(:([0-9]+))?([^?#]*)([?]([^#]*))?(#([^\\n\\r\\x{85}\\x{2028}\\x{2029}]*))?\\z', 4), '') AS INT) AS `u_port`,
  NULLIF(regexp_extract(`u`, '^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#:]*)(:([0-9]+))?([^?#]*)([?]([^#]*))?(#([^\\n\\r\\x{85}\\x{2028}\\x{2029}]*))?\\z', 5), '') AS `u_path`,
  NULLIF(regexp_extract(`u`, '^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#:]*)(:([0-9]+))?([^?#]*)([?]([^#]*))?(#([^\\n\\r\\x{85}\\x{2028}\\x{2029}]*))?\\z', 7), '') AS `u_query`,
  NULLIF(regexp_extract(`u`, '^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#:]*)(:([0-9]+))?([^?#]*)([?]([^#]*))?(#([^\\n\\r\\x{85}\\x{2028}\\x{2029}]*))?\\z', 9), '') AS `u_fragment`
FROM parquet.`dbfs:/mnt/sous/fixtures/prepare-url-splitter/in0`
