CREATE SOURCE clicks WITH ('connector' = 'datagenn');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT * FROM clicks;
