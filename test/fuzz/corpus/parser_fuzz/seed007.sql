CREATE SOURCE orders (id INT NOT NULL, name STRING, price DOUBLE, qty INT, paid BOOLEAN)
  WITH ('connector' = 'memory');
CREATE SINK cheap WITH ('connector' = 'memory');
CREATE SINK dear WITH ('connector' = 'memory');
INSERT INTO cheap SELECT id FROM orders WHERE price < 5;
INSERT INTO dear SELECT id FROM orders WHERE price >= 5;
