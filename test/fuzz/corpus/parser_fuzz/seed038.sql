CREATE SOURCE events (id BIGINT, ts TIMESTAMP, device STRUCT<os STRING, browser STRING>, tags ARRAY<STRING>, amount DOUBLE)
  WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT id, ts - INTERVAL '30' SECOND, ts >= TIMESTAMP '2024-05-02 00:00:00' FROM events WHERE ts IS NOT NULL;
