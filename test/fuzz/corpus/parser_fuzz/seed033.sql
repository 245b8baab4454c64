CREATE SOURCE n (a INT, b INT, d DOUBLE, f BOOLEAN) WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT a > b, a = 7, a <> b, f AND a IS NULL, f OR a IS NULL, NOT f, a IS NOT NULL FROM n;
