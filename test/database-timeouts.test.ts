import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { type Db, isDatabaseUnavailable, kyselyForPostgres } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { memoryMailer } from '../src/shared/mailer.js';
import { toProblem } from '../src/web/problem.js';
import { testConfig } from './config.js';

/**
 * Issue 8, hole 14: a PostgreSQL that stops answering held requests, /ready included, past 25 s.
 * A loopback TCP proxy stands between the app and the server and can be frozen: it then stops
 * forwarding without closing anything, as a hung server or a dead network path would.
 * PostgreSQL only (TEST_DATABASE_URL, set by CI): PGlite runs inside the process and cannot stop
 * answering while the process lives (see db/database.ts). The test uses a database of its own,
 * migrated here, not the shared templates.
 */
const url = process.env.TEST_DATABASE_URL;

/** A TCP proxy to host:port that forwards until frozen, then holds every byte, closing nothing. */
async function freezableProxy(host: string, port: number) {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk) => {
      if (!frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!frozen) client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy address');
  return {
    port: address.port,
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(!url)('database timeouts (PostgreSQL)', () => {
  const name = `passerelle_timeouts_${process.pid}_${randomBytes(4).toString('hex')}`;
  let admin: Db;
  let direct: Db;
  let proxied: Db;
  let proxy: Awaited<ReturnType<typeof freezableProxy>>;
  let app: FastifyInstance;

  const databaseUrl = (database: string, port?: number) => {
    const u = new URL(url!);
    u.pathname = `/${database}`;
    if (port) {
      u.hostname = '127.0.0.1';
      u.port = String(port);
    }
    return u.toString();
  };

  beforeAll(async () => {
    admin = kyselyForPostgres(url!, 1);
    await sql`create database ${sql.id(name)}`.execute(admin);
    direct = kyselyForPostgres(databaseUrl(name), 2, {
      connectMs: 2000,
      statementMs: 500,
      idleInTransactionMs: 500,
    });
    const migrator = kyselyForPostgres(databaseUrl(name), 1);
    await migrateToLatest(migrator);
    await migrator.destroy();
    const target = new URL(url!);
    proxy = await freezableProxy(target.hostname, Number(target.port || 5432));
    proxied = kyselyForPostgres(databaseUrl(name, proxy.port), 2, {
      connectMs: 1000,
      statementMs: 1000,
      idleInTransactionMs: 5000,
    });
    app = await buildApp({ config: testConfig(), db: proxied, mailer: memoryMailer() });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await proxied?.destroy().catch(() => {});
    await direct?.destroy();
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
    await admin.destroy();
  });

  it('cancels a statement past statement_timeout, and a transaction left idle, as a French 503', async () => {
    const slow = await sql`select pg_sleep(3)`.execute(direct).catch((e: unknown) => e);
    expect(isDatabaseUnavailable(slow)).toBe(true);
    expect(toProblem(slow as Error)).toMatchObject({ status: 503, title: 'Service indisponible' });
    expect(toProblem(slow as Error).detail).toContain('momentanément indisponible');
    const idle = await direct
      .transaction()
      .execute(async (tx) => {
        await sql`select 1`.execute(tx);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await sql`select 1`.execute(tx);
      })
      .catch((e: unknown) => e);
    expect(isDatabaseUnavailable(idle)).toBe(true);
    // The pool replaced the connection the server closed.
    expect((await sql<{ n: number }>`select 1 as n`.execute(direct)).rows[0]?.n).toBe(1);
  });

  it('answers /ready with 503 within 2.5 s and a page with a French 503 when the database hangs', async () => {
    expect((await app.inject('/ready')).statusCode).toBe(200);
    proxy.freeze();
    const started = performance.now();
    const ready = await app.inject('/ready');
    expect(performance.now() - started).toBeLessThan(2500);
    expect(ready.statusCode).toBe(503);

    // A session lookup on a hung database: the page ends in a French 503, not a 500 or a hang.
    const page = await app.inject({
      method: 'GET',
      url: '/',
      headers: { accept: 'text/html', cookie: 'passerelle_session=quelconque' },
    });
    expect(page.statusCode).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('momentanément indisponible');

    const api = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: 'Bearer psl_quelconque' },
    });
    expect(api.statusCode).toBe(503);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
