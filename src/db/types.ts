import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The database as the code sees it, on either engine (PGlite or PostgreSQL). */
export type Db = Kysely<Database>;

// Type OIDs whose parsing both engines set alike (database.ts, pglite.ts).
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;
export const DATE_OID = 1082;

/**
 * How long the application waits for PostgreSQL, in ms (0: no limit, PostgreSQL's own convention).
 * Without them a database that stops answering held every request, /ready included, past 25 s
 * (issue 8): each request now ends in a French 503 problem instead (web/problem.ts).
 */
export interface DatabaseTimeouts {
  /** Opening a connection, or waiting for a free one in the pool. */
  connectMs: number;
  /**
   * One statement, enforced by the server (statement_timeout, which cancels it cleanly) and, a few
   * seconds later, by the client (query_timeout: a frozen network or server never answers a cancel).
   */
  statementMs: number;
  /**
   * A transaction left open without a statement (idle_in_transaction_session_timeout), whose locks
   * would block everyone else. An LHÉO import is one transaction whose connection idles while the
   * next batch of 250 formations is parsed (well under a second from a file; about 1 MB of XML from a
   * URL, so 2 minutes leaves room down to ~10 KB/s): the default must stay well above that.
   */
  idleInTransactionMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 5_000,
  statementMs: 20_000,
  idleInTransactionMs: 120_000,
};
