CREATE SOURCE clicks WITH ('connector' = 'datagen', 'numRows' = '10');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT lowr(country) FROM clicks;
