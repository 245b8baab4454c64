CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '6', 'partitions' = '2', 'seed' = '42');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT * FROM clicks;
