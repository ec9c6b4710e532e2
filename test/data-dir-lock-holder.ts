import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { exitOnDataDirLocked } from '../src/db/data-dir-lock.js';
import { openDatabase } from '../src/db/database.js';

/**
 * A process that opens a PGlite data directory the way every entry point does (openDatabase), for
 * test/data-dir-lock.test.ts. Usage: tsx test/data-dir-lock-holder.ts DIR [--graceful].
 * It writes a row "opened", prints "READY", then obeys stdin: "write X" (a row, answered "WROTE X"),
 * "read" (answered "ROWS [..]"), "exit" (closes the base, ends normally). With --graceful it handles
 * SIGTERM itself, like server.ts: a last row, the base closed, then process.exit(0).
 */
const dir = process.argv[2]!;
const handle = await openDatabase({ engine: 'pglite', dataDir: dir }).catch(exitOnDataDirLocked);
const db = handle.db;
await sql`create table if not exists note (text text not null)`.execute(db);
await sql`insert into note values ('opened')`.execute(db);

if (process.argv.includes('--graceful'))
  process.on('SIGTERM', async () => {
    await sql`insert into note values ('graceful')`.execute(db);
    await handle.close();
    process.exit(0);
  });

const lines = createInterface({ input: process.stdin });
console.log('READY');
for await (const line of lines) {
  const [command, value] = line.split(' ');
  if (command === 'write') {
    await sql`insert into note values (${value})`.execute(db);
    console.log(`WROTE ${value}`);
  } else if (command === 'read') {
    const { rows } = await sql<{ text: string }>`select text from note order by text`.execute(db);
    console.log(`ROWS ${JSON.stringify(rows.map((r) => r.text))}`);
  } else if (command === 'exit') break;
}
lines.close();
await handle.close();
