CREATE SOURCE clicks WITH ('connector' = 'datagen', 'rowsPerSecnd' = '10');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT * FROM clicks;
