CREATE SOURCE orders (id INT NOT NULL, name STRING, price DOUBLE, qty INT, paid BOOLEAN)
  WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT id, price * qty AS total, name FROM orders WHERE price > 1;
