import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireDataDirLock,
  DATA_DIR_LOCKED_EXIT_CODE,
  DataDirLockedError,
  LOCK_FILE_NAME,
  type LockOwner,
  lockedMessage,
} from '../src/db/data-dir-lock.js';
import { DEMO_REGION_CODE } from '../src/demo.js';
import { feedBytes, feedInputs } from '../src/modules/trainings/feed.js';
import { Browser, createTestApp, type TestApp } from './app.js';

/**
 * Issue 9 §1: `npm run import:lheo` on the PGlite directory that `npm start` served corrupted it
 * for good. The first process to open a data directory holds it; every other entry point is refused
 * at once with who holds it and what to do; the lock goes with its holder (normal exit, SIGTERM,
 * or a dead pid found by the next one). Real processes, a real PGlite directory.
 */
const ROOT = resolve(import.meta.dirname, '..');
const NBSP = '\u00a0';
const work = mkdtempSync(join(tmpdir(), 'passerelle-lock-'));
const dataDir = join(work, 'pglite');
const lockPath = join(dataDir, LOCK_FILE_NAME);

/** A process started with tsx, as `npm run …` does, its output collected. */
class Proc {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: '',
        PGLITE_DIR: dataDir,
        SESSION_SECRET: 'un-secret-de-test-de-plus-de-32-caracteres',
        SEED_DEMO: 'false',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdout += chunk;
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done({ code, signal })));
  }
  get pid() {
    return this.child.pid!;
  }
  send(line: string) {
    this.child.stdin!.write(`${line}\n`);
  }
  /** Waits for a line of stdout matching `pattern` (the process failing first fails the test). */
  async waitFor(pattern: RegExp, timeoutMs = 100_000): Promise<RegExpMatchArray> {
    const started = Date.now();
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`process ended (${this.child.exitCode}) before ${pattern}: ${this.stderr}`);
      if (Date.now() - started > timeoutMs)
        throw new Error(`no ${pattern} after ${timeoutMs} ms: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const holder = (...args: string[]) => new Proc(['test/data-dir-lock-holder.ts', dataDir, ...args]);
const lockOwner = () => JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
const rowsOf = async (p: Proc) => {
  p.send('read');
  return JSON.parse((await p.waitFor(/^ROWS (.*)$/m))[1]!) as string[];
};
/** A pid that is certainly dead: a process that has already ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

afterAll(() => rmSync(work, { recursive: true, force: true }));

// Each test starts tsx processes that load PGlite (2-10 s each alone, measured; several times that on
// a loaded CI machine): more room than the 60 s default.
const PROCESSES = { timeout: 240_000 };

describe('two real processes on one PGlite directory', PROCESSES, () => {
  let first: Proc;
  beforeAll(async () => {
    first = holder();
    await first.waitFor(/^READY$/m);
  });
  afterAll(() => {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
  });

  it('refuses every other entry point at once with the holder and what to do; the first keeps working', async () => {
    const fixture = join(ROOT, 'test/fixtures/lheo/intercarif-daeu.xml');
    const entryPoints: Record<string, string[]> = {
      'npm start': ['src/server.ts'],
      'import:lheo': ['src/cli/import-lheo.ts', fixture],
      migrate: ['src/cli/migrate.ts'],
      'seed:demo': ['src/cli/seed-demo.ts'],
      'load:referentials': ['src/cli/load-referentials.ts'],
      'create-admin': [
        'src/cli/create-admin.ts',
        '--email',
        'ada@region.fr',
        '--prenom',
        'Ada',
        '--nom',
        'L',
      ],
      'generate:lheo': ['src/cli/generate-lheo.ts', '--out', join(work, 'genere.xml'), '--sessions', '5'],
      'a second holder': ['test/data-dir-lock-holder.ts', dataDir],
    };
    const runs = Object.entries(entryPoints).map(([name, args]) => {
      const p = new Proc(args, { PORT: '3111', HOST: '127.0.0.1', ADMIN_PASSWORD: 'Un-mot-de-passe-2026!' });
      return p.exited.then((exit) => ({ name, exit, p }));
    });
    for (const { name, exit, p } of await Promise.all(runs)) {
      expect({ name, code: exit.code }).toEqual({ name, code: DATA_DIR_LOCKED_EXIT_CODE });
      expect(p.stderr, name).toContain(`est déjà ouverte par le processus ${first.pid}`);
      expect(p.stderr, name).toContain(`«${NBSP}node test/data-dir-lock-holder.ts ${dataDir}${NBSP}»`);
      expect(p.stderr, name).toContain('--server http://localhost:3000');
      // A message, not a crash: no stack trace, and nothing was done before the refusal.
      expect(p.stderr, name).not.toMatch(/^\s+at /m);
      expect(p.stdout, name).not.toContain('Migrations appliquées');
    }
    expect(existsSync(join(work, 'genere.xml'))).toBe(false);
    expect(lockOwner().pid).toBe(first.pid);

    first.send('write second');
    await first.waitFor(/^WROTE second$/m);
    expect(await rowsOf(first)).toEqual(['opened', 'second']);
  });

  it('releases the lock on a normal exit, and the data survives both processes', async () => {
    first.send('exit');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(lockPath)).toBe(false);

    const reopened = holder();
    await reopened.waitFor(/^READY$/m);
    expect(await rowsOf(reopened)).toEqual(['opened', 'opened', 'second']);
    reopened.send('exit');
    expect((await reopened.exited).code).toBe(0);
  });

  it('takes over a stale lock (dead pid on this host), and releases on SIGTERM', async () => {
    const dead = deadPid();
    writeFileSync(
      lockPath,
      JSON.stringify({
        pid: dead,
        hostname: hostname(),
        command: 'npm run import:lheo -- flux.xml',
        since: new Date(Date.now() - 3_600_000).toISOString(),
        processStartedAt: new Date(Date.now() - 3_600_000).toISOString(),
        token: 'tué',
      }),
    );
    const taker = holder();
    await taker.waitFor(/^READY$/m);
    expect(lockOwner().pid).toBe(taker.pid);
    expect(taker.stderr).toContain(
      `le processus ${dead} («${NBSP}npm run import:lheo -- flux.xml${NBSP}») s’est arrêté`,
    );
    expect(await rowsOf(taker)).toContain('second');

    // A CLI does not handle SIGTERM: the lock is removed and the process still ends by the signal.
    taker.child.kill('SIGTERM');
    expect(await taker.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(existsSync(lockPath)).toBe(false);

    // An entry point that handles SIGTERM itself (server.ts: requests, then the base, then exit) is
    // left to finish its shutdown: its last write is kept, and the lock goes at its exit.
    const graceful = holder('--graceful');
    await graceful.waitFor(/^READY$/m);
    graceful.child.kill('SIGTERM');
    expect(await graceful.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(lockPath)).toBe(false);

    const last = holder();
    await last.waitFor(/^READY$/m);
    expect(await rowsOf(last)).toContain('graceful');
    last.send('exit');
    expect((await last.exited).code).toBe(0);
  });
});

describe('acquireDataDirLock (in this process)', () => {
  const dir = () => mkdtempSync(join(work, 'unit-'));
  const writeLock = (d: string, owner: Partial<LockOwner>) =>
    writeFileSync(
      join(d, LOCK_FILE_NAME),
      JSON.stringify({
        hostname: hostname(),
        command: 'npm start',
        since: new Date().toISOString(),
        processStartedAt: new Date().toISOString(),
        token: 'autre',
        ...owner,
      }),
    );
  const refusal = (d: string) => {
    try {
      acquireDataDirLock(d);
    } catch (error) {
      return error;
    }
    throw new Error('the lock was taken');
  };

  it('creates the directory and its lock, refuses a second open even in the same process, and releases', () => {
    const d = join(dir(), 'a', 'b');
    const lock = acquireDataDirLock(d);
    const owner = JSON.parse(readFileSync(lock.path, 'utf8')) as LockOwner;
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(refusal(d)).toBeInstanceOf(DataDirLockedError);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    acquireDataDirLock(d).release();
  });

  it('respects a live process on this host, and any process on another host', () => {
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const d = dir();
      writeLock(d, { pid: alive.pid! });
      const error = refusal(d) as DataDirLockedError;
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect(error.owner?.pid).toBe(alive.pid);
      writeLock(d, { pid: deadPid(), hostname: 'autre-serveur' });
      expect(refusal(d)).toBeInstanceOf(DataDirLockedError);
    } finally {
      alive.kill('SIGKILL');
    }
  });

  it('takes over a lock whose pid is alive but started at another time (a reused pid)', () => {
    if (!existsSync('/proc/self/stat')) return;
    const d = dir();
    // process.ppid is alive; a lock saying it started a day ago is from a former owner of that pid.
    writeLock(d, { pid: process.ppid, processStartedAt: new Date(Date.now() - 86_400_000).toISOString() });
    const lock = acquireDataDirLock(d);
    expect((JSON.parse(readFileSync(lock.path, 'utf8')) as LockOwner).pid).toBe(process.pid);
    lock.release();
  });

  it('waits out an unreadable lock only while it may still be being written', () => {
    const d = dir();
    const path = join(d, LOCK_FILE_NAME);
    writeFileSync(path, '');
    const error = refusal(d) as DataDirLockedError;
    expect(error.owner).toBeNull();
    expect(error.message).toContain('fichier de verrou illisible');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    acquireDataDirLock(d).release();
  });

  it('never removes a lock that is not its own', () => {
    const d = dir();
    const lock = acquireDataDirLock(d);
    writeLock(d, { pid: 1, token: 'quelqu’un d’autre' });
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });
});

describe('lockedMessage', () => {
  const owner: LockOwner = {
    pid: 4242,
    hostname: 'srv-1',
    command: 'npm start',
    since: '2026-11-23T21:25:00.000Z',
    processStartedAt: '2026-11-23T21:24:58.000Z',
    token: 't',
  };
  const now = new Date('2026-11-23T22:30:30.000Z');

  it('says who holds the base, since when, and the ways forward, in French typography', () => {
    const text = lockedMessage({
      dataDir: '/srv/passerelle/pglite',
      lockPath: '/srv/passerelle/pglite/passerelle.lock',
      owner,
      now,
      timeZone: 'Europe/Paris',
    });
    expect(text).toContain(
      `La base embarquée /srv/passerelle/pglite est déjà ouverte par le processus 4242 («${NBSP}npm start${NBSP}») sur la machine srv-1 depuis le 23/11/2026 à 22:25:00 (il y a 1${NBSP}h 05${NBSP}min).`,
    );
    expect(text).toContain('kill 4242');
    expect(text).toContain('/formations/imports');
    expect(text).toContain('POST /api/v1/lheo-imports');
    expect(text).toContain('npm run import:lheo -- --server http://localhost:3000 --token psl_… FICHIER.xml');
    expect(text).toContain('supprimez le fichier /srv/passerelle/pglite/passerelle.lock');
    expect(text).not.toMatch(/ [:;!?]/);
  });

  it('still says what to do when the lock file cannot be read', () => {
    const text = lockedMessage({ dataDir: '/d', lockPath: '/d/passerelle.lock', owner: null, now });
    expect(text).toContain(`un autre processus (fichier de verrou illisible${NBSP}: /d/passerelle.lock)`);
    expect(text).toContain('arrêtez-le');
  });
});

describe('npm run import:lheo -- --server', PROCESSES, () => {
  let t: TestApp;
  let token: string;
  const feed = join(work, 'flux-serveur.xml');
  beforeAll(async () => {
    t = await createTestApp('pglite', { demo: true });
    await t.app.listen({ port: 3101, host: '127.0.0.1' });
    const admin = await new Browser(t.app).login('admin.francetravail@passerelle.demo');
    const me = await admin.api('GET', '/api/v1/me');
    const created = await admin.api('POST', `/api/v1/organisations/${me.json().organisationId}/api-tokens`, {
      name: 'Import en ligne de commande',
      role: 'administrateur',
    });
    expect(created.statusCode).toBe(201);
    token = created.json().token;
    const inputs = await feedInputs(t.db, DEMO_REGION_CODE);
    await pipeline(
      Readable.from(
        feedBytes({
          seed: 9,
          sessions: 12,
          appellations: inputs.appellations,
          communes: inputs.communes,
          today: '2026-11-23',
        }),
      ),
      createWriteStream(feed),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends the file to the running server, which imports it, while the data directory stays locked', async () => {
    // This process holds the directory the CLI would otherwise open: the CLI must not need it.
    const held = acquireDataDirLock(join(work, 'tenu'));
    try {
      const cli = new Proc(
        [
          'src/cli/import-lheo.ts',
          '--server',
          'http://127.0.0.1:3101',
          '--source',
          'flux-ft-cli',
          '--partial',
          feed,
        ],
        { PGLITE_DIR: join(work, 'tenu'), PASSERELLE_API_TOKEN: token },
      );
      const exit = await cli.exited;
      expect(cli.stderr).toBe('');
      expect(exit.code).toBe(0);
      const line = cli.stdout.match(
        /Import ([0-9a-f-]{36}) terminé sur http:\/\/127\.0\.0\.1:3101\u00a0: (\d+) formations créées/,
      );
      expect(line).not.toBeNull();
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from training where source = 'flux-ft-cli' and status = 'active'`.execute(
        t.db,
      );
      expect(rows[0]!.n).toBe(Number(line![2]));
      expect(rows[0]!.n).toBeGreaterThan(0);
      expect(cli.stdout).toContain(`Rapport${NBSP}: http://127.0.0.1:3101/`);
    } finally {
      held.release();
    }
  });

  it('says why the server refused: a wrong token, a broken file, an unreachable server', async () => {
    const wrong = new Proc([
      'src/cli/import-lheo.ts',
      '--server',
      'http://127.0.0.1:3101',
      '--token',
      'psl_faux',
      feed,
    ]);
    expect((await wrong.exited).code).toBe(1);
    expect(wrong.stderr).toContain('Le serveur a refusé l’import (HTTP 401');
    expect(wrong.stderr).toContain('Vérifiez le jeton (--token)');
    const down = new Proc([
      'src/cli/import-lheo.ts',
      '--server',
      'http://127.0.0.1:3111',
      '--token',
      token,
      feed,
    ]);
    expect((await down.exited).code).toBe(1);
    expect(down.stderr).toContain('Serveur injoignable à http://127.0.0.1:3111');
    const broken = join(work, 'casse.xml');
    writeFileSync(
      broken,
      '<?xml version="1.0"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>\n<formation>',
    );
    const refused = new Proc(
      ['src/cli/import-lheo.ts', '--server', 'http://127.0.0.1:3101', '--source', 'flux-ft-cli', broken],
      { PASSERELLE_API_TOKEN: token },
    );
    expect((await refused.exited).code).toBe(1);
    expect(refused.stderr).toMatch(
      /^Fichier refusé, rien n’a été modifié\u00a0: .+ \(ligne \d+, colonne \d+\)$/m,
    );
    expect(refused.stderr).toMatch(
      /^Rapport\u00a0: http:\/\/127\.0\.0\.1:3101\/formations\/imports\/[0-9a-f-]{36}/m,
    );
    expect(`${wrong.stderr}${down.stderr}${refused.stderr}`).not.toMatch(/^\s+at /m);
  });
});
