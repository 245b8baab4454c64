CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '10');
CREATE SINK out WITH ('connector' = 'console');
