CREATE SOURCE n (a INT, b INT, d DOUBLE, f BOOLEAN) WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT 1 + 2 * 3, (1 + 2) * 3, 10 - 4 - 3, true OR false AND false FROM n WHERE a = 7;
