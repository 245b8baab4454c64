// DuckDB's figure for the expressions benchmark: the same 1,048,576 rows (generated in DuckDB by
// the formulas of expressions_bench.cc), held in an in-memory table, and the same SELECT with
// SET threads = 1, materialized into a table (as Sluice materializes its output batch).
// Prints "duckdb_rows_per_second <n>" (best of the runs) and the output row count.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../test/tools/package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const rows = 1 << 20;
const runs = Number(process.argv[2] ?? 5);
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run(`SET threads = 1`);
await db.run(`SET TimeZone = 'UTC'`);
await db.run(`CREATE TABLE events AS SELECT
    i AS id,
    make_timestamp(1704067200000000 + i * 1000003) AS ts,
    'https://shop.example.com/' ||
      ['electronics','books','home','garden','toys','sports','fashion','beauty','grocery','auto'][i % 10 + 1] ||
      '/item-' || (i * 7919 % 1000) AS url,
    (i * 37 % 10000) / 100.0 AS price,
    CAST(i % 5 + 1 AS INTEGER) AS qty,
    ['us','gb','de','fr','in','br','jp','ca'][i % 8 + 1] AS country,
    CASE WHEN i % 3 = 0 THEN NULL ELSE 'https://ref' || (i % 5) || '.example.org/' END AS referrer
  FROM range(${rows}) t(i)`);
const query = `CREATE OR REPLACE TABLE out AS SELECT
    id,
    strftime(ts, '%Y-%m-%d %H:%M:%S') AS event_time,
    CASE WHEN price < 60 THEN 'low' WHEN price < 80 THEN 'mid' ELSE 'high' END AS band,
    regexp_extract(url, '/([a-z]+)/item', 1) AS category,
    upper(country) AS country,
    price * qty AS revenue,
    coalesce(referrer, 'direct') AS referrer,
    hour(ts) AS hour
  FROM events
  WHERE price >= 50`;
let best = Infinity;
for (let run = 0; run < runs; ++run) {
  const start = process.hrtime.bigint();
  await db.run(query);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  best = Math.min(best, seconds);
}
const out = (await db.runAndReadAll('SELECT count(*) FROM out')).getRows()[0][0];
console.log(`duckdb_rows_per_second ${Math.round(rows / best)}`);
console.log(`duckdb_output_rows ${out}`);
