CREATE SOURCE n (a INT, b INT, d DOUBLE, f BOOLEAN) WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT CAST(a AS BIGINT) * 1000000000000 FROM n WHERE a = 7;
