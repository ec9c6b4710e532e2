import { type Kysely, sql } from 'kysely';

/**
 * Runs a DDL script statement by statement: PGlite's extended protocol (used by its Kysely
 * dialect) accepts one statement per query. Statements end with ";" at the end of a line.
 */
export async function runScript(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
