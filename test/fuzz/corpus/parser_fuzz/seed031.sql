CREATE SOURCE big (a INT) WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT a + 1 FROM big;
