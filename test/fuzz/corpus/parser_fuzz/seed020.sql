CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = 'ten');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT event_id FROM clicks;
