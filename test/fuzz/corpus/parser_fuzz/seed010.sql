CREATE SOURCE clicks (country STRING NOT NULL, event_id STRING NOT NULL, device STRUCT<os STRING, browser STRING>)
  WITH ('connector' = 'datagen', 'numRows' = '2', 'seed' = '42');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT * FROM clicks;
