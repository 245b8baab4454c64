CREATE SOURCE events (id BIGINT, ts TIMESTAMP, device STRUCT<os STRING, browser STRING>, tags ARRAY<STRING>, amount DOUBLE)
  WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT id, device.os, events.device.browser AS browser, CAST(ts AS DATE) AS day, tags FROM events;
