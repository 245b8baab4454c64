CREATE SOURCE clicks (event_id STRING NOT NULL) WITH ('connector' = 'datagen', 'numRows' = '1', 'seed' = '43');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT event_id <> 'e733a333-79fe-4906-a8b4-aa5be6104d96' FROM clicks;
