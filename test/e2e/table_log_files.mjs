// Prints, sorted, every file path the table log at DIR/_sluice_log lists: entries (<20 digits>)
// and the snapshot (<20 digits>.snapshot, JSON lines after a header), each batch once; publish
// intents (<20 digits>.publishing) are skipped. Fails on any other name.
//   node table_log_files.mjs DIR
import fs from "fs";
const dir = process.argv[2] + "/_sluice_log";
const batches = new Map();
for (const name of fs.readdirSync(dir)) {
  const text = fs.readFileSync(dir + "/" + name, "utf8");
  if (/^[0-9]{20}$/.test(name)) {
    const entry = JSON.parse(text);
    batches.set(entry.batchId, entry);
  } else if (/^[0-9]{20}\.snapshot$/.test(name)) {
    const [header, ...entries] = text.trim().split("\n").map((line) => JSON.parse(line));
    if (entries.length !== header.entries) throw new Error(`${name}: header says ${header.entries}`);
    for (const entry of entries) batches.set(entry.batchId, entry);
  } else if (/^[0-9]{20}\.publishing$/.test(name)) {
    // a publish intent: the files of a batch being published, not a committed batch
  } else {
    throw new Error("unexpected object in _sluice_log: " + name);
  }
}
const files = [];
for (const entry of batches.values()) for (const f of entry.files) files.push(f.path);
console.log(files.sort().join("\n"));
