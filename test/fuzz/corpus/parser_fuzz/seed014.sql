CREATE SOURCE clicks WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out
SELECT event_id, prcie * qty AS revenue
FROM clicks;
