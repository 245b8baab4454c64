// End to end, JSON lines -> Parquet: Sluice against DuckDB on the same files, in one run,
// alternating A/B. Run through bench/e2e/run.sh (which documents the knobs); this file does the
// work: generate the input, run every (variant, threads) pair RUNS times for each engine, check
// that both engines wrote the same rows, and print a Markdown table of medians to stdout.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const require = createRequire(join(root, 'test/tools/package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const env = process.env;
const sluice = process.argv[2];
const rows = Number(process.argv[3] ?? 2000000);
const work = process.argv[4];
const runs = Number(env.RUNS ?? 5);
const threadsList = (env.THREADS ?? '1 2').split(/\s+/).filter(Boolean).map(Number);
const variantNames = (env.VARIANTS ?? 'all filter partitioned snappy').split(/\s+/).filter(Boolean);
const fileRows = Number(env.FILE_ROWS ?? 100000);
const scale = Number(env.SCALE ?? 4);
const scaleRuns = Number(env.SCALE_RUNS ?? 3);
const seed = Number(env.SEED ?? 42);
const zstdLevel = Number(env.ZSTD_LEVEL ?? 3);
const pin = (env.TASKSET ?? '1') !== '0';
const quiet = env.QUIET === '1';
// For the smoke test: Sluice's filter also drops 'purchase', so the row check must fail.
const sabotage = env.SABOTAGE === '1';
// Extra options for Sluice's sink, e.g. "'rowGroupSize' = '128MB'" (experiments; default 16MB).
const sinkOptions = env.SLUICE_SINK_OPTIONS ?? '';

function log(message) {
  if (!quiet) process.stderr.write(`[e2e-bench] ${message}\n`);
}
function die(message) {
  process.stderr.write(`[e2e-bench] FAIL: ${message}\n`);
  process.exit(1);
}
if (!(rows > 0) || !(runs > 0) || !(fileRows > 0)) die('N, RUNS and FILE_ROWS must be positive');
if (threadsList.some((t) => t !== 1 && t !== 2)) die('THREADS takes 1 and/or 2');

// ---- the workload --------------------------------------------------------------------------
const columns = [
  ['event_id', 'STRING', 'VARCHAR'], ['user_id', 'BIGINT', 'BIGINT'],
  ['session_id', 'STRING', 'VARCHAR'], ['event_type', 'STRING', 'VARCHAR'],
  ['url', 'STRING', 'VARCHAR'], ['referrer', 'STRING', 'VARCHAR'],
  ['api_version', 'STRING', 'VARCHAR'], ['ts', 'TIMESTAMP', 'TIMESTAMP'],
  ['price', 'DOUBLE', 'DOUBLE'], ['qty', 'INT', 'INTEGER'], ['country', 'STRING', 'VARCHAR'],
  ['device', 'STRUCT<os STRING, browser STRING>', 'STRUCT(os VARCHAR, browser VARCHAR)'],
  ['tags', 'ARRAY<STRING>', 'VARCHAR[]'], ['ts_ms', 'BIGINT', 'BIGINT'],
];
const sluiceColumns = columns.map(([name, type]) => `${name} ${type}`).join(', ');
const duckColumns = columns.map(([name, , type]) => `${name}: '${type}'`).join(', ');
const filterTypes = "('page_view', 'add_to_cart', 'purchase')";
const filterWhere = `api_version = 'v2' AND event_type IN ${filterTypes}`;
const filterItems =
  'event_id, user_id, session_id, event_type, url, ts, price * qty AS amount, country, device.os AS os';

// Each variant: the SELECT items and WHERE (same text for both engines except the date pattern),
// the codec, and the partition columns.
const variants = {
  all: { label: 'all columns, zstd', select: '*', where: '', codec: 'zstd', partitionBy: [] },
  filter: {
    label: 'filter + projection, zstd', select: filterItems, where: filterWhere, codec: 'zstd',
    partitionBy: [],
  },
  partitioned: {
    label: 'partitionBy (api_version, dt), zstd',
    select: "*, date_format(ts, 'yyyy-MM-dd') AS dt",
    duckSelect: "*, strftime(ts, '%Y-%m-%d') AS dt",
    where: '', codec: 'zstd', partitionBy: ['api_version', 'dt'],
  },
  snappy: { label: 'all columns, snappy', select: '*', where: '', codec: 'snappy', partitionBy: [] },
};
for (const name of variantNames) if (!variants[name]) die(`unknown variant '${name}'`);

function sluicePipeline(variant, threads, input, out, checkpoint) {
  const v = variants[variant];
  const options = [
    `'connector' = 'files'`, `'path' = '${out}'`, `'format' = 'parquet'`,
    `'compression' = '${v.codec}'`,
  ];
  if (v.codec === 'zstd') options.push(`'compressionLevel' = '${zstdLevel}'`);
  if (v.partitionBy.length > 0) options.push(`'partitionBy' = '${v.partitionBy.join(',')}'`);
  if (sinkOptions) options.push(sinkOptions);
  return [
    `SET 'checkpointLocation' = '${checkpoint}';`,
    `SET 'trigger' = 'availableNow';`,
    ...(env.THREADS_SETTING === '0' ? [] : [`SET 'threadsPerQuery' = '${threads}';`]),
    `CREATE SOURCE clicks (${sluiceColumns}) WITH ('connector' = 'files', 'path' = '${input}', 'format' = 'json');`,
    `CREATE SINK out WITH (${options.join(', ')});`,
    `INSERT INTO out SELECT ${v.select} FROM clicks${v.where ? ` WHERE ${v.where}` : ''}` +
      `${sabotage && v.where ? " AND event_type <> 'purchase'" : ''};`,
  ].join('\n') + '\n';
}

function duckCopy(variant, input, out) {
  const v = variants[variant];
  const from = `read_json('${input}/*.ndjson', format = 'newline_delimited', columns = {${duckColumns}})`;
  const select = `SELECT ${v.duckSelect ?? v.select} FROM ${from}${v.where ? ` WHERE ${v.where}` : ''}`;
  const options = ['FORMAT parquet', `COMPRESSION ${v.codec}`];
  if (v.codec === 'zstd') options.push(`COMPRESSION_LEVEL ${zstdLevel}`);
  if (v.partitionBy.length > 0) options.push(`PARTITION_BY (${v.partitionBy.join(', ')})`);
  const target = v.partitionBy.length > 0 ? out : `${out}/data.parquet`;
  return `COPY (${select}) TO '${target}' (${options.join(', ')})`;
}

// ---- helpers -------------------------------------------------------------------------------
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function parquetBytes(dir) {
  let total = 0, files = 0;
  if (!existsSync(dir)) return { total, files };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.parquet')) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    if (path.includes('/_sluice_staging/')) continue;
    total += statSync(path).size;
    ++files;
  }
  return { total, files };
}
function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
function pinned(threads, command) {
  return pin && threads === 1 ? ['taskset', ['-c', '0', ...command]] : [command[0], command.slice(1)];
}

function makeInput(dir, count) {
  if (existsSync(join(dir, '.complete'))) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const whole = join(dir, '.all.ndjson');
  log(`generating ${count} records (seed ${seed}) into ${dir}, ${fileRows} per file`);
  execFileSync(sluice, ['--log-level', 'warn', 'gen', '--rows', String(count), '--seed', String(seed), '-o', whole]);
  execFileSync('split', ['-l', String(fileRows), '-d', '-a', '5', '--additional-suffix=.ndjson', whole,
    join(dir, 'part-')]);
  rmSync(whole);
  writeFileSync(join(dir, '.complete'), '');
}
function inputBytes(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.ndjson'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function runSluice(variant, threads, input, tag) {
  const base = join(work, `sluice-${tag}`);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const out = join(base, 'out');
  const pipeline = join(base, 'pipeline.sql');
  writeFileSync(pipeline, sluicePipeline(variant, threads, input, out, join(base, 'checkpoint')));
  const rssFile = join(base, 'rss');
  const [cmd, args] = pinned(threads, ['/usr/bin/time', '-f', '%M %U %S', '-o', rssFile, sluice,
    '--log-level', 'warn', 'run', pipeline]);
  const start = performance.now();
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    die(`sluice ${variant} threads=${threads} exited with ${result.status}:\n${result.stderr}`);
  }
  const [peakKb, user, system] = readFileSync(rssFile, 'utf8').trim().split('\n').pop()
    .split(' ').map(Number);
  return { ms, cpuMs: (user + system) * 1000, peakKb, out, bytes: parquetBytes(out) };
}

function runDuck(variant, threads, input, tag) {
  const out = join(work, `duck-${tag}`);
  rmSync(out, { recursive: true, force: true });
  if (variants[variant].partitionBy.length === 0) mkdirSync(out, { recursive: true });
  const [cmd, args] = pinned(threads, ['node', join(here, 'duck_copy.mjs'), String(threads),
    duckCopy(variant, input, out)]);
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    die(`duckdb ${variant} threads=${threads} exited with ${result.status}:\n${result.stderr}`);
  }
  const report = JSON.parse(result.stdout.trim().split('\n').pop());
  return { ms: report.ms, cpuMs: report.cpuMs, peakKb: report.peakKb, baselineKb: report.baselineKb, out,
    bytes: parquetBytes(out) };
}

// Both engines must have written the same rows: count, a sum, nulls, and rows per partition.
async function fingerprint(db, dir, variant) {
  const v = variants[variant];
  const glob = `read_parquet('${dir}/**/*.parquet', hive_partitioning = ${v.partitionBy.length > 0})`;
  const parts = v.partitionBy.length > 0
    ? `(SELECT string_agg(part || '=' || n, ',' ORDER BY part) FROM (SELECT ` +
      `${v.partitionBy.map((c) => `CAST(${c} AS VARCHAR)`).join(" || '/' || ")} AS part, count(*) AS n ` +
      `FROM ${glob} GROUP BY ALL))`
    : "''";
  const reader = await db.runAndReadAll(
    `SELECT count(*), sum(user_id), count(DISTINCT event_id), ${parts} FROM ${glob}`);
  return reader.getRows()[0].map((cell) => String(cell)).join('|');
}

// ---- the run -------------------------------------------------------------------------------
mkdirSync(work, { recursive: true });
const input = join(work, `input-${rows}-seed${seed}-${fileRows}`);
makeInput(input, rows);
const bytesIn = inputBytes(input);
const loadStart = loadAverage();
log(`input: ${rows} records, ${(bytesIn / 1e6).toFixed(1)} MB (${(bytesIn / rows).toFixed(0)} B/record); ` +
  `${runs} runs x ${variantNames.length} variants x threads ${threadsList.join(',')}; load ${loadStart}`);

const db = await (await DuckDBInstance.create(':memory:')).connect();
// Every round runs every (variant, threads) pair once on each engine, alternating which engine
// goes first, so that a change of machine load over the run spreads over all the pairs (the
// ratios between variants and between thread counts stay meaningful, not only Sluice/DuckDB).
const pairs = [];
for (const variant of variantNames) {
  for (const threads of threadsList) pairs.push({ variant, threads, s: [], d: [], lastS: null, lastD: null });
}
for (let i = 0; i < runs; ++i) {
  for (const [index, pair] of pairs.entries()) {
    const order = ((i + index) % 2 === 0) ? ['s', 'd'] : ['d', 's'];
    const tag = `${pair.variant}-${pair.threads}`;
    for (const engine of order) {
      if (engine === 's') pair.s.push(pair.lastS = runSluice(pair.variant, pair.threads, input, tag));
      else pair.d.push(pair.lastD = runDuck(pair.variant, pair.threads, input, tag));
    }
  }
  log(`round ${i + 1}/${runs} done; load ${loadAverage()}`);
}
const results = [];
for (const { variant, threads, s, d, lastS, lastD } of pairs) {
  const fs = await fingerprint(db, lastS.out, variant);
  const fd = await fingerprint(db, lastD.out, variant);
  if (fs !== fd) die(`${variant} threads=${threads}: Sluice wrote ${fs}, DuckDB wrote ${fd} (rows|sum(user_id)|distinct event_id|partitions)`);
  if (Number(fs.split('|')[0]) <= 0) die(`${variant}: no rows written`);
  const row = {
    variant, threads, rowsOut: Number(fs.split('|')[0]),
    sMs: median(s.map((r) => r.ms)), dMs: median(d.map((r) => r.ms)),
    sCpu: median(s.map((r) => r.cpuMs)), dCpu: median(d.map((r) => r.cpuMs)),
    sMin: Math.min(...s.map((r) => r.ms)), sMax: Math.max(...s.map((r) => r.ms)),
    dMin: Math.min(...d.map((r) => r.ms)), dMax: Math.max(...d.map((r) => r.ms)),
    sRss: median(s.map((r) => r.peakKb)) / 1024, dRss: median(d.map((r) => r.peakKb)) / 1024,
    dBase: median(d.map((r) => r.baselineKb)) / 1024,
    sBytes: lastS.bytes.total, dBytes: lastD.bytes.total,
  };
  results.push(row);
  log(`${variant} threads=${threads}: Sluice ${row.sMs.toFixed(0)} ms, DuckDB ${row.dMs.toFixed(0)} ms, ` +
    `ratio ${(row.dMs / row.sMs).toFixed(2)}x; rows out ${row.rowsOut}`);
}

// RSS flatness: the same pipeline (all columns, zstd) on SCALE x N records.
let flat = null;
if (scale > 1 && variantNames.includes('all')) {
  const bigRows = rows * scale;
  const bigInput = join(work, `input-${bigRows}-seed${seed}-${fileRows}`);
  makeInput(bigInput, bigRows);
  flat = [];
  for (const threads of threadsList) {
    const small = [], big = [];
    for (let i = 0; i < scaleRuns; ++i) {
      small.push(runSluice('all', threads, input, `flat-${threads}`));
      big.push(runSluice('all', threads, bigInput, `flat-big-${threads}`));
    }
    const bigRowsOut = Number((await fingerprint(db, big[big.length - 1].out, 'all')).split('|')[0]);
    if (bigRowsOut !== bigRows) die(`${bigRows} records in, ${bigRowsOut} rows out`);
    flat.push({
      threads, small: median(small.map((r) => r.peakKb)) / 1024,
      big: median(big.map((r) => r.peakKb)) / 1024, bigMs: median(big.map((r) => r.ms)),
      bigRows,
    });
  }
}
const loadEnd = loadAverage();

// ---- the report ----------------------------------------------------------------------------
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const mrec = (ms) => (rows / (ms / 1e3) / 1e6).toFixed(2);
const mbps = (ms) => (bytesIn / 1e6 / (ms / 1e3)).toFixed(0);
const out = [];
out.push(`Input: ${rows.toLocaleString('en-US')} records, ${mb(bytesIn)} MB NDJSON ` +
  `(${(bytesIn / rows).toFixed(0)} B/record) in ${Math.ceil(rows / fileRows)} files; ` +
  `medians of ${runs} runs per engine, alternating; ${cpus().length} vCPUs ` +
  `(${cpus()[0].model.trim()}), load average ${loadStart} at start, ${loadEnd} at end.` +
  (pin ? ' 1-thread runs pinned to CPU 0 (`taskset -c 0`), both engines.' : ''));
out.push('');
out.push('| variant | threads | rows out | Sluice M rec/s | Sluice MB/s | DuckDB M rec/s | DuckDB MB/s | ' +
  '**Sluice / DuckDB** | CPU s Sluice / DuckDB | Sluice peak RSS MB | DuckDB peak RSS MB (minus node) | ' +
  'Sluice out MB | DuckDB out MB | size ratio |');
out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  out.push(`| ${variants[r.variant].label} | ${r.threads} | ${r.rowsOut.toLocaleString('en-US')} | ` +
    `${mrec(r.sMs)} | ${mbps(r.sMs)} | ${mrec(r.dMs)} | ${mbps(r.dMs)} | ` +
    `**${(r.dMs / r.sMs).toFixed(2)}x** | ${(r.sCpu / 1e3).toFixed(2)} / ${(r.dCpu / 1e3).toFixed(2)} | ` +
    `${r.sRss.toFixed(0)} | ${r.dRss.toFixed(0)} ` +
    `(${(r.dRss - r.dBase).toFixed(0)}) | ${mb(r.sBytes)} | ${mb(r.dBytes)} | ` +
    `${(r.sBytes / r.dBytes).toFixed(3)} |`);
}
out.push('');
out.push('Spread (min-max ms): ' + results.map((r) =>
  `${r.variant}/${r.threads}t Sluice ${r.sMin.toFixed(0)}-${r.sMax.toFixed(0)}, ` +
  `DuckDB ${r.dMin.toFixed(0)}-${r.dMax.toFixed(0)}`).join('; ') + '.');
if (flat) {
  out.push('');
  out.push(`| RSS flatness (all columns, zstd) | threads | Sluice peak RSS MB at ${rows.toLocaleString('en-US')} | ` +
    `at ${flat[0].bigRows.toLocaleString('en-US')} | change | M rec/s at ${flat[0].bigRows.toLocaleString('en-US')} |`);
  out.push('|---|---|---|---|---|---|');
  for (const f of flat) {
    out.push(`| Sluice | ${f.threads} | ${f.small.toFixed(0)} | ${f.big.toFixed(0)} | ` +
      `${((f.big / f.small - 1) * 100).toFixed(1)}% | ${(f.bigRows / (f.bigMs / 1e3) / 1e6).toFixed(2)} |`);
  }
}

// Targets of issue #9, where each stands in this run.
const find = (variant, threads) => results.find((r) => r.variant === variant && r.threads === threads);
const targets = [];
const check = (label, value, goal, ok) => targets.push(`| ${label} | ${value} | ${goal} | ${ok ? 'met' : '**not met**'} |`);
const all1 = find('all', 1), all2 = find('all', 2), filter1 = find('filter', 1);
// Wall-time ratios are the targets; on a loaded machine the CPU-time ratio (1 thread) is shown
// beside them.
const cpuNote = (wall, cpu) => `${wall.toFixed(2)}x (CPU time: ${cpu.toFixed(2)}x)`;
if (all1) check('all columns, zstd, 1 thread: Sluice / DuckDB', cpuNote(all1.dMs / all1.sMs, all1.dCpu / all1.sCpu), '>= 3x (milestone 2x)', all1.dMs / all1.sMs >= 3);
if (filter1) check('filter + projection, 1 thread: Sluice / DuckDB', cpuNote(filter1.dMs / filter1.sMs, filter1.dCpu / filter1.sCpu), '>= 3x', filter1.dMs / filter1.sMs >= 3);
for (const threads of threadsList) {
  const part = find('partitioned', threads), plain = find('all', threads);
  if (part && plain) {
    const slower = part.sMs / plain.sMs - 1;
    const cpu = threads === 1 ? ` (CPU time: ${((part.sCpu / plain.sCpu - 1) * 100).toFixed(1)}%)` : '';
    check(`partitioned vs unpartitioned (Sluice), ${threads} thread(s)`, `${(slower * 100).toFixed(1)}% slower${cpu}`, '<= 10%', slower <= 0.10);
  }
}
if (all1 && all2) check('2 threads / 1 thread (Sluice, all columns)', `${(all1.sMs / all2.sMs).toFixed(2)}x`, '>= 1.8x', all1.sMs / all2.sMs >= 1.8);
if (all1) {
  const worst = Math.max(...results.map((r) => r.sRss));
  check('Sluice peak RSS (worst variant) vs DuckDB 1-thread peak (all columns)', `${worst.toFixed(0)} vs ${all1.dRss.toFixed(0)} MB`, '<=', worst <= all1.dRss);
}
if (flat) for (const f of flat) check(`RSS flatness, N x${scale}, ${f.threads} thread(s)`, `${((f.big / f.small - 1) * 100).toFixed(1)}%`, 'within +-10%', Math.abs(f.big / f.small - 1) <= 0.10);
for (const r of results) check(`output bytes, ${r.variant} ${r.threads}t`, (r.sBytes / r.dBytes).toFixed(3), '0.9 - 1.1', Math.abs(r.sBytes / r.dBytes - 1) <= 0.10);
out.push('');
out.push('| target (issue #9) | this run | goal | |');
out.push('|---|---|---|---|');
out.push(...targets);
console.log(out.join('\n'));
