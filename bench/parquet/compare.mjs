// Parquet encode: Sluice vs DuckDB on the same clickstream rows, same codec, one thread each,
// in the same run. Usage (from the repo root, after building parquet_bench):
//   node bench/parquet/compare.mjs build/<dir>/bench/parquet_bench
// DuckDB loads the rows into an in-memory table first, then `COPY t TO ... (FORMAT parquet)`
// is timed (best of 3) with `SET threads=1`. Prints a Markdown table for docs/performance.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(join(process.cwd(), 'test/tools/package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const bench = process.argv[2];
const rows = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'parquet-bench-'));
const input = join(dir, 'input.parquet');
execFileSync(bench, ['--dump', input, String(rows)]);
const out = join(dir, 'sluice.json');
execFileSync(bench, ['--benchmark_repetitions=3', '--benchmark_report_aggregates_only=true',
  `--benchmark_out=${out}`, '--benchmark_out_format=json'], { stdio: ['ignore', 'ignore', 'inherit'] });
const report = JSON.parse(readFileSync(out, 'utf8'));
const ours = {};
for (const b of report.benchmarks) {
  if (b.aggregate_name !== 'min' && b.aggregate_name !== 'median') continue;
  const codec = b.run_name.split('/')[1];
  if (b.aggregate_name === 'median') {
    ours[codec] = { ms: b.real_time, mbps: b.bytes_per_second / 1e6, rps: b.items_per_second, size: b.file_bytes };
  }
}
const inputBytes = report.benchmarks.find((b) => b.aggregate_name === 'median').bytes_per_second *
  report.benchmarks.find((b) => b.aggregate_name === 'median').real_time / 1e3;

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run('SET threads=1');
await db.run(`CREATE TABLE t AS SELECT * FROM '${input}'`);
const duck = {};
for (const codec of Object.keys(ours)) {
  const file = join(dir, `duck_${codec}.parquet`);
  let best = Infinity;
  for (let i = 0; i < 3; ++i) {
    const start = performance.now();
    await db.run(`COPY t TO '${file}' (FORMAT parquet, COMPRESSION ${codec})`);
    best = Math.min(best, performance.now() - start);
  }
  duck[codec] = { ms: best, size: statSync(file).size };
}

console.log(`rows: ${rows}, input: ${(inputBytes / 1e6).toFixed(1)} MB (Arrow layout), one thread each\n`);
console.log('| codec | Sluice ms | Sluice MB/s | Sluice rows/s | DuckDB ms | DuckDB MB/s | speed-up | Sluice size | DuckDB size | size ratio |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const codec of Object.keys(ours)) {
  const o = ours[codec];
  const d = duck[codec];
  const dmbps = inputBytes / 1e6 / (d.ms / 1e3);
  console.log(`| ${codec} | ${o.ms.toFixed(0)} | ${o.mbps.toFixed(0)} | ${(o.rps / 1e6).toFixed(2)}M | ` +
    `${d.ms.toFixed(0)} | ${dmbps.toFixed(0)} | ${(d.ms / o.ms).toFixed(2)}x | ${(o.size / 1e6).toFixed(2)} MB | ` +
    `${(d.size / 1e6).toFixed(2)} MB | ${(o.size / d.size).toFixed(3)} |`);
}
