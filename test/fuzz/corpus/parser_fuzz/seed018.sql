CREATE SOURCE clicks WITH ('connector' = 'datagen');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT usr_id, event_typ FROM clicks;
