-- Sluice quickstart: generated clickstream events, filtered to a console table and written, all of
-- them, as JSON lines into Hive-style partition folders. Runs on built-in defaults: no Kafka, no S3.
--
--   sluice run examples/quickstart.sql

SET 'checkpointLocation' = 'quickstart-output/checkpoints';  -- one folder per query below
SET 'trigger' = 'processingTime=1 second';                   -- a micro-batch every second

-- 2000 seeded events at 500 events/s: the same seed gives the same rows on every run.
CREATE SOURCE clicks WITH (
  'connector' = 'datagen',
  'seed' = '7',
  'numRows' = '2000',
  'rowsPerSecond' = '500',
  'partitions' = '2'
);

CREATE SINK purchases WITH ('connector' = 'console', 'numRows' = '5', 'truncate' = 'false');

CREATE SINK events_lake WITH (
  'connector' = 'files',
  'path' = 'quickstart-output/events',
  'partitionBy' = 'api_version'
);

-- Purchases only, reshaped.
INSERT INTO purchases
SELECT ts, user_id, country, price * qty AS revenue, device.os AS os
FROM clicks
WHERE event_type = 'purchase' AND price IS NOT NULL;

-- Every event, one folder per api_version.
INSERT INTO events_lake
SELECT event_id, user_id, event_type, url, referrer, ts, price, qty, country, device, tags, api_version
FROM clicks;
