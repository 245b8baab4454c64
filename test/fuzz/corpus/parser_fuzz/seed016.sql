CREATE SOURCE clicks WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO outt SELECT event_id FROM clicks;
