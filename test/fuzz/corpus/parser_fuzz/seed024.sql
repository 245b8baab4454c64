CREATE SOURCE clicks (event_id STRING NOT NULL, qty INT NOT NULL, WATERMARK FOR qty AS qty - INTERVAL '5' SECOND)
  WITH ('connector' = 'datagen', 'numRows' = '10');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT event_id FROM clicks;
