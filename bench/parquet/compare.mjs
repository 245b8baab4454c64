// Parquet encode: Sluice vs DuckDB on the same clickstream rows, same codec and level, one thread
// each, in the same run. Usage (from the repo root, after building parquet_bench):
//   [CODECS=zstd,snappy] node bench/parquet/compare.mjs build/<dir>/bench/parquet_bench [repetitions]
// DuckDB loads the rows into an in-memory table first, then `COPY t TO ... (FORMAT parquet)` is
// timed with `SET threads=1`. The two sides alternate per codec and each keeps its best of
// `repetitions` (default 5) runs, so both see the same machine load. Two clocks: CPU time (the
// process's user+system time, steady on a shared machine: the figure the ratios use) and wall
// time. Prints a Markdown table for docs/performance.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(join(process.cwd(), 'test/tools/package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const bench = process.argv[2];
const repetitions = Number(process.argv[3] ?? 5);
const rows = 1 << 20;
// Codecs at each engine's default level (zstd 3, gzip 6 for both), then zstd at level 1 on both
// sides.
// CODECS=a,b,... runs a subset.
const codecs = process.env.CODECS?.split(',') ??
  ['uncompressed', 'snappy', 'zstd', 'zstd_level1', 'gzip', 'lz4_raw'];
const duckOptions = (codec) =>
  codec === 'zstd_level1' ? 'COMPRESSION zstd, COMPRESSION_LEVEL 1' : `COMPRESSION ${codec}`;
const dir = mkdtempSync(join(tmpdir(), 'parquet-bench-'));
const input = join(dir, 'input.parquet');
execFileSync(bench, ['--dump', input, String(rows)]);

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run('SET threads=1');
await db.run(`CREATE TABLE t AS SELECT * FROM '${input}'`);

function sluice(codec) {
  const out = join(dir, 'sluice.json');
  execFileSync(bench, [`--benchmark_filter=/${codec}$`, `--benchmark_repetitions=${repetitions}`,
    `--benchmark_out=${out}`, '--benchmark_out_format=json'], { stdio: 'ignore' });
  const runs = JSON.parse(readFileSync(out, 'utf8')).benchmarks.filter((b) => b.run_type === 'iteration');
  return {
    cpu: Math.min(...runs.map((b) => b.cpu_time)),
    wall: Math.min(...runs.map((b) => b.real_time)),
    size: runs[0].file_bytes,
    input: runs[0].bytes_per_second * runs[0].cpu_time / 1e3,
  };
}

async function duckdb(codec) {
  const file = join(dir, `duck_${codec}.parquet`);
  let cpu = Infinity;
  let wall = Infinity;
  for (let i = 0; i < repetitions; ++i) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    await db.run(`COPY t TO '${file}' (FORMAT parquet, ${duckOptions(codec)})`);
    wall = Math.min(wall, performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu = Math.min(cpu, (used.user + used.system) / 1e3);
  }
  return { cpu, wall, size: statSync(file).size };
}

const results = [];
let inputBytes = 0;
for (const codec of codecs) {
  const ours = sluice(codec);
  inputBytes = ours.input;
  results.push({ codec, ours, duck: await duckdb(codec) });
}
rmSync(dir, { recursive: true, force: true });

const mb = (bytes) => (bytes / 1e6).toFixed(2);
console.log(`rows: ${rows}, input: ${(inputBytes / 1e6).toFixed(1)} MB (Arrow layout), one thread ` +
  `each, best of ${repetitions}\n`);
console.log('| codec | Sluice CPU ms | Sluice MB/s | Sluice rows/s | DuckDB CPU ms | DuckDB MB/s | ' +
  'speed-up (CPU) | speed-up (wall) | Sluice size | DuckDB size | size ratio |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const { codec, ours: o, duck: d } of results) {
  console.log(`| ${codec} | ${o.cpu.toFixed(0)} | ${(inputBytes / 1e3 / o.cpu).toFixed(0)} | ` +
    `${(rows / 1e3 / o.cpu).toFixed(2)}M | ${d.cpu.toFixed(0)} | ${(inputBytes / 1e3 / d.cpu).toFixed(0)} | ` +
    `${(d.cpu / o.cpu).toFixed(2)}x | ${(d.wall / o.wall).toFixed(2)}x | ${mb(o.size)} MB | ` +
    `${mb(d.size)} MB | ${(o.size / d.size).toFixed(3)} |`);
}
