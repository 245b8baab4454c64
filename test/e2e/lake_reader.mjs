// A plain lake reader polling an output folder while a pipeline is killed and restarted under it.
// Like Athena or a DuckDB glob, it lists the prefix and reads every visible *.json file (no path
// part starting with '_' or '.'). It checks, at every poll, the promises of docs/operations.md:
//  - no event id appears twice;
//  - the row count never goes down;
//  - a published file never changes its bytes and never vanishes.
// Usage: node lake_reader.mjs OUT_DIR STOP_FILE REPORT_FILE
// Runs until STOP_FILE exists (bounded to 10 minutes), then writes a JSON report and exits 0;
// violations are in the report, not the exit status.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const [outDir, stopFile, reportFile] = process.argv.slice(2);
const seen = new Map();  // relative path -> sha256 of its bytes
const violations = [];
let polls = 0;
let lastCount = 0;
let maxCount = 0;

function visibleFiles(dir, relative = '') {
  let entries = [];
  try { entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true }); } catch { return []; }
  const files = [];
  for (const entry of entries) {
    if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...visibleFiles(dir, rel));
    else if (entry.name.endsWith('.json')) files.push(rel);
  }
  return files;
}

function poll() {
  polls++;
  const files = visibleFiles(outDir);
  const present = new Set(files);
  for (const rel of seen.keys()) {
    if (!present.has(rel)) violations.push(`poll ${polls}: published file vanished: ${rel}`);
  }
  const ids = new Set();
  let count = 0;
  for (const rel of files) {
    let bytes;
    try { bytes = fs.readFileSync(path.join(outDir, rel)); } catch (e) {
      violations.push(`poll ${polls}: listed file unreadable: ${rel}: ${e.code}`);
      continue;
    }
    const digest = crypto.createHash('sha256').update(bytes).digest('hex');
    const before = seen.get(rel);
    if (before !== undefined && before !== digest) violations.push(`poll ${polls}: published file changed: ${rel}`);
    seen.set(rel, digest);
    for (const line of bytes.toString('utf8').split('\n')) {
      if (!line) continue;
      count++;
      const id = JSON.parse(line).event_id;
      if (ids.has(id)) violations.push(`poll ${polls}: duplicate event_id ${id} (in ${rel})`);
      ids.add(id);
    }
  }
  if (count < lastCount) violations.push(`poll ${polls}: row count went down from ${lastCount} to ${count}`);
  lastCount = count;
  maxCount = Math.max(maxCount, count);
}

const deadline = Date.now() + 10 * 60 * 1000;
while (!fs.existsSync(stopFile) && Date.now() < deadline && violations.length < 20) {
  poll();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
poll();
fs.writeFileSync(reportFile, JSON.stringify({ polls, files: seen.size, rows: lastCount, violations }, null, 1));
