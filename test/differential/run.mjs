// The differential suite: the expressions of expressions.tsv evaluated by Sluice (a datagen ->
// files pipeline with every expression as a column) and by DuckDB (the same expressions, DuckDB
// spelling, over the raw columns that the same Sluice run exported), compared value by value.
//
//   node run.mjs SLUICE_BINARY WORK_DIR [numRows] [seed]
// Exit status 0 when every expression agrees on every row; 1 with the disagreements otherwise.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../tools/package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [sluice, workArg, rowsArg, seedArg] = process.argv.slice(2);
if (!sluice || !workArg) {
  console.error('usage: node run.mjs SLUICE_BINARY WORK_DIR [numRows] [seed]');
  process.exit(2);
}
const work = resolve(workArg);
const numRows = Number(rowsArg ?? 20000);
const seed = Number(seedArg ?? 5);

const cases = readFileSync(join(here, 'expressions.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [name, sluiceExpr, duckExpr, type, deliberate] = line.split('\t');
    if (!type) throw new Error(`bad line in expressions.tsv: ${line}`);
    return { name, sluiceExpr, duckExpr, type, deliberate: deliberate || 'false' };
  });

// 1. Sluice: raw columns + one column per expression. Event times start before Feb 29 2024 and
// step 71 minutes, so 20000 rows cross the leap day and the 2024 DST changes of New York and Paris.
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const raw = ['event_id', 'user_id', 'event_type', 'url', 'referrer', 'ts', 'price', 'qty', 'country', 'tags'];
const select = [...raw, ...cases.map((c) => `${c.sluiceExpr} AS e_${c.name}`)].join(',\n  ');
const pipeline = `SET 'checkpointLocation' = '${work}/ckpt';
CREATE SOURCE clicks WITH ('connector' = 'datagen', 'seed' = '${seed}', 'numRows' = '${numRows}',
  'startTimestamp' = '2024-02-27T00:00:00Z', 'eventTimeStep' = '71 minutes', 'maxOutOfOrder' = '0 seconds');
CREATE SINK out WITH ('connector' = 'files', 'path' = '${work}/out', 'format' = 'json');
INSERT INTO out SELECT
  ${select}
FROM clicks;
`;
writeFileSync(join(work, 'pipeline.sql'), pipeline);
execFileSync(sluice, ['--log-level', 'warn', 'run', join(work, 'pipeline.sql')], { stdio: 'inherit' });

// 2. DuckDB: read what Sluice wrote (types declared, timestamps in UTC) and compare.
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run(`SET TimeZone = 'UTC'`);
const columns = {
  event_id: 'VARCHAR', user_id: 'BIGINT', event_type: 'VARCHAR', url: 'VARCHAR', referrer: 'VARCHAR',
  ts: 'VARCHAR', price: 'DOUBLE', qty: 'INTEGER', country: 'VARCHAR', tags: 'VARCHAR[]',
};
for (const c of cases) columns[`e_${c.name}`] = c.type === 'TIMESTAMP' ? 'VARCHAR' : c.type;
const columnSpec = Object.entries(columns).map(([k, v]) => `'${k}': '${v}'`).join(', ');
await db.run(`CREATE TABLE raw AS SELECT * FROM read_json('${work}/out/**/*.json',
  format = 'newline_delimited', columns = {${columnSpec}})`);
// Timestamps are written as ISO-8601 with a Z: read them as UTC instants.
const tsColumns = ['ts', ...cases.filter((c) => c.type === 'TIMESTAMP').map((c) => `e_${c.name}`)];
await db.run(`CREATE TABLE rows AS SELECT * REPLACE (${tsColumns
  .map((col) => `CAST(CAST(${col} AS TIMESTAMPTZ) AS TIMESTAMP) AS ${col}`)
  .join(', ')}) FROM raw`);
const count = (await db.runAndReadAll('SELECT count(*) FROM rows')).getRows()[0][0];
if (Number(count) !== numRows) {
  console.error(`FAIL: DuckDB read ${count} rows, expected ${numRows}`);
  process.exit(1);
}

let failures = 0;
for (const c of cases) {
  const ours = `e_${c.name}`;
  const theirs = `CAST((${c.duckExpr}) AS ${c.type})`;
  const same = c.type === 'DOUBLE'
    ? `((${ours} IS NULL AND ${theirs} IS NULL) OR (isnan(${ours}) AND isnan(${theirs})) OR
        abs(${ours} - ${theirs}) <= 1e-9 * greatest(1, abs(${theirs})))`
    : `(${ours} IS NOT DISTINCT FROM ${theirs})`;
  let result;
  try {
    const excused = `coalesce(${c.deliberate}, false)`;
    result = await db.runAndReadAll(`SELECT count(*) FILTER (WHERE NOT coalesce(${same}, false) AND NOT ${excused}),
        any_value(coalesce(CAST(${ours} AS VARCHAR), 'NULL') || ' vs DuckDB ' || coalesce(CAST(${theirs} AS VARCHAR), 'NULL')
                  || ' (row ts=' || ts || ', url=' || url || ', price=' || coalesce(CAST(price AS VARCHAR), 'NULL') || ')')
          FILTER (WHERE NOT coalesce(${same}, false) AND NOT ${excused}),
        count(*) FILTER (WHERE ${ours} IS NOT NULL),
        count(*) FILTER (WHERE ${excused}),
        count(*) FILTER (WHERE ${excused} AND coalesce(${same}, false))
      FROM rows`);
  } catch (error) {
    console.log(`FAIL ${c.name}: DuckDB could not evaluate '${c.duckExpr}': ${error.message}`);
    failures++;
    continue;
  }
  const [bad, example, nonNull, excusedRows, excusedSame] = result.getRows()[0];
  if (Number(bad) > 0) {
    console.log(`FAIL ${c.name}: ${bad} of ${numRows} rows differ, e.g. ${example}`);
    failures++;
  } else if (Number(excusedSame) > 0) {
    console.log(`FAIL ${c.name}: the deliberate difference '${c.deliberate}' no longer holds on ${excusedSame} rows`);
    failures++;
  } else {
    const note = Number(excusedRows) > 0 ? `; ${excusedRows} rows differ deliberately (${c.deliberate})` : '';
    console.log(`ok   ${c.name} (${nonNull} non-NULL values${note})`);
  }
}
console.log(`${cases.length - failures} of ${cases.length} expressions agree with DuckDB on ${numRows} rows`);
process.exit(failures === 0 ? 0 : 1);
