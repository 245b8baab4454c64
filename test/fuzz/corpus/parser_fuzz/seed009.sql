CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '6', 'partitions' = '3', 'seed' = '42',
  'maxRowsPerTrigger' = '2');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT * FROM clicks;
