-- Kafka -> Parquet lake: the clickstream events `sluice gen --to kafka://...` produces, decoded
-- from JSON, with each record's partition, offset and timestamp, written as Parquet in one
-- folder per event type. Try it with a local broker (README.md, "Kafka quickstart"):
--
--   sluice kafka-dev --topic clicks:4 --port 9092 &
--   sluice gen --to kafka://127.0.0.1:9092/clicks --count 20000
--   sluice run examples/kafka_to_parquet.sql --progress kafka-output/progress.jsonl
SET 'checkpointLocation' = 'kafka-output/checkpoints';
SET 'trigger' = 'processingTime=2 seconds';  -- a micro-batch every 2 s; Ctrl-C stops

CREATE SOURCE clicks (
  event_id STRING NOT NULL,
  user_id BIGINT,
  session_id STRING,
  event_type STRING,
  url STRING,
  referrer STRING,
  api_version STRING,
  ts TIMESTAMP,
  price DOUBLE,
  qty INT,
  country STRING,
  device STRUCT<os STRING, browser STRING>,
  tags ARRAY<STRING>,
  kafka_partition INT METADATA FROM 'partition',
  kafka_offset BIGINT METADATA FROM 'offset',
  kafka_timestamp TIMESTAMP METADATA FROM 'timestamp'
) WITH (
  'connector' = 'kafka',
  'kafka.bootstrap.servers' = '127.0.0.1:9092',
  'subscribe' = 'clicks',
  'startingOffsets' = 'earliest',     -- a new query reads the topic from its beginning
  'maxOffsetsPerTrigger' = '50000',   -- at most 50000 records per micro-batch
  'mode' = 'PERMISSIVE',              -- a malformed record keeps its row with NULLs...
  'badRecordsPath' = 'kafka-output/bad'  -- ...and is kept, with its coordinates, here
);

CREATE SINK lake WITH (
  'connector' = 'files',
  'path' = 'kafka-output/events',
  'format' = 'parquet',
  'partitionBy' = 'event_type'
);

INSERT INTO lake
SELECT event_id, user_id, session_id, url, referrer, api_version, ts, price, qty, country, device,
       tags, kafka_partition, kafka_offset, kafka_timestamp, event_type
FROM clicks;
