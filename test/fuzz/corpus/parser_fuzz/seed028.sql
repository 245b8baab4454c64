CREATE SOURCE clicks (event_id BIGINT) WITH ('connector' = 'datagen', 'numRows' = '10');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT event_id FROM clicks;
