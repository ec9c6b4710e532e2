import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';

/** A random name part of n letters (the duplicate key keeps letters only: rules.ts nameKey). */
const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');

/**
 * The persons API as a partner system uses it (issue 10 §5): declared ROME 4.0 skills, an
 * organisation's API token scoped to its organisation and audited, the OpenAPI document's responses;
 * and the history naming who acted, never their address.
 */
describe.each(testEngines())('persons API on %s', (engine) => {
  let t: TestApp;
  const orgs = { own: '', other: '' };
  let own: Browser;
  let other: Browser;
  let appellation = '';
  /** Core skills of the appellation's ROME 4.0 métier, and another skill. */
  let core: { code: string; label: string }[] = [];

  async function member(orgId: string, role = 'conseiller', name = 'Conseil') {
    const email = `api.${randomUUID().slice(0, 8)}@passerelle.demo`;
    await sql`
      with u as (insert into app_user (email, first_name, last_name, password_hash)
        select ${email}, 'Camille', ${name}, password_hash from app_user where email = 'superadmin@passerelle.demo' returning id)
      insert into membership (user_id, organisation_id, role) select u.id, ${orgId}, ${role} from u`.execute(
      t.db,
    );
    return { browser: await new Browser(t.app).login(email), email };
  }
  const person = (over: Record<string, unknown> = {}) => ({
    lastName: `Skill-${letters(8)}`,
    firstName: 'Inès',
    birthDate: '1994-03-02',
    wantedJobs: [appellation],
    legalBasis: 'public_service',
    informedOn: '2026-01-05',
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const { rows } = await sql<{ id: string }>`
      select id from organisation where kind in ('mission_locale', 'cap_emploi') order by kind desc, name limit 2`.execute(
      t.db,
    );
    [orgs.own, orgs.other] = [rows[0]!.id, rows[1]!.id];
    own = (await member(orgs.own)).browser;
    other = (await member(orgs.other)).browser;
    const found = await sql<{ appellation: string; code: string; label: string }>`
      select a.code as appellation, s.code, s.label
      from rome_appellation a
      join rome_metier_skill ms on ms.metier_code = a.metier_code and ms.core = 'principale'
      join rome_skill s on s.code = ms.skill_code
      where a.code = (select a2.code from rome_appellation a2
        join rome_metier_skill m2 on m2.metier_code = a2.metier_code and m2.core = 'principale'
        order by a2.code limit 1)
      order by s.label`.execute(t.db);
    appellation = found.rows[0]!.appellation;
    core = found.rows.map(({ code, label }) => ({ code, label }));
  });
  afterAll(() => t.close());

  it('stores declared skills as ROME 4.0 codes, shows their labels, exports them, and refuses unknown ones', async () => {
    const skill = core[0]!;
    const created = await own.api('POST', '/api/v1/persons', person({ skills: [skill.code] }));
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const file = (await own.api('GET', `/api/v1/persons/${id}`)).json();
    expect(file.skills).toEqual([{ code: skill.code, label: skill.label }]);
    const page = await own.get(`/personnes/${id}`);
    expect(page.body).toContain('Compétences déclarées');
    expect(page.body).toContain(escapeHtml(skill.label));
    const exported = (await own.api('GET', `/api/v1/persons/${id}/export`)).json();
    expect(exported.file.skills).toEqual([{ code: skill.code, label: skill.label }]);
    const printable = await own.get(`/personnes/${id}/export`);
    expect(printable.body).toContain('Compétences déclarées');
    // The creation's event carries the codes (what reacts to a profile's skills needs them).
    const events = await sql<{ skills: string[] }>`
      select payload->'skills' as skills from domain_event where type = 'person.created' and payload->>'personId' = ${id}`.execute(
      t.db,
    );
    expect(events.rows[0]!.skills).toEqual([skill.code]);

    // Unknown code: 400 naming skills/N; a code that is no code: the schema's 400, same field.
    const unknown = await own.api('PATCH', `/api/v1/persons/${id}`, {
      version: 1,
      skills: [skill.code, '99999999'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('skills/1');
    const notACode = await own.api('POST', '/api/v1/persons', person({ skills: ['soudage'] }));
    expect(notACode.statusCode).toBe(400);
    expect(notACode.json().field).toBe('skills/0');
    const edited = await own.api('PATCH', `/api/v1/persons/${id}`, { version: 1, skills: [] });
    expect(edited.statusCode).toBe(200);
    const history = (await own.api('GET', `/api/v1/persons/${id}/history`)).json();
    expect(history[0].fields).toEqual(['skills']);
  });

  it('offers the wanted jobs’ core skills as boxes, and names a wrong typed skill in the form', async () => {
    const { id } = (await own.api('POST', '/api/v1/persons', person())).json();
    const form = await own.get(`/personnes/${id}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="skills" value="${core[0]!.code}"`);
    expect(form.body).toContain('Compétences cœur des métiers recherchés');
    expect(form.body).toContain('hx-get="/competences/suggestions"');
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!;
    const refused = await own.post(`/personnes/${id}/modifier`, {
      version,
      lastName: 'Skill',
      firstName: 'Inès',
      birthDate: '1994-03-02',
      wantedJob1: appellation,
      legalBasis: 'public_service',
      informedOn: '2026-01-05',
      skills: core[0]!.code,
      skill1: '99999999',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(
      'class="fr-input fr-input--error" id="champ-skill1" name="skill1" type="text" value="99999999"',
    );
    const saved = await own.post(`/personnes/${id}/modifier`, {
      version,
      lastName: 'Skill',
      firstName: 'Inès',
      birthDate: '1994-03-02',
      wantedJob1: appellation,
      legalBasis: 'public_service',
      informedOn: '2026-01-05',
      skills: core[0]!.code,
      skill1: core[1]?.code ?? '',
    });
    expect(saved.statusCode).toBe(303);
    const file = (await own.api('GET', `/api/v1/persons/${id}`)).json();
    expect(file.skills.map((s: { code: string }) => s.code)).toEqual(
      [core[0]!.code, core[1]?.code].filter(Boolean),
    );
    // The suggestions: labels shown, codes sent, for any field name, to anyone (open data).
    const words = core[0]!.label.split(/\s+/)[0]!.slice(0, 5);
    const suggestions = await new Browser(t.app).get(
      `/competences/suggestions?skill3=${encodeURIComponent(words)}`,
    );
    expect(suggestions.statusCode).toBe(200);
    expect(suggestions.body).toMatch(/<option value="\d+">/);
  });

  it('shows who acted by name and organisation in the history, never an e-mail address', async () => {
    const { browser, email } = await member(orgs.own, 'conseiller', 'Historique');
    const { id } = (await browser.api('POST', '/api/v1/persons', person())).json();
    await own.api('POST', `/api/v1/persons/${id}/shares`, {
      organisationId: orgs.other,
      consentOn: '2026-01-10',
    });
    const page = await other.get(`/personnes/${id}/historique`);
    expect(page.statusCode).toBe(200);
    // The page's <main> (the header names the viewer's own account).
    const main = page.body.slice(page.body.indexOf('<main'));
    expect(main).toContain('Camille Historique (Mission locale');
    expect(main).not.toContain(email);
    expect(main).not.toMatch(/api\.[0-9a-f]{8}@passerelle/);
    expect(main).toContain('aria-current="page">Historique');
    const api = (await other.api('GET', `/api/v1/persons/${id}/history`)).json();
    expect(api.at(-1)).toMatchObject({ action: 'person.created', actor: 'Camille Historique' });
  });

  it('lets an organisation’s API token read its own files only, each read audited', async () => {
    const { browser: admin } = await member(orgs.own, 'administrateur');
    const created = await admin.api('POST', `/api/v1/organisations/${orgs.own}/api-tokens`, {
      name: 'Logiciel de suivi',
      role: 'conseiller',
    });
    expect(created.statusCode).toBe(201);
    const { token } = created.json() as { token: string };
    const asToken = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });

    const mine = (await own.api('POST', '/api/v1/persons', person())).json().id as string;
    const theirs = (await other.api('POST', '/api/v1/persons', person())).json().id as string;
    const read = await asToken('GET', `/api/v1/persons/${mine}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().relation).toBe('referent');
    expect((await asToken('GET', `/api/v1/persons/${theirs}`)).statusCode).toBe(403);
    expect((await asToken('GET', `/api/v1/persons/${theirs}/history`)).statusCode).toBe(403);
    expect((await asToken('GET', `/api/v1/persons/${randomUUID()}`)).statusCode).toBe(404);
    // Its list is its organisation's files; what it creates, its organisation holds.
    const listed = (await asToken('GET', '/api/v1/persons?scope=referent')).json();
    const ids = listed.items.map((p: { id: string }) => p.id);
    expect(ids).not.toContain(theirs);
    expect(listed.items.every((p: { isReferent: boolean }) => p.isReferent)).toBe(true);
    const made = await asToken('POST', '/api/v1/persons', person());
    expect(made.statusCode).toBe(201);
    const holder = await sql<{ org: string }>`
      select referent_organisation_id::text as org from person where id = ${made.json().id}`.execute(t.db);
    expect(holder.rows[0]!.org).toBe(orgs.own);
    // The read is in the audit log, in the token's name and for its organisation.
    const lines = await sql<{ actor_label: string; org: string | null }>`
      select actor_label, actor_organisation_id::text as org from audit_log
      where action = 'person.read' and subject_id = ${mine}`.execute(t.db);
    expect(lines.rows).toHaveLength(1);
    expect(lines.rows[0]).toMatchObject({ actor_label: 'jeton API « Logiciel de suivi »', org: orgs.own });
    // The other organisation's file was never read: no audit line of a read.
    const none = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'person.read' and subject_id = ${theirs}`.execute(
      t.db,
    );
    expect(none.rows[0]!.n).toBe(0);
  });

  it('answers an erasure with 204 and no body, and a refused one with a problem naming its field', async () => {
    const input = person();
    const { id } = (await own.api('POST', '/api/v1/persons', input)).json();
    const wrong = await own.api('POST', `/api/v1/persons/${id}/erasure`, { confirm: 'Autre' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.json()).toMatchObject({ status: 400, field: 'confirm' });
    const done = await own.api('POST', `/api/v1/persons/${id}/erasure`, { confirm: input.lastName });
    expect(done.statusCode).toBe(204);
    expect(done.body).toBe('');
    // A stale edit's extension member survives the response schema (additionalProperties).
    const kept = (await own.api('POST', '/api/v1/persons', person())).json().id as string;
    const stale = await own.api('PATCH', `/api/v1/persons/${kept}`, { version: 7, notes: 'x' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ field: 'version', currentVersion: 1 });
  });

  it('declares every /api/v1/persons route’s responses in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/persons'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    // The persons module's 8, and the pathways' 4 on a person (orientations, timeline, notes, accompaniment).
    expect(routes.length).toBe(12);
    for (const { path, method, op } of routes) {
      const codes = Object.keys(op.responses ?? {});
      expect(
        codes.some((c) => /^2\d\d$/.test(c)),
        `${method} ${path}`,
      ).toBe(true);
      expect(codes, `${method} ${path}`).toContain('4XX');
    }
    const file = doc.paths['/api/v1/persons/{personId}']!.get!.responses!['200'] as {
      content: Record<string, { schema: { properties: Record<string, unknown> } }>;
    };
    expect(Object.keys(Object.values(file.content)[0]!.schema.properties)).toContain('skills');
  });
});
