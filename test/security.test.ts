/**
 * Issue 8: the login redirect (hole 5), CSRF bound to the session (hole 6), login throttling and
 * trusted proxies (hole 12), and the security headers, cookie flags and CSRF refusals that held
 * during the probes, kept here so that a regression fails.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseTrustProxy } from '../src/config.js';
import { DEMO_PASSWORD } from '../src/demo.js';
import { safeNext } from '../src/modules/identity/auth-pages.js';
import { loginThrottle } from '../src/modules/identity/login-throttle.js';
import { Browser, createTestApp, mergeCookies, type TestApp } from './app.js';
import { testEngines } from './databases.js';

const ORIGIN = 'http://passerelle.test';
const FT_ADMIN = 'admin.francetravail@passerelle.demo';
const CONSEILLER = 'conseiller.missionlocale@passerelle.demo';
const SUPER = 'superadmin@passerelle.demo';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Where a browser goes with this Location: the WHATWG parser drops tabs and newlines and reads `\` as `/`. */
const landsOnOrigin = (location: string, origin = ORIGIN) => new URL(location, origin).origin === origin;

/** Known open-redirect bypasses, as written in a query string (so percent-encoded where a browser would). */
const HOSTILE_NEXT = [
  '/%09/evil.com',
  '//evil.com',
  '/%5Cevil.com',
  '%5C/evil.com',
  '/\\evil.com',
  '\\/evil.com',
  '/%2F/evil.com',
  '%2F%2Fevil.com',
  '/.//evil.com',
  '/..//evil.com',
  '/a/..//evil.com',
  '/%2e//evil.com',
  '///evil.com',
  '/%0D%0AX',
  '/%0D%0ASet-Cookie:%20x=1',
  '/%00',
  '/%E2%80%AE//evil.com',
  '/%C3%A9t%C3%A9',
  '/%',
  'https://evil.com',
  'http:evil.com',
  'HTTPS://evil.com',
  'javascript:alert(1)',
  'data:text/html,x',
  ' //evil.com',
  `/${'a'.repeat(10_000)}`,
  `//${'a'.repeat(10_000)}`,
];
/** [label, value] rows for it.each, the label short enough to read. */
const rows = (values: string[]) =>
  values.map((v) => [v.length > 40 ? `${v.slice(0, 12)}… (${v.length} caractères)` : v, v]);

describe('safeNext: a redirect target taken from user input', () => {
  it('keeps a path of this site with its query and fragment', () => {
    expect(safeNext('/formations?q=soudure&page=2#r', ORIGIN)).toBe('/formations?q=soudure&page=2#r');
    expect(safeNext('/organisations', 'https://passerelle.example/')).toBe('/organisations');
  });

  it.each(rows(HOSTILE_NEXT))('never leaves the origin, raw or decoded: %s', (_label, raw) => {
    for (const value of [raw, safeDecode(raw)]) {
      const next = safeNext(value, ORIGIN);
      expect(next.startsWith('/') && !next.startsWith('//')).toBe(true);
      expect(landsOnOrigin(next)).toBe(true);
      // ASCII only, no control character, no backslash: a valid Location header.
      expect([...next].every((c) => c > ' ' && c < '\u007f' && c !== '\\')).toBe(true);
    }
  });

  it('answers / for what is not a string (a repeated query parameter)', () => {
    expect(safeNext(['/a', '//evil.com'], ORIGIN)).toBe('/');
    expect(safeNext(undefined, ORIGIN)).toBe('/');
  });
});

function safeDecode(value: string) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

describe('loginThrottle', () => {
  it('lifts the lock when the window ends, and clears on demand', () => {
    let now = 0;
    const throttle = loginThrottle({ max: 2, windowMs: 60_000 }, () => now);
    throttle.failed('a');
    throttle.failed('a');
    expect(throttle.retryAfterSeconds('a')).toBe(60);
    expect(throttle.retryAfterSeconds('b')).toBe(0);
    now = 60_000;
    expect(throttle.retryAfterSeconds('a')).toBe(0);
    throttle.failed('a');
    throttle.failed('a');
    expect(throttle.retryAfterSeconds('a')).toBeGreaterThan(0);
    throttle.clear('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });
});

describe('TRUST_PROXY', () => {
  it('takes nothing, a hop count or addresses and CIDR ranges', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.2, 192.168.0.0/16,::1,fd00::/8,loopback')).toEqual([
      '10.0.0.2',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses `true` at startup, saying what to write instead', () => {
    const root = mkdtempSync(join(tmpdir(), 'passerelle-config-'));
    const env = { SESSION_SECRET: 's'.repeat(32), TRUST_PROXY: 'true' };
    expect(() => loadConfig(env, root)).toThrow(/TRUST_PROXY=true n’est plus accepté.*TRUST_PROXY=1/);
    expect(() => parseTrustProxy('10.0.0.300,proxy')).toThrow(
      /« 10\.0\.0\.300, proxy » n’est ni une adresse IP/,
    );
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/TRUST_PROXY/);
  });
});

describe.each(testEngines())('security on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
  });
  afterAll(() => t.close());

  // Hole 5 ---------------------------------------------------------------------------------------
  describe('redirect after login (hole 5)', () => {
    let signedIn: Browser;
    beforeAll(async () => {
      signedIn = await new Browser(t.app).login(CONSEILLER);
    });

    it.each(rows(HOSTILE_NEXT))('GET /connexion?suite=%s: no 5xx, no off-site link', async (_label, raw) => {
      const anonymous = await t.app.inject({
        url: `/connexion?suite=${raw}`,
        headers: { accept: 'text/html' },
      });
      // A value the edge refuses (control characters, issue 8 hole 7) is a 400, never followed.
      expect([200, 400]).toContain(anonymous.statusCode);
      if (anonymous.statusCode === 200) {
        const hidden = anonymous.body.match(/name="suite" value="([^"]*)"/)![1]!;
        expect(landsOnOrigin(hidden.replaceAll('&amp;', '&'))).toBe(true);
      }

      const res = await signedIn.get(`/connexion?suite=${raw}`);
      expect(res.statusCode).toBeLessThan(500);
      expect(landsOnOrigin(String(res.headers.location))).toBe(true);
    });

    // A form field is sent as typed: both the encoded and the decoded spelling reach the server.
    const spellings = [...new Set(HOSTILE_NEXT.flatMap((raw) => [raw, safeDecode(raw)]))];
    it.each(rows(spellings))(
      'POST /connexion with suite=%s: no 5xx, no Location off the origin',
      async (_label, suite) => {
        const b = new Browser(t.app);
        await b.get('/connexion');
        const ok = await b.post('/connexion', { email: CONSEILLER, password: DEMO_PASSWORD, suite });
        // Signed in and sent home or to a path of the site, or refused at the edge (a control
        // character in the field, issue 8 hole 7): never a 5xx, never off the origin.
        expect([303, 400]).toContain(ok.statusCode);
        if (ok.statusCode === 303) expect(landsOnOrigin(String(ok.headers.location))).toBe(true);
      },
    );

    it('still follows a path of the site', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion?suite=%2Fformations%3Fq%3Dsoudure');
      const res = await b.post('/connexion', {
        email: CONSEILLER,
        password: DEMO_PASSWORD,
        suite: '/formations?q=soudure',
      });
      expect(res.headers.location).toBe('/formations?q=soudure');
    });
  });

  // Hole 6 ---------------------------------------------------------------------------------------
  describe('CSRF token bound to the session (hole 6)', () => {
    const cookie = (jar: string, name: string) => jar.split('; ').find((c) => c.startsWith(`${name}=`))!;
    const profile = (cookies: string, csrf: string) =>
      t.app.inject({
        method: 'POST',
        url: '/mon-compte/profil',
        payload: new URLSearchParams({ _csrf: csrf, firstName: 'Alice', lastName: 'Martin' }).toString(),
        headers: {
          cookie: cookies,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
      });

    it("refuses a victim's session with the attacker's own cookie/token pair, naming _csrf", async () => {
      const victim = await new Browser(t.app).login(FT_ADMIN);
      const attacker = await new Browser(t.app).login(CONSEILLER);
      await attacker.get('/mon-compte');
      const anonymous = new Browser(t.app);
      await anonymous.get('/connexion');
      for (const pair of [attacker, anonymous]) {
        const forged = `${cookie(victim.cookies, 'passerelle_session')}; ${cookie(pair.cookies, 'passerelle_csrf')}`;
        const res = await profile(forged, pair.csrf);
        expect(res.statusCode).toBe(403);
        expect(res.json().field).toBe('_csrf');
      }
      // The victim's own pair works.
      await victim.get('/mon-compte');
      expect((await profile(victim.cookies, victim.csrf)).statusCode).toBe(303);
    });

    it('rotates the secret at login and logout; a token from before does not serve after', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      const anonymousSecret = cookie(b.cookies, 'passerelle_csrf');
      const anonymousToken = b.csrf;
      const login = await b.post('/connexion', { email: CONSEILLER, password: DEMO_PASSWORD });
      expect(login.statusCode).toBe(303);
      expect(cookie(b.cookies, 'passerelle_csrf')).not.toBe(anonymousSecret);
      // The pre-login secret and token, carried into the session, are refused.
      const withOld = `${cookie(b.cookies, 'passerelle_session')}; ${anonymousSecret}`;
      expect((await profile(withOld, anonymousToken)).statusCode).toBe(403);

      await b.get('/mon-compte');
      const sessionSecret = cookie(b.cookies, 'passerelle_csrf');
      const sessionToken = b.csrf;
      const logout = await b.post('/deconnexion', {});
      expect(logout.statusCode).toBe(303);
      expect(cookie(b.cookies, 'passerelle_csrf')).not.toBe(sessionSecret);
      // The session's token does not serve the anonymous forms that follow.
      const res = await t.app.inject({
        method: 'POST',
        url: '/mot-de-passe/oubli',
        payload: new URLSearchParams({ _csrf: sessionToken, email: CONSEILLER }).toString(),
        headers: {
          cookie: sessionSecret,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
      expect(res.statusCode).toBe(403);
    });
  });

  // CSRF on every unsafe route ---------------------------------------------------------------------
  describe('CSRF on every state change from a browser', () => {
    const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, randomUUID());
    const post = (method: string, url: string, cookies: string) =>
      t.app.inject({
        method: method as 'POST',
        url: concrete(url),
        payload: 'a=b',
        headers: {
          cookie: cookies,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
      });

    it('refuses every unsafe route, page or API, posted with a session cookie and no token: 403 naming _csrf', async () => {
      const b = await new Browser(t.app).login(SUPER);
      const unsafe = t.app.routeTable.filter((r) => UNSAFE.has(r.method));
      expect(unsafe.length).toBeGreaterThan(10);
      for (const route of unsafe) {
        const res = await post(route.method, route.url, b.cookies);
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
        expect(res.json().field, `${route.method} ${route.url}`).toBe('_csrf');
      }
    });

    it('refuses the anonymous forms posted without a token', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      for (const route of t.app.routeTable.filter((r) => UNSAFE.has(r.method) && r.access === 'public')) {
        const res = await post(route.method, route.url, b.cookies);
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
        expect(res.json().field).toBe('_csrf');
      }
    });
  });
});

// Hole 12 ----------------------------------------------------------------------------------------
describe.each(testEngines())('login throttling and trusted proxies on %s (hole 12)', (engine) => {
  const ipsOf = async (t: TestApp, email: string) => {
    const { rows } = await sql<{ ip: string; reason: string }>`
      select ip, details->>'reason' as reason from audit_log
      where action = 'auth.login_failed' and lower(actor_label) = ${email} order by id`.execute(t.db);
    return rows;
  };
  const attempt = (
    t: TestApp,
    b: Browser,
    email: string,
    password: string,
    forwardedFor: string,
    accept = 'text/html',
  ) =>
    t.app.inject({
      method: 'POST',
      url: '/connexion',
      payload: new URLSearchParams({ _csrf: b.csrf, email, password }).toString(),
      headers: {
        cookie: b.cookies,
        accept,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': forwardedFor,
      },
    });

  describe('behind one trusted proxy (TRUST_PROXY=1)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(engine, {
        demo: true,
        config: { trustProxy: 1, loginAccountLimit: { max: 3, windowMs: 15 * 60_000 } },
      });
    });
    afterAll(() => t.close());

    it('rotating X-Forwarded-For does not escape the per-account limit; the audit log has the address the proxy saw', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      const codes = [];
      const seen = [];
      for (let i = 1; i <= 3; i++) {
        const email = i === 2 ? CONSEILLER.toUpperCase() : ` ${CONSEILLER}`;
        seen.push(`203.0.113.${i}`);
        codes.push((await attempt(t, b, email, 'mauvais', `10.9.9.${i}, 203.0.113.${i}`)).statusCode);
      }
      expect(codes).toEqual([401, 401, 401]);
      // Locked for this account from any address, even with the right password; in French.
      const page = await attempt(t, b, CONSEILLER, DEMO_PASSWORD, '198.51.100.7');
      expect(page.statusCode).toBe(429);
      expect(Number(page.headers['retry-after'])).toBeGreaterThan(14 * 60);
      expect(Number(page.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      expect(page.body).toContain('Trop de tentatives de connexion pour ce compte');
      const problem = await attempt(t, b, CONSEILLER, DEMO_PASSWORD, '198.51.100.8', 'application/json');
      expect(problem.statusCode).toBe(429);
      expect(problem.headers['content-type']).toContain('application/problem+json');
      expect(problem.json().detail).toContain('Trop de tentatives');
      // Another account is not affected.
      expect((await attempt(t, b, FT_ADMIN, DEMO_PASSWORD, '198.51.100.9')).statusCode).toBe(303);

      const rows = await ipsOf(t, CONSEILLER);
      expect(rows.map((r) => r.ip)).toEqual([...seen, '198.51.100.7', '198.51.100.8'].map(String));
      expect(rows.at(-1)!.reason).toBe('trop de tentatives');
    });

    it('a successful password reset lifts the lock', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      expect((await attempt(t, b, CONSEILLER, DEMO_PASSWORD, '198.51.100.10')).statusCode).toBe(429);
      await b.get('/mot-de-passe/oubli');
      await b.post('/mot-de-passe/oubli', { email: CONSEILLER });
      const link = t.mailer.sent.at(-1)!.text.match(/jeton=(\S+)/)![1]!;
      await b.get(`/mot-de-passe/nouveau?jeton=${link}`);
      const set = await b.post('/mot-de-passe/nouveau', {
        jeton: decodeURIComponent(link),
        password: 'Nouveau-Mot-2026!',
      });
      expect(set.statusCode).toBe(303);
      await b.get('/connexion');
      expect((await attempt(t, b, CONSEILLER, 'Nouveau-Mot-2026!', '198.51.100.11')).statusCode).toBe(303);
    });
  });

  it('ignores X-Forwarded-For without a trusted proxy: the per-IP limit holds, in French', async () => {
    const t = await createTestApp(engine, { config: { loginRateLimit: { max: 3, windowMs: 60_000 } } });
    try {
      // Over HTTP too: no HSTS, no Secure cookie, no __Host- prefix.
      const first = await t.app.inject({ url: '/connexion', headers: { accept: 'text/html' } });
      expect(first.headers['strict-transport-security']).toBeUndefined();
      expect(first.cookies.map((c) => [c.name, c.secure, c.httpOnly])).toEqual([
        ['passerelle_csrf', undefined, true],
      ]);

      const b = new Browser(t.app);
      await b.get('/connexion');
      const codes = [];
      for (let i = 1; i <= 4; i++) {
        codes.push((await attempt(t, b, `x${i}@passerelle.test`, 'z', `203.0.113.${i}`)).statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429]);
      expect((await ipsOf(t, 'x1@passerelle.test')).map((r) => r.ip)).toEqual(['127.0.0.1']);
      const page = await attempt(t, b, 'x5@passerelle.test', 'z', '203.0.113.5');
      expect(page.statusCode).toBe(429);
      expect(page.body).toContain('Trop de tentatives');
      const problem = await attempt(t, b, 'x5@passerelle.test', 'z', '203.0.113.6', 'application/json');
      expect(problem.headers['content-type']).toContain('application/problem+json');
      expect(problem.json().detail).toContain('Trop de tentatives');
    } finally {
      await t.close();
    }
  });
});

// Headers and cookies ----------------------------------------------------------------------------
describe.each(testEngines())('security headers and cookie flags on %s', (engine) => {
  describe('over HTTPS (PUBLIC_URL https://…)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(engine, {
        demo: true,
        config: {
          publicUrl: 'https://passerelle.example',
          secureCookies: true,
          trustProxy: ['127.0.0.1', '10.0.0.0/8'],
        },
      });
    });
    afterAll(() => t.close());

    it('believes only the listed proxies (TRUST_PROXY=addresses): the right-most address they did not add', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      await t.app.inject({
        method: 'POST',
        url: '/connexion',
        payload: new URLSearchParams({ _csrf: b.csrf, email: 'x@passerelle.test', password: 'z' }).toString(),
        headers: {
          cookie: b.cookies,
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': '6.6.6.6, 203.0.113.50, 10.1.2.3',
        },
      });
      const { rows: audit } = await sql<{ ip: string }>`
        select ip from audit_log where actor_label = 'x@passerelle.test'`.execute(t.db);
      expect(audit.map((r) => r.ip)).toEqual(['203.0.113.50']);
    });

    it('sends CSP, frame, nosniff, referrer and HSTS headers', async () => {
      const res = await t.app.inject({ url: '/connexion', headers: { accept: 'text/html' } });
      const csp = String(res.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        'upgrade-insecure-requests',
      ]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toMatch(
        /^(no-referrer|same-origin|strict-origin(-when-cross-origin)?)$/,
      );
      const hsts = String(res.headers['strict-transport-security']);
      expect(Number(hsts.match(/max-age=(\d+)/)?.[1])).toBeGreaterThanOrEqual(180 * 24 * 3600);
    });

    it('sets every cookie HttpOnly, SameSite, Secure, Path=/ with the __Host- prefix, and clears them alike', async () => {
      const b = new Browser(t.app);
      const page = await t.app.inject({ url: '/connexion', headers: { accept: 'text/html' } });
      b.cookies = mergeCookies('', page);
      b.csrf = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
      const login = await b.post('/connexion', { email: CONSEILLER, password: DEMO_PASSWORD });
      expect(login.statusCode).toBe(303);
      await b.get('/mon-compte');
      const logout = await b.post('/deconnexion', {});
      expect(logout.statusCode).toBe(303);

      const set = [page, login, logout].flatMap((r) => r.cookies);
      expect(set.map((c) => c.name).sort()).toEqual(
        [
          '__Host-passerelle_csrf',
          '__Host-passerelle_csrf',
          '__Host-passerelle_csrf',
          '__Host-passerelle_session',
          '__Host-passerelle_session',
        ].sort(),
      );
      for (const c of set) {
        expect(c, c.name).toMatchObject({ httpOnly: true, secure: true, path: '/' });
        expect(c.domain, c.name).toBeUndefined();
        expect(c.sameSite, c.name).toBe(c.name.endsWith('csrf') ? 'Strict' : 'Lax');
      }
    });
  });
});
