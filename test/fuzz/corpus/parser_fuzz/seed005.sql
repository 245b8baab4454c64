CREATE SOURCE orders (id INT NOT NULL, name STRING, price DOUBLE, qty INT, paid BOOLEAN)
  WITH ('connector' = 'memory', 'rowsPerBatch' = '1');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT id, NOT paid AS unpaid FROM orders WHERE name IS NOT NULL;
