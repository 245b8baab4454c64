CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '10');
CREATE SINK lake WITH ('connector' = 'files', 'path' = 'out');
INSERT INTO lake SELECT event_id FROM clicks;
