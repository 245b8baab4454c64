CREATE SOURCE n (a INT, b INT, d DOUBLE, f BOOLEAN) WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT a + b, a - b, a * b, a / b, a % b, -a, a + d FROM n;
