SET 'trigger' = 'every 5 seconds';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '10');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT event_id FROM clicks;
