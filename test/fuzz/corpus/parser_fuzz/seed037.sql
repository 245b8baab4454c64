CREATE SOURCE events (id BIGINT, ts TIMESTAMP, device STRUCT<os STRING, browser STRING>, tags ARRAY<STRING>, amount DOUBLE)
  WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT CAST(id AS STRING) || '-' || device.browser, CAST(amount AS INT), CAST('42' AS INT) + id, CAST('x' AS INT) FROM events;
