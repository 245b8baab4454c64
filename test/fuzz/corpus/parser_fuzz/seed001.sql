-- a line comment
/* a block
   comment */ create source t ("Id" int, `value` string) with ('CONNECTOR' = 'memory');
create sink OUT with ('connector' = 'memory'); insert into out select "Id" + 1 as next, value from T -- trailing
