import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';

/**
 * One process at a time on an embedded (PGlite) data directory. PGlite is PostgreSQL running inside
 * the process, without the postmaster that refuses a second one on a real server: two processes on
 * one directory each believe they own its files. Measured (issue 9): `npm run import:lheo` while
 * `npm start` served the same directory succeeded, the server then answered 500 "tuple concurrently
 * updated", and after a restart the directory no longer opened (`RuntimeError: Aborted()`): all data
 * lost. The first process to open the directory creates this file atomically (`open(…, 'wx')`); any
 * other is refused before PGlite touches a byte.
 */
export const LOCK_FILE_NAME = 'passerelle.lock';

/** sysexits.h EX_TEMPFAIL: the command may succeed once the other process has stopped. */
export const DATA_DIR_LOCKED_EXIT_CODE = 75;

/** What the lock file holds, for the refusal message and the stale-lock check. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** How it was started, as its user would type it (`npm run import:lheo -- flux.xml`). */
  command: string;
  /** When it took the lock (ISO). */
  since: string;
  /** When the process itself started (ISO): a live pid that started at another time is a reused pid. */
  processStartedAt: string;
  /** Tells this process's own lock from a previous process that had the same pid (pid 1 in a container). */
  token: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file (idempotent); the process's exit does it too. */
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    readonly owner: LockOwner | null,
  ) {
    super(lockedMessage({ dataDir, lockPath, owner }));
    this.name = 'DataDirLockedError';
  }
}

/** Locks held by this process, by lock path: released together on exit and on a fatal signal. */
const held = new Map<string, string>();

/**
 * Takes the data directory's lock, or throws DataDirLockedError naming its holder. A lock whose
 * process is gone (same host, dead or reused pid) is stale and taken over; one from another host,
 * or one whose holder cannot be told, is respected: taking a live lock destroys the data, a stale
 * one only needs a `rm` that the message gives.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE_NAME);
  // PGlite creates its folder only if missing, and accepts it with our file inside (checked: initdb
  // runs in a folder that holds only the lock).
  mkdirSync(dir, { recursive: true });
  const token = randomUUID();
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    command: commandLine(),
    since: new Date().toISOString(),
    processStartedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    token,
  };
  // A second round follows the removal of a stale lock, or a lock released while it was being read.
  let tookOverStale = false;
  for (let round = 0; round < 3; round++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const content = readLock(path);
      if (content === null) continue;
      const existing = parseOwner(content);
      if (!tookOverStale && isStale(path, existing)) {
        tookOverStale = true;
        // Removed only if it still holds what was judged stale: another process that took it over
        // meanwhile keeps its fresh lock, and this one then meets that lock in the next round.
        if (readLock(path) === content) {
          unlinkLock(path);
          // Worth a line: its holder ended without closing the base (killed, out of memory), which
          // PostgreSQL then recovers from as after a crash.
          console.warn(
            existing
              ? `Verrou de ${dir} repris${NBSP}: le processus ${existing.pid} («${NBSP}${existing.command}${NBSP}») s’est arrêté sans le rendre.`
              : `Verrou illisible de ${dir} repris (laissé par un processus arrêté pendant son écriture).`,
          );
        }
        continue;
      }
      throw new DataDirLockedError(dir, path, existing);
    }
    try {
      writeSync(fd, `${JSON.stringify(owner, null, 2)}\n`);
    } catch (error) {
      // A full disk: no half-written lock left behind to block the next start.
      closeSync(fd);
      unlinkLock(path);
      throw error;
    }
    closeSync(fd);
    held.set(path, token);
    installReleaseHandlers();
    return { path, release: () => release(path) };
  }
  throw new DataDirLockedError(dir, path, parseOwner(readLock(path) ?? ''));
}

function release(path: string) {
  const token = held.get(path);
  if (token === undefined) return;
  held.delete(path);
  // Never removes a file that is not this process's own lock.
  const current = parseOwner(readLock(path) ?? '');
  if (current?.token === token) unlinkLock(path);
}

function releaseAll() {
  for (const path of [...held.keys()]) release(path);
}

let handlersInstalled = false;
const FATAL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * 'exit' covers a normal end and process.exit() (server.ts ends its clean shutdown with it). A
 * signal's default action kills the process without 'exit': when no one else listens for it (a
 * CLI), the lock is removed and the signal raised again, so the process still ends as killed by it;
 * when the entry point handles it (server.ts closes requests, then the base, then exits), this
 * handler stays out of its way. SIGKILL and out-of-memory leave the file: the next process finds
 * its pid dead and takes it over.
 */
function installReleaseHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', releaseAll);
  for (const signal of FATAL_SIGNALS) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      releaseAll();
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function unlinkLock(path: string) {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function parseOwner(content: string): LockOwner | null {
  try {
    const value = JSON.parse(content) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || typeof value.hostname !== 'string')
      return null;
    return {
      pid: value.pid,
      hostname: value.hostname,
      command: typeof value.command === 'string' ? value.command : '?',
      since: typeof value.since === 'string' ? value.since : '',
      processStartedAt: typeof value.processStartedAt === 'string' ? value.processStartedAt : '',
      token: typeof value.token === 'string' ? value.token : '',
    };
  } catch {
    return null;
  }
}

/**
 * A file left between `open` and `write` by a process killed right then is empty: past this age
 * nobody is still writing it.
 */
const UNREADABLE_LOCK_STALE_MS = 10_000;

/**
 * How far the start time read in /proc may differ from the one the holder recorded: /proc/stat's
 * btime has a one-second resolution and follows clock adjustments. Generous on purpose: a wrong
 * "stale" destroys data, a wrong "held" only asks for an `rm`.
 */
const START_TIME_TOLERANCE_MS = 60_000;

function isStale(path: string, owner: LockOwner | null): boolean {
  if (owner === null) {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_LOCK_STALE_MS;
    } catch {
      return true;
    }
  }
  // Another host's process cannot be checked from here (a data directory on a shared volume).
  if (owner.hostname !== hostname()) return false;
  // This pid is this process: the lock is its own (a second open in the same process, refused like
  // any other), or a previous process's that had the same pid (a restarted container's pid 1).
  if (owner.pid === process.pid) return owner.token !== held.get(path);
  if (!isAlive(owner.pid)) return true;
  const startedAt = processStartTime(owner.pid);
  const recorded = Date.parse(owner.processStartedAt);
  return (
    startedAt !== null &&
    Number.isFinite(recorded) &&
    Math.abs(startedAt - recorded) > START_TIME_TOLERANCE_MS
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A Linux process's start time (ms since the epoch) from /proc, or null where /proc cannot tell. */
function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: starttime is
    // field 22 of proc(5), in clock ticks (USER_HZ, 100 on Linux) since boot.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootSeconds = Number(readFileSync('/proc/stat', 'utf8').match(/^btime (\d+)$/m)?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return null;
    return bootSeconds * 1000 + ticks * 10;
  } catch {
    return null;
  }
}

/** The command as its user typed it: `npm run <script>` when npm started this script, else node's argv. */
function commandLine(): string {
  const script = process.argv[1] ? relative(process.cwd(), process.argv[1]) : '';
  const args = process.argv.slice(2);
  const event = process.env.npm_lifecycle_event;
  const npmScript = process.env.npm_lifecycle_script;
  // npm's variables are inherited by every descendant: they describe this process only when the
  // script npm ran is this one (a test or a benchmark spawning the server inherits its own).
  if (event && npmScript && script && npmScript.includes(script)) {
    const base = event === 'start' ? 'npm start' : `npm run ${event}`;
    return args.length ? `${base} -- ${args.join(' ')}` : base;
  }
  return ['node', script, ...args].filter(Boolean).join(' ');
}

const NBSP = '\u00a0';

/** Elapsed time in French words, to the minute: « 3 h 05 min », « 12 min », « moins d’une minute ». */
function elapsed(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'moins d’une minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days) return `${days}${NBSP}j ${hours}${NBSP}h`;
  if (hours) return `${hours}${NBSP}h ${String(rest).padStart(2, '0')}${NBSP}min`;
  return `${rest}${NBSP}min`;
}

/** Local time of this machine, where the person reading the message sits (or the zone given). */
const format = (date: Date, options: Intl.DateTimeFormatOptions, timeZone?: string) =>
  new Intl.DateTimeFormat('fr-FR', { ...options, ...(timeZone ? { timeZone } : {}) }).format(date);

/**
 * The refusal, for the person who typed the second command: who holds the directory, and the three
 * ways forward (stop it; import through the running server; or, for a holder that no longer exists
 * on another host, remove the file).
 */
export function lockedMessage(input: {
  dataDir: string;
  lockPath: string;
  owner: LockOwner | null;
  now?: Date;
  timeZone?: string;
}): string {
  const { owner, lockPath } = input;
  const now = input.now ?? new Date();
  const since = owner ? new Date(owner.since) : null;
  const when =
    since && Number.isFinite(since.getTime())
      ? ` depuis le ${format(since, { dateStyle: 'short' }, input.timeZone)} à ${format(
          since,
          { timeStyle: 'medium' },
          input.timeZone,
        )} (il y a ${elapsed(now.getTime() - since.getTime())})`
      : '';
  const holder = owner
    ? `le processus ${owner.pid} («${NBSP}${owner.command}${NBSP}») sur la machine ${owner.hostname}${when}`
    : `un autre processus (fichier de verrou illisible${NBSP}: ${lockPath})`;
  const stop = owner
    ? `arrêtez-le (Ctrl+C dans son terminal, ou kill ${owner.pid}), puis relancez cette commande${NBSP};`
    : `arrêtez-le, puis relancez cette commande${NBSP};`;
  return (
    `La base embarquée ${input.dataDir} est déjà ouverte par ${holder}.\n` +
    `Une base PGlite n’accepte qu’un processus à la fois${NBSP}: l’ouvrir une seconde fois corromprait ses données.\n` +
    `Que faire${NBSP}:\n` +
    `  – ${stop}\n` +
    `  – si c’est le serveur (npm start), importez un flux LHÉO par lui${NBSP}: page «${NBSP}Imports LHÉO${NBSP}» (/formations/imports), API POST /api/v1/lheo-imports, ou\n` +
    `    npm run import:lheo -- --server http://localhost:3000 --token psl_… FICHIER.xml${NBSP};\n` +
    `  – si ce processus n’existe plus (il tournait sur une autre machine), supprimez le fichier ${lockPath}.`
  );
}

/**
 * For an entry point (server, CLI): a held directory is a message for whoever ran the command, with
 * a non-zero exit, not a stack trace. Any other error goes on.
 */
export function exitOnDataDirLocked(error: unknown): never {
  if (error instanceof DataDirLockedError) {
    console.error(error.message);
    process.exit(DATA_DIR_LOCKED_EXIT_CODE);
  }
  throw error;
}
