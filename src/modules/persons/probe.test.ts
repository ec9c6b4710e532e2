import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { firstAppellation, member, organisation } from '../../../test/persons-fixtures.js';

/**
 * Issue 10 probed as a hostile partner: another organisation's member sends a file's id to every
 * persons route, a shared organisation hunts for the sensitive facets through every path, odd ids
 * and query values, and the person space's links replayed, expired, or for an erased file.
 */
describe.each(testEngines())('persons probed as a hostile partner on %s', (engine) => {
  let t: TestApp;
  let holder: Browser;
  let shared: Browser;
  let stranger: Browser;
  let appellation = '';
  const orgs = { holder: '', shared: '', stranger: '' };
  let id = '';
  /** Words that give a sensitive facet away: codes, labels, the note. */
  const SENSITIVE = [/\brsa\b/i, /\brqth\b/i, /\bsante\b/i, /santé/i, /justice/i, /Secret-Note/, /\baah\b/i];

  const personBody = (over: Record<string, unknown> = {}) => ({
    lastName: 'Sondeur',
    firstName: 'Paule',
    birthDate: '1988-07-01',
    email: 'paule.sondeur@exemple.fr',
    situations: ['rsa', 'rqth', 'qpv'],
    barriers: ['sante', 'justice', 'mobilite'],
    wantedJobs: [appellation],
    notes: 'Secret-Note suivi addictologie',
    legalBasis: 'public_service',
    informedOn: '2026-01-05',
    ...over,
  });
  const audits = async (personId: string) =>
    (
      await sql<{ n: number }>`
        select count(*)::int as n from audit_log where subject_id = ${personId} and actor_organisation_id is not null`.execute(
        t.db,
      )
    ).rows[0]!.n;

  beforeAll(async () => {
    t = await createTestApp(engine);
    orgs.holder = await organisation(t.db, 'mission_locale');
    orgs.shared = await organisation(t.db, 'cap_emploi');
    orgs.stranger = await organisation(t.db, 'structure_accompagnement');
    holder = await new Browser(t.app).login(await member(t.db, orgs.holder));
    shared = await new Browser(t.app).login(await member(t.db, orgs.shared));
    stranger = await new Browser(t.app).login(await member(t.db, orgs.stranger));
    appellation = await firstAppellation(t.db);
    const res = await holder.api('POST', '/api/v1/persons', personBody());
    expect(res.statusCode).toBe(201);
    id = res.json().id;
    // An edit of the sensitive facets, so the history has something to give away.
    expect(
      (
        await holder.api('PATCH', `/api/v1/persons/${id}`, {
          version: 1,
          situations: ['rsa', 'aah', 'qpv'],
          notes: 'Secret-Note 2',
        })
      ).statusCode,
    ).toBe(200);
    const share = await holder.api('POST', `/api/v1/persons/${id}/shares`, {
      organisationId: orgs.shared,
      consentOn: '2026-01-10',
    });
    expect(share.statusCode).toBe(201);
    for (const b of [holder, shared, stranger]) await b.get('/personnes');
  });
  afterAll(() => t.close());

  it('refuses every file route to an organisation it was not shared with, writing nothing', async () => {
    const before = await sql<{ version: number }>`select version from person where id = ${id}`.execute(t.db);
    const auditBefore = await audits(id);
    const probes: [string, () => ReturnType<Browser['api']>][] = [
      ['GET api', () => stranger.api('GET', `/api/v1/persons/${id}`)],
      ['PATCH api', () => stranger.api('PATCH', `/api/v1/persons/${id}`, { version: 2, notes: 'x' })],
      [
        'share api',
        () =>
          stranger.api('POST', `/api/v1/persons/${id}/shares`, {
            organisationId: orgs.stranger,
            consentOn: '2026-01-10',
          }),
      ],
      ['history api', () => stranger.api('GET', `/api/v1/persons/${id}/history`)],
      ['export api', () => stranger.api('GET', `/api/v1/persons/${id}/export`)],
      ['erasure api', () => stranger.api('POST', `/api/v1/persons/${id}/erasure`, { confirm: 'Sondeur' })],
      ['file page', () => stranger.get(`/personnes/${id}`)],
      ['history page', () => stranger.get(`/personnes/${id}/historique`)],
      ['edit page', () => stranger.get(`/personnes/${id}/modifier`)],
      ['edit post', () => stranger.post(`/personnes/${id}/modifier`, { version: '2', lastName: 'X' })],
      ['share page', () => stranger.get(`/personnes/${id}/partage`)],
      [
        'share post',
        () =>
          stranger.post(`/personnes/${id}/partage`, {
            organisationId: orgs.stranger,
            consentOn: '2026-01-10',
          }),
      ],
      ['data page', () => stranger.get(`/personnes/${id}/donnees`)],
      ['export json', () => stranger.get(`/personnes/${id}/export.json`)],
      ['export page', () => stranger.get(`/personnes/${id}/export`)],
      ['invitation', () => stranger.post(`/personnes/${id}/invitation`, {})],
      ['erasure post', () => stranger.post(`/personnes/${id}/effacement`, { confirm: 'Sondeur' })],
    ];
    for (const [name, probe] of probes) {
      const res = await probe();
      expect(res.statusCode, name).toBe(403);
      expect(res.body, name).not.toContain('Paule');
      for (const word of SENSITIVE) expect(res.body, name).not.toMatch(word);
    }
    // The shared organisation reads, but neither exports, erases, invites nor shares onwards.
    for (const [name, res] of [
      ['shared export', await shared.api('GET', `/api/v1/persons/${id}/export`)],
      ['shared erasure', await shared.api('POST', `/api/v1/persons/${id}/erasure`, { confirm: 'Sondeur' })],
      ['shared invitation', await shared.post(`/personnes/${id}/invitation`, {})],
      [
        'shared share',
        await shared.api('POST', `/api/v1/persons/${id}/shares`, {
          organisationId: orgs.stranger,
          consentOn: '2026-01-10',
        }),
      ],
    ] as const)
      expect(res.statusCode, name).toBe(403);
    const after = await sql<{ version: number }>`select version from person where id = ${id}`.execute(t.db);
    expect(after.rows[0]!.version).toBe(before.rows[0]!.version);
    // No read was recorded as made: nothing was read.
    expect(await audits(id)).toBe(auditBefore);
    const shares = await sql<{
      n: number;
    }>`select count(*)::int as n from person_share where person_id = ${id}`.execute(t.db);
    expect(shares.rows[0]!.n).toBe(1);
  });

  it('gives a shared organisation no sensitive facet through the file, its history or the list', async () => {
    const paths = [
      () => shared.api('GET', `/api/v1/persons/${id}`),
      () => shared.api('GET', `/api/v1/persons/${id}/history`),
      () => shared.get(`/personnes/${id}`),
      () => shared.get(`/personnes/${id}/historique`),
      () => shared.api('GET', '/api/v1/persons?q=sondeur'),
      () => shared.get('/personnes?q=sondeur'),
    ];
    for (const path of paths) {
      const res = await path();
      expect(res.statusCode).toBe(200);
      if (!res.raw.req.url?.includes('histor')) expect(res.body).toMatch(/sondeur/i);
      // The list page's filter names the sensitive situations (as options): its rows must not.
      const shown = res.body.includes('<tbody') ? res.body.slice(res.body.indexOf('<tbody')) : res.body;
      for (const word of SENSITIVE) expect(shown, `${res.raw.req.url} ${word}`).not.toMatch(word);
    }
    // The history names the fields changed: not those that may hold a sensitive facet (the fact
    // that the situations changed while the shared ones did not tells that a sensitive one did).
    const fieldsOf = async (b: Browser) =>
      (await b.api('GET', `/api/v1/persons/${id}/history`))
        .json()
        .find((h: { action: string }) => h.action === 'person.updated').fields;
    expect(await fieldsOf(shared)).toEqual([]);
    expect(await fieldsOf(holder)).toEqual(['situations', 'notes']);
    // A sensitive situation filter does not sort the shared files into RSA and not RSA.
    for (const situation of ['rsa', 'aah', 'rqth', 'ass']) {
      const api = await shared.api('GET', `/api/v1/persons?situation=${situation}`);
      expect(api.statusCode).toBe(200);
      expect(api.json().items.map((p: { id: string }) => p.id)).not.toContain(id);
      const page = await shared.get(`/personnes?situation=${situation}`);
      expect(page.body).not.toContain(id);
    }
    // A non-sensitive one does find it (the filter works).
    expect(
      (await shared.api('GET', '/api/v1/persons?situation=qpv'))
        .json()
        .items.map((p: { id: string }) => p.id),
    ).toContain(id);
    // The referent finds it by RSA.
    expect(
      (await holder.api('GET', '/api/v1/persons?situation=rsa'))
        .json()
        .items.map((p: { id: string }) => p.id),
    ).toContain(id);
  });

  it('names only the holder in a duplicate warning, nothing of the file', async () => {
    const res = await stranger.api(
      'POST',
      '/api/v1/persons',
      personBody({ situations: [], barriers: [], notes: null }),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json().field).toBe('confirmDuplicate');
    const text = res.body;
    expect(text).not.toContain(id);
    expect(text).not.toContain('paule.sondeur');
    for (const word of SENSITIVE) expect(text).not.toMatch(word);
    const page = await stranger.post('/personnes', {
      lastName: 'Sondeur',
      firstName: 'Paule',
      birthDate: '1988-07-01',
      wantedJob1: appellation,
      legalBasis: 'public_service',
      informedOn: '2026-01-05',
    });
    expect(page.statusCode).toBe(409);
    expect(page.body).not.toContain(id);
    expect(page.body).not.toContain('paule.sondeur');
  });

  it('answers the public skills suggestions with reference data only', async () => {
    for (const q of [
      'Sondeur',
      'Paule',
      'paule.sondeur@exemple.fr',
      'Secret-Note',
      id,
      'a'.repeat(10_000),
      'x\u0000y',
    ]) {
      const res = await new Browser(t.app).get(`/competences/suggestions?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q.slice(0, 20)).toBeLessThan(500);
      expect(res.body).not.toContain('Sondeur');
      expect(res.body).not.toContain('Secret-Note');
    }
  });

  it('answers ids that are not UUIDs and odd list queries with a 4xx, never a 500', async () => {
    for (const bad of ['123', 'not-a-uuid', `${id}x`, '%00', '00000000-0000-0000-0000-000000000000']) {
      for (const url of [
        `/api/v1/persons/${bad}`,
        `/api/v1/persons/${bad}/history`,
        `/api/v1/persons/${bad}/export`,
      ]) {
        const res = await holder.api('GET', url);
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
      }
      for (const url of [
        `/personnes/${bad}`,
        `/personnes/${bad}/historique`,
        `/personnes/${bad}/modifier`,
        `/personnes/${bad}/donnees`,
      ]) {
        const res = await holder.get(url);
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
      }
    }
    const odd = [
      'page=-1',
      'page=0',
      'page=1e9',
      'page=1.5',
      'page=abc',
      'page=1&page=2',
      `q=${'a'.repeat(10_000)}`,
      'q=%00',
      'q=a%00b',
      'situation=rsa%00',
      'situation=__proto__',
      'department=%F0%9F%98%80',
      'age=old',
      'scope=everyone',
      'commune=../../',
    ];
    for (const query of odd)
      for (const path of ['/api/v1/persons', '/personnes']) {
        const res = path.startsWith('/api')
          ? await holder.api('GET', `${path}?${query}`)
          : await holder.get(`${path}?${query}`);
        expect(res.statusCode, `${path}?${query.slice(0, 30)}`).toBeLessThan(500);
        if (res.statusCode !== 200)
          expect(res.statusCode, `${path}?${query.slice(0, 30)}`).toBeGreaterThanOrEqual(400);
      }
  });

  it('refuses the bad input of the issue naming the field, and writes nothing', async () => {
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from person`.execute(t.db)).rows[0]!.n;
    const before = await count();
    const future = `${new Date().getUTCFullYear() + 1}-01-01`;
    const young = `${new Date().getUTCFullYear() - 14}-01-01`;
    const cases: [Record<string, unknown>, string][] = [
      [{ birthDate: future }, 'birthDate'],
      [{ birthDate: young }, 'birthDate'],
      [{ birthDate: '1990-13-01' }, 'birthDate'],
      [{ birthDate: 19900101 }, 'birthDate'],
      [{ wantedJobs: ['00000001'] }, 'wantedJobs/0'],
      [{ wantedJobs: 'x' }, 'wantedJobs'],
      [{ wantedJobs: [appellation, appellation] }, 'wantedJobs'],
      [{ skills: ['99999999'] }, 'skills'],
      [{ mobilityRadiusKm: -1 }, 'mobilityRadiusKm'],
      [{ mobilityRadiusKm: '10' }, 'mobilityRadiusKm'],
      [{ hasVehicle: 'yes' }, 'hasVehicle'],
      [{ situations: ['rsa', 'rsa'] }, 'situations'],
      [{ situations: ['unknown'] }, 'situations/0'],
      [{ communeCode: '99999' }, 'communeCode'],
      [{ informedOn: '2999-01-01' }, 'informedOn'],
      [{ lastName: '' }, 'lastName'],
      [{ lastName: 'x\u0000y' }, 'lastName'],
      [{ franceTravailId: 12345678 }, 'franceTravailId'],
      [{ isAdmin: true }, 'isAdmin'],
    ];
    for (const [over, field] of cases) {
      const res = await holder.api('POST', '/api/v1/persons', personBody({ lastName: 'Bad-Input', ...over }));
      const label = JSON.stringify(over).slice(0, 60);
      expect(res.statusCode, label).toBe(400);
      expect(res.headers['content-type'], label).toContain('application/problem+json');
      expect(String(res.json().field), label).toContain(field);
    }
    // The same on an edit of an existing file.
    for (const [over, field] of cases.slice(0, 9)) {
      const res = await holder.api('PATCH', `/api/v1/persons/${id}`, { version: 2, ...over });
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(String(res.json().field)).toContain(field);
    }
    expect(await count()).toBe(before);
  });

  describe('the person space', () => {
    const linkIn = (text: string) => /\/mon-espace\/lien\?jeton=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
    async function invite(personId: string) {
      await holder.get(`/personnes/${personId}/donnees`);
      const before = t.mailer.sent.length;
      const res = await holder.post(`/personnes/${personId}/invitation`, {});
      expect(res.statusCode).toBe(200);
      return linkIn(t.mailer.sent.slice(before).at(-1)!.text);
    }
    async function signIn(token: string) {
      const person = new Browser(t.app);
      await person.get(`/mon-espace/lien?jeton=${token}`);
      const res = await person.post('/mon-espace/lien', { jeton: token });
      return { person, res };
    }

    it('refuses an expired link, a replayed one, and a link of an erased file', async () => {
      const expired = await invite(id);
      await sql`update person_link set expires_at = now() - interval '1 minute' where person_id = ${id} and used_at is null`.execute(
        t.db,
      );
      expect((await signIn(expired)).res.statusCode).toBe(400);
      const fresh = await invite(id);
      const { person, res } = await signIn(fresh);
      expect(res.statusCode).toBe(303);
      expect((await signIn(fresh)).res.statusCode).toBe(400);
      // The space without its CSRF token: refused.
      const page = await person.get('/mon-espace');
      expect(page.statusCode).toBe(200);
      const version = /name="version" value="(\d+)"/.exec(page.body)?.[1] ?? '1';
      expect(
        (await person.post('/mon-espace/profil', { version, phone: '0600000000' }, { csrf: false }))
          .statusCode,
      ).toBe(403);
      // The person's session opens no staff route, not even on their own file.
      for (const res of [
        await person.api('GET', `/api/v1/persons/${id}`),
        await person.api('GET', '/api/v1/persons'),
        await person.get(`/personnes/${id}`),
        await person.get(`/personnes/${id}/export.json`),
      ]) {
        expect([302, 303, 401, 403], res.raw.req.url).toContain(res.statusCode);
        expect(res.body).not.toContain('Secret-Note');
      }
      // A forged link and odd tokens: a 4xx, never a 500.
      for (const jeton of ['x', 'a'.repeat(5000), '%00', '']) {
        const b = new Browser(t.app);
        await b.get('/mon-espace/connexion');
        const forged = await b.post('/mon-espace/lien', { jeton });
        expect(forged.statusCode, jeton.slice(0, 10)).toBeGreaterThanOrEqual(400);
        expect(forged.statusCode, jeton.slice(0, 10)).toBeLessThan(500);
        expect((await b.get(`/mon-espace/lien?jeton=${encodeURIComponent(jeton)}`)).statusCode).toBeLessThan(
          500,
        );
      }
      // A file without an e-mail address: the invitation is refused naming the field, no mail sent.
      const mute = await holder.api(
        'POST',
        '/api/v1/persons',
        personBody({ lastName: 'Sans-Courriel', email: null, situations: [], barriers: [], notes: null }),
      );
      const muteId = mute.json().id;
      await holder.get(`/personnes/${muteId}/donnees`);
      const sent = t.mailer.sent.length;
      const refused = await holder.post(`/personnes/${muteId}/invitation`, {});
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
      expect(refused.statusCode).toBeLessThan(500);
      expect(t.mailer.sent.length).toBe(sent);
      // A file of its own, invited, then erased: its unused link opens nothing.
      const other = await holder.api(
        'POST',
        '/api/v1/persons',
        personBody({
          lastName: 'Efface',
          email: 'efface@exemple.fr',
          situations: [],
          barriers: [],
          notes: null,
        }),
      );
      const otherId = other.json().id;
      const token = await invite(otherId);
      await holder.get(`/personnes/${otherId}/donnees`);
      expect((await holder.post(`/personnes/${otherId}/effacement`, { confirm: 'Efface' })).statusCode).toBe(
        303,
      );
      const after = await signIn(token);
      expect(after.res.statusCode).toBe(400);
      expect((await after.person.get('/mon-espace')).statusCode).toBe(302);
    });
  });
});
