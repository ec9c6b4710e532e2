/** What both benchmark scripts need: the server, the load, percentiles, the machine, a demo login. */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { type CompiledQuery, sql } from 'kysely';
import { type Db, kyselyForPostgres } from '../src/db/database.js';

/** The p-th percentile (nearest rank) of unsorted values, in ms rounded to 0.01. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return Math.round(value * 100) / 100;
}

export function percentiles(values: number[]) {
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: percentile(values, 100),
  };
}

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'inconnu',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    // The benchmark machine may be shared: the load says how much of it others were using.
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function portOpen(port: number) {
  return new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.end();
      done(true);
    });
    socket.on('error', () => done(false));
  });
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/** Logs the demo counsellor in through the login form (CSRF included) and returns the session cookie. */
export async function loginCookie(port: number): Promise<string> {
  const page = await fetch(`http://127.0.0.1:${port}/connexion`);
  const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  const res = await fetch(`http://127.0.0.1:${port}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookiesOf(page), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: csrf,
      email: 'conseiller.missionlocale@passerelle.demo',
      password: 'Passerelle-Demo-2026!',
    }),
  });
  if (res.status !== 303) throw new Error(`connexion impossible (${res.status})`);
  return cookiesOf(res);
}

const ROOT = resolve(import.meta.dirname, '..');

/** Starts the real server (child process) and waits until it answers /ready. */
export async function startServer(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(`  [serveur] ${chunk}`));
  const started = Date.now();
  while (Date.now() - started < 180_000) {
    if (child.exitCode !== null) throw new Error(`le serveur s’est arrêté (code ${child.exitCode})`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error('le serveur n’a pas démarré en 3 minutes');
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export interface LoadOptions {
  port: number;
  paths: string[];
  connections: number;
  /** Requests per second for the whole run; omitted = as fast as the server answers. */
  rate?: number;
  headers?: Record<string, string>;
  /** Send exactly this many requests instead of running for DURATION seconds. */
  amount?: number;
}

/** Drives the server with autocannon over `paths` in turn; latencies as percentiles. */
export async function loadTest(options: LoadOptions) {
  const latencies: number[] = [];
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: Number(process.env.BENCH_DURATION ?? 10) }),
    ...(options.rate ? { overallRate: options.rate } : {}),
    headers: options.headers,
    requests: [
      {
        setupRequest: (req) => {
          req.path = options.paths[next++ % options.paths.length]!;
          return req;
        },
      },
    ],
    setupClient: (client) => {
      client.on('response', (_status: number, _bytes: number, responseTime: number) =>
        latencies.push(responseTime),
      );
    },
  });
  return {
    connections: options.connections,
    targetRate: options.rate ?? null,
    durationSeconds: Math.round(result.duration * 10) / 10,
    requests: result.requests.total,
    throughput: Math.round((result.requests.total / result.duration) * 10) / 10,
    latencyMs: percentiles(latencies),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * Runs `bench` on a database of its own (created, then dropped) when a PostgreSQL server answers
 * (BENCH_DATABASE_URL, or 127.0.0.1:5432); false when there is none.
 */
export async function onThrowawayPostgres(
  name: string,
  bench: (env: Record<string, string>) => Promise<void>,
): Promise<boolean> {
  const pgUrl =
    process.env.BENCH_DATABASE_URL ??
    ((await portOpen(5432)) ? 'postgres://postgres@127.0.0.1:5432/test' : '');
  if (!pgUrl) return false;
  const admin = kyselyForPostgres(pgUrl, 1);
  await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  try {
    await bench({
      DATABASE_URL: url.toString(),
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    });
  } finally {
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
    await admin.destroy();
  }
  return true;
}

export interface OpenLoopOptions {
  port: number;
  paths: string[];
  /** Arrivals per second, at fixed times whatever the answers do. */
  rate: number;
  seconds: number;
  headers?: Record<string, string>;
  /** First path used (each step goes on through the list instead of repeating its start). */
  offset?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Open loop: request i is due at start + i / rate and is sent then, whether earlier ones were
 * answered or not; its latency counts from the time it was due, not from the time it was sent
 * (a sender late because the machine is busy does not hide the wait: "coordinated omission").
 * A closed loop (autocannon's connections, even with overallRate) stops sending while the server
 * is slow, and reports latencies only of the requests it managed to send. Past a backlog of two
 * seconds of arrivals the step stops (the rate is already failed) so that the next step does not
 * start on a server still draining; requests not answered count at the time waited so far.
 */
export async function openLoop(options: OpenLoopOptions) {
  return openLoopCalls(options.rate, options.seconds, async (i) => {
    const path = options.paths[((options.offset ?? 0) + i) % options.paths.length]!;
    const res = await fetch(`http://127.0.0.1:${options.port}${path}`, { headers: options.headers });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  });
}

/**
 * The open loop above with any call (an HTTP request, a function in process): call i is due at
 * start + i / rate and made then; a call that throws counts as an error.
 */
export async function openLoopCalls(rate: number, seconds: number, call: (i: number) => Promise<unknown>) {
  const count = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  let errors = 0;
  let inFlight = 0;
  let sent = 0;
  let maxSendLagMs = 0;
  let stoppedEarly = false;
  const pending: Promise<void>[] = [];
  const start = performance.now() + 20;
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (inFlight > rate * 2) {
      stoppedEarly = true;
      break;
    }
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    inFlight++;
    sent++;
    pending.push(
      call(i).then(
        () => {
          inFlight--;
          latencies.push(performance.now() - due);
        },
        () => {
          inFlight--;
          errors++;
        },
      ),
    );
  }
  const sentFor = (performance.now() - start) / 1000;
  const waitUntil = performance.now() + 30_000;
  await Promise.race([Promise.all(pending), sleep(30_000)]);
  // Unanswered after 30 s: counted at what they waited (a lower bound), so they fail the target.
  const unanswered = sent - latencies.length - errors;
  for (let i = 0; i < unanswered; i++) latencies.push(waitUntil - start);
  return {
    targetRate: rate,
    sent,
    sentPerSecond: Math.round((sent / Math.max(0.001, sentFor)) * 10) / 10,
    latencyMs: percentiles(latencies),
    errors,
    unanswered,
    stoppedEarly,
    maxSendLagMs: Math.round(maxSendLagMs * 10) / 10,
  };
}

/**
 * The highest arrival rate whose p95 stays within `p95Ms` (no error, no step stopped early): the
 * rate doubles from `startRate` until a step fails, then the interval between the best passed and
 * the first failed is halved until it is within 10 % (or `maxSteps` steps).
 */
export async function highestRate(options: {
  startRate: number;
  p95Ms: number;
  maxSteps?: number;
  step: (rate: number, index: number) => Promise<Awaited<ReturnType<typeof openLoop>>>;
}) {
  const steps: Awaited<ReturnType<typeof openLoop>>[] = [];
  let passed = 0;
  let failed = Number.POSITIVE_INFINITY;
  let rate = options.startRate;
  while (steps.length < (options.maxSteps ?? 9)) {
    const result = await options.step(rate, steps.length);
    steps.push(result);
    const ok = result.latencyMs.p95 <= options.p95Ms && result.errors === 0 && !result.stoppedEarly;
    console.log(`  ${rate}/s : p95 ${result.latencyMs.p95} ms ${ok ? 'tenu' : 'dépassé'}`);
    if (ok) passed = Math.max(passed, rate);
    else failed = Math.min(failed, rate);
    if (failed === Number.POSITIVE_INFINITY) rate *= 2;
    else {
      if (failed - passed <= Math.max(2, passed * 0.1)) break;
      rate = Math.round((passed + failed) / 2);
    }
    // A pause between steps: the server's queues and the database's background work settle.
    await sleep(2_000);
  }
  return { p95TargetMs: options.p95Ms, highestRatePerSecond: passed, firstFailedRate: failed, steps };
}

/** The statements a call sends, captured on their way to the database (to EXPLAIN them). */
export function capturing(db: Db, into: CompiledQuery[]): Db {
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'getExecutor')
        return () => {
          const executor = target.getExecutor();
          return new Proxy(executor, {
            get(e, p) {
              const v = Reflect.get(e, p, e);
              if (p === 'executeQuery')
                return (query: CompiledQuery, ...rest: unknown[]) => {
                  into.push(query);
                  return (v as (...a: unknown[]) => unknown).call(e, query, ...rest);
                };
              return typeof v === 'function' ? v.bind(e) : v;
            },
          });
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
