// One DuckDB run of the end-to-end benchmark, in its own process so that its peak RSS can be
// measured: `node duck_copy.mjs THREADS "COPY ..."`. Prints one JSON line:
//   {"ms": <the COPY statement's wall time>, "cpuMs": <user + system CPU time of the process
//    during the COPY>, "baselineKb": <VmRSS before the COPY, i.e. node +
//    the loaded DuckDB library + an empty database>, "peakKb": <VmHWM at the end>}
// Node's start-up and DuckDB's instance creation are outside "ms" (in DuckDB's favour).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'test/tools/package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

function statusKb(key) {
  const match = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'));
  return match ? Number(match[1]) : 0;
}

const [threads, sql] = process.argv.slice(2);
if (!threads || !sql) {
  console.error('usage: node duck_copy.mjs THREADS "COPY ..."');
  process.exit(2);
}
try {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET threads = ${Number(threads)}`);
  const baselineKb = statusKb('VmRSS');
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await connection.run(sql);
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(JSON.stringify({ ms, cpuMs, baselineKb, peakKb: statusKb('VmHWM') }));
} catch (error) {
  console.error(`duckdb: ${error.message}`);
  process.exit(1);
}
