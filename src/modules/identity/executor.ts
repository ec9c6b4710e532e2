import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** The database or a transaction: every identity repository function that may run in one takes it. */
export type Executor = Kysely<Database>;
/** The identity lists' page size (organisations, audit log). */
export const PAGE_SIZE = 50;
