// Runs SQL in DuckDB (the independent reader of Sluice's output) and prints the result of the
// last statement, one row per line, cells joined by '|', NULL as NULL (the format of our
// data-driven tests). Usage: node duckdb_query.mjs "SELECT ..." [more statements...]
// Exit status 1 with DuckDB's message on stderr if a statement fails.
import { DuckDBInstance } from '@duckdb/node-api';

function cellText(value) {
  if (value === null || value === undefined) return 'NULL';
  return value.toString();
}

const statements = process.argv.slice(2);
if (statements.length === 0) {
  console.error('usage: node duckdb_query.mjs "SQL" [SQL...]');
  process.exit(2);
}
try {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  let reader = null;
  for (const sql of statements) reader = await connection.runAndReadAll(sql);
  const lines = reader.getRows().map((row) => row.map(cellText).join('|'));
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
} catch (error) {
  console.error(`duckdb: ${error.message}`);
  process.exit(1);
}
