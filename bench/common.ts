/** What both benchmark scripts need: percentiles, the machine, a port probe, a demo login. */
import { connect } from 'node:net';
import { cpus, freemem, totalmem } from 'node:os';

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
