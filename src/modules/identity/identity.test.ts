import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';

const FT_ADMIN = 'admin.francetravail@passerelle.demo';
const CONSEILLER = 'conseiller.missionlocale@passerelle.demo';
const SUPER = 'superadmin@passerelle.demo';
const REGION_ANALYST = 'analyste.region@passerelle.demo';

async function orgIdOf(t: TestApp, email: string) {
  const { rows } = await sql<{ id: string }>`
    select m.organisation_id as id from membership m join app_user u on u.id = m.user_id
    where u.email = ${email} order by m.created_at limit 1`.execute(t.db);
  return rows[0]!.id;
}
/** A demo administrator of the organisation (every demo account shares the demo password). */
async function adminOf(t: TestApp, organisationId: string) {
  const { rows } = await sql<{ email: string }>`
    select u.email from membership m join app_user u on u.id = m.user_id
    where m.organisation_id = ${organisationId} and m.role = 'administrateur' order by u.email limit 1`.execute(
    t.db,
  );
  return rows[0]!.email;
}
async function auditActions(t: TestApp, action: string) {
  const { rows } = await sql<{ actor_label: string; details: Record<string, unknown> }>`
    select actor_label, details from audit_log where action = ${action} order by id`.execute(t.db);
  return rows;
}
const linkIn = (text: string) => {
  const match = text.match(/https?:\/\/\S+jeton=(\S+)/);
  if (!match) throw new Error('no link in mail');
  return decodeURIComponent(match[1]!);
};

describe.each(testEngines())('identity on %s', (engine) => {
  let t: TestApp;
  let ftOrg: string;
  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    ftOrg = await orgIdOf(t, FT_ADMIN);
  });
  afterAll(() => t.close());

  describe('login', () => {
    it('opens a session with a hardened cookie and records the login', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      const res = await b.post('/connexion', {
        email: FT_ADMIN,
        password: 'Passerelle-Demo-2026!',
        suite: '/organisations',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/organisations');
      const cookie = res.cookies.find((c) => c.name === 'passerelle_session')!;
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.sameSite).toBe('Lax');
      const me = await b.api('GET', '/api/v1/me');
      expect(me.json()).toMatchObject({ label: FT_ADMIN, role: 'administrateur', organisationId: ftOrg });
      expect((await auditActions(t, 'auth.login')).some((r) => r.actor_label === FT_ADMIN)).toBe(true);
    });

    it('refuses a wrong password without saying whether the account exists, and logs the failure', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      const wrong = await b.post('/connexion', { email: FT_ADMIN, password: 'mauvais' });
      const unknown = await b.post('/connexion', { email: 'personne@nulle.part', password: 'mauvais' });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.body).toContain('Adresse électronique ou mot de passe incorrect.');
      expect(unknown.body).toContain('Adresse électronique ou mot de passe incorrect.');
      const failures = await auditActions(t, 'auth.login_failed');
      expect(failures.map((f) => f.actor_label)).toEqual(
        expect.arrayContaining([FT_ADMIN, 'personne@nulle.part']),
      );
    });

    it('does not follow an off-site "suite" after login (no open redirect)', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      const res = await b.post('/connexion', {
        email: FT_ADMIN,
        password: 'Passerelle-Demo-2026!',
        suite: '//evil.example/x',
      });
      expect(res.headers.location).toBe('/');
    });

    it('refuses a form posted without its CSRF token', async () => {
      const b = new Browser(t.app);
      await b.get('/connexion');
      const res = await b.post(
        '/connexion',
        { email: FT_ADMIN, password: 'Passerelle-Demo-2026!' },
        { csrf: false },
      );
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('CSRF');
      const b2 = await new Browser(t.app).login(FT_ADMIN);
      const api = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/organisations/${ftOrg}`,
        payload: { phone: '01 02 03 04 05' },
        headers: { cookie: b2.cookies },
      });
      expect(api.statusCode).toBe(403);
      expect(api.json().field).toBe('_csrf');
    });

    it('logs out and forgets the session', async () => {
      const b = await new Browser(t.app).login(CONSEILLER);
      const before = b.cookies;
      const res = await b.post('/deconnexion', {});
      expect(res.statusCode).toBe(303);
      const again = await t.app.inject({ url: '/api/v1/me', headers: { cookie: before } });
      expect(again.statusCode).toBe(401);
    });

    it('redirects anonymous visitors of a page to the login page', async () => {
      const res = await t.app.inject({ url: '/membres', headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/connexion?suite=%2Fmembres');
    });

    it('sends security headers with a DSFR-compatible CSP', async () => {
      const res = await t.app.inject({ url: '/connexion', headers: { accept: 'text/html' } });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('login rate limiting', () => {
    it('answers 429 after too many attempts', async () => {
      const limited = await createTestApp(engine, {
        config: { loginRateLimit: { max: 3, windowMs: 60_000 } },
      });
      try {
        const b = new Browser(limited.app);
        await b.get('/connexion');
        const codes = [];
        for (let i = 0; i < 4; i++)
          codes.push((await b.post('/connexion', { email: 'x@y.fr', password: 'z' })).statusCode);
        expect(codes).toEqual([401, 401, 401, 429]);
      } finally {
        await limited.close();
      }
    });
  });

  describe('password reset', () => {
    it('sends a signed link that works once and expires', async () => {
      const b = new Browser(t.app);
      await b.get('/mot-de-passe/oubli');
      const res = await b.post('/mot-de-passe/oubli', { email: CONSEILLER });
      expect(res.statusCode).toBe(200);
      const mail = t.mailer.sent.at(-1)!;
      expect(mail.to).toBe(CONSEILLER);
      const token = linkIn(mail.text);
      const page = await b.get(`/mot-de-passe/nouveau?jeton=${encodeURIComponent(token)}`);
      expect(page.body).toContain(CONSEILLER);
      const weak = await b.post('/mot-de-passe/nouveau', { jeton: token, password: 'court' });
      expect(weak.statusCode).toBe(400);
      const ok = await b.post('/mot-de-passe/nouveau', { jeton: token, password: 'Nouveau-Mot-2026!' });
      expect(ok.statusCode).toBe(303);
      const reused = await b.post('/mot-de-passe/nouveau', { jeton: token, password: 'Encore-Un-2026!' });
      expect(reused.statusCode).toBe(400);
      expect(reused.body).toContain('plus valable');
      await new Browser(t.app).login(CONSEILLER, 'Nouveau-Mot-2026!');
    });

    it('answers the same for an unknown address and sends nothing', async () => {
      const sent = t.mailer.sent.length;
      const b = new Browser(t.app);
      await b.get('/mot-de-passe/oubli');
      const res = await b.post('/mot-de-passe/oubli', { email: 'inconnu@passerelle.demo' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Si un compte correspond');
      expect(t.mailer.sent.length).toBe(sent);
    });
  });

  describe('organisations', () => {
    it('lets a super-admin create one, checking SIRET and INSEE code', async () => {
      const b = await new Browser(t.app).login(SUPER);
      const ok = await b.api('POST', '/api/v1/organisations', {
        name: 'Atelier Chantier Test',
        kind: 'siae_aci',
        siret: '130 025 265 00013',
        communeCode: '42218',
      });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({
        siret: '13002526500013',
        communeName: 'Saint-Étienne',
        kindLabel: expect.stringContaining('ACI'),
      });

      const cases: [Record<string, unknown>, number, string][] = [
        [{ name: 'X Y', kind: 'siae_ei', siret: '13002526500014' }, 400, 'siret'],
        [{ name: 'X Y', kind: 'siae_ei' }, 400, 'siret'],
        [{ name: 'X Y', kind: 'siae_ei', siret: '13002526500013' }, 409, 'siret'],
        [{ name: 'X Y', kind: 'region', communeCode: '99999' }, 400, 'communeCode'],
        [{ name: 'X Y', kind: 'planete' }, 400, 'kind'],
        [{ name: 'X Y', kind: 'region', couleur: 'bleu' }, 400, 'couleur'],
        [{ name: 42, kind: 'region' }, 400, 'name'],
        [{ kind: 'region' }, 400, 'name'],
        [{ name: 'X Y', kind: 'region', email: 'pas-une-adresse' }, 400, 'email'],
      ];
      const before = (await sql<{ n: number }>`select count(*)::int as n from organisation`.execute(t.db))
        .rows[0]!.n;
      for (const [payload, status, field] of cases) {
        const res = await b.api('POST', '/api/v1/organisations', payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(status);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().field, JSON.stringify(payload)).toBe(field);
      }
      const after = (await sql<{ n: number }>`select count(*)::int as n from organisation`.execute(t.db))
        .rows[0]!.n;
      expect(after).toBe(before);
    });

    it('refuses a malformed or oversized body with a clear problem', async () => {
      const b = await new Browser(t.app).login(SUPER);
      const malformed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/organisations',
        payload: '{"name": "oops"',
        headers: { cookie: b.cookies, 'x-csrf-token': b.csrf, 'content-type': 'application/json' },
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().field).toBe('body');
      const huge = await b.api('POST', '/api/v1/organisations', {
        name: 'x'.repeat(100_000),
        kind: 'region',
      });
      expect(huge.statusCode).toBe(413);
      expect(huge.json().field).toBe('body');
    });

    it('lets an organisation admin edit their own organisation, and only theirs', async () => {
      const b = await new Browser(t.app).login(FT_ADMIN);
      const ok = await b.api('PATCH', `/api/v1/organisations/${ftOrg}`, { phone: '04 77 00 00 00' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().phone).toBe('04 77 00 00 00');
      const other = await orgIdOf(t, CONSEILLER);
      const denied = await b.api('PATCH', `/api/v1/organisations/${other}`, { phone: '04 77 00 00 00' });
      expect(denied.statusCode).toBe(403);
      const kind = await b.api('PATCH', `/api/v1/organisations/${ftOrg}`, { kind: 'employeur' });
      expect(kind.statusCode).toBe(403);
    });

    it('creates an organisation from the page form and shows field errors', async () => {
      const b = await new Browser(t.app).login(SUPER);
      await b.get('/organisations/nouvelle');
      const bad = await b.post('/organisations', {
        name: 'Organisme Test',
        kind: 'organisme_formation',
        siret: '123',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('fr-input-group--error');
      expect(bad.body).toContain('clé de contrôle');
      const ok = await b.post('/organisations', {
        name: 'Organisme Test',
        kind: 'organisme_formation',
        siret: '35600000049837',
        communeCode: '69123',
      });
      expect(ok.statusCode).toBe(303);
      const page = await b.get(ok.headers.location as string);
      expect(page.body).toContain('Organisme Test');
      expect(page.body).toContain('Lyon');
    });
  });

  describe('members', () => {
    it('invites a newcomer who activates the account through the e-mailed link', async () => {
      const b = await new Browser(t.app).login(FT_ADMIN);
      await b.get('/membres');
      const res = await b.post(`/organisations/${ftOrg}/membres`, {
        email: 'Nouvelle.Recrue@passerelle.demo',
        firstName: 'Inès',
        lastName: 'Garnier',
        role: 'conseiller',
      });
      expect(res.statusCode).toBe(303);
      const mail = t.mailer.sent.at(-1)!;
      expect(mail.to).toBe('nouvelle.recrue@passerelle.demo');
      const token = linkIn(mail.text);
      const newcomer = new Browser(t.app);
      await newcomer.get(`/mot-de-passe/nouveau?jeton=${encodeURIComponent(token)}`);
      expect(
        (await newcomer.post('/mot-de-passe/nouveau', { jeton: token, password: 'Bienvenue-2026!' }))
          .statusCode,
      ).toBe(303);
      // Choosing a password is not joining: the newcomer accepts on the home page, as anyone invited.
      await newcomer.login('nouvelle.recrue@passerelle.demo', 'Bienvenue-2026!');
      expect((await newcomer.api('GET', '/api/v1/me')).json()).toMatchObject({ organisationId: null });
      const home = await newcomer.get('/');
      expect(home.body).toContain('Invitations en attente de votre réponse');
      const [invitation] = (await newcomer.api('GET', '/api/v1/me/invitations')).json() as { id: string }[];
      expect(home.body).toContain(`/invitations/${invitation!.id}/acceptation`);
      const accepted = await newcomer.post(`/invitations/${invitation!.id}/acceptation`, {});
      expect(accepted.statusCode).toBe(303);
      const me = await newcomer.api('GET', '/api/v1/me');
      expect(me.json()).toMatchObject({ organisationId: ftOrg, role: 'conseiller' });

      const dup = await b.api('POST', `/api/v1/organisations/${ftOrg}/members`, {
        email: 'NOUVELLE.recrue@passerelle.demo',
        firstName: 'Inès',
        lastName: 'Garnier',
        role: 'analyste',
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().field).toBe('email');
    });

    it('changes a role, audits it, and keeps at least one administrator', async () => {
      const b = await new Browser(t.app).login(FT_ADMIN);
      const members = (await b.api('GET', `/api/v1/organisations/${ftOrg}/members`)).json() as {
        userId: string;
        email: string;
        role: string;
      }[];
      const someone = members.find((m) => m.role !== 'administrateur')!;
      const res = await b.api('PATCH', `/api/v1/organisations/${ftOrg}/members/${someone.userId}`, {
        role: 'analyste',
      });
      expect(res.statusCode).toBe(204);
      const changes = await auditActions(t, 'membership.role_changed');
      expect(changes.at(-1)!.details).toMatchObject({ organisationId: ftOrg, to: 'analyste' });
      const admins = members.filter((m) => m.role === 'administrateur');
      expect(admins).toHaveLength(1);
      const demote = await b.api('PATCH', `/api/v1/organisations/${ftOrg}/members/${admins[0]!.userId}`, {
        role: 'conseiller',
      });
      expect(demote.statusCode).toBe(409);
      const remove = await b.api('DELETE', `/api/v1/organisations/${ftOrg}/members/${admins[0]!.userId}`);
      expect(remove.statusCode).toBe(409);
    });

    it('removes a member, who loses access to the organisation at once', async () => {
      const admin = await new Browser(t.app).login(FT_ADMIN);
      const members = (await admin.api('GET', `/api/v1/organisations/${ftOrg}/members`)).json() as {
        userId: string;
        email: string;
        role: string;
      }[];
      const leaving = members.find((m) => m.email === 'nouvelle.recrue@passerelle.demo')!;
      const leaver = await new Browser(t.app).login(leaving.email, 'Bienvenue-2026!');
      const res = await admin.post(`/organisations/${ftOrg}/membres/${leaving.userId}/retrait`, {});
      expect(res.statusCode).toBe(303);
      const after = await leaver.api('GET', `/api/v1/organisations/${ftOrg}/members`);
      expect(after.statusCode).toBe(403);
      expect((await leaver.api('GET', '/api/v1/me')).json()).toMatchObject({ organisationId: null });
    });

    it('only invites an existing account: nothing changes for its owner until they accept, decline or the invitation is revoked', async () => {
      // The demo seeds this very invitation, pending: start from none.
      await sql`delete from membership_invitation where email = ${REGION_ANALYST}`.execute(t.db);
      const admin = await new Browser(t.app).login(FT_ADMIN);
      const victim = await new Browser(t.app).login(REGION_ANALYST);
      const regionOrg = await orgIdOf(t, REGION_ANALYST);
      const invite = () =>
        admin.api('POST', `/api/v1/organisations/${ftOrg}/members`, {
          email: REGION_ANALYST,
          firstName: 'Ana',
          lastName: 'Lyste',
          role: 'administrateur',
        });
      const memberOfFt = async () =>
        (await admin.api('GET', `/api/v1/organisations/${ftOrg}/members`))
          .json()
          .some((m: { email: string }) => m.email === REGION_ANALYST);

      const first = await invite();
      expect(first.statusCode).toBe(201);
      expect(t.mailer.sent.at(-1)!.text).toContain('rien ne change sans votre accord');
      expect(await memberOfFt()).toBe(false);
      expect((await invite()).statusCode).toBe(409);
      // The invited person's session still acts for their own organisation, even on a new login,
      // and nothing they do lands in the inviting organisation's log.
      expect((await victim.api('GET', '/api/v1/me')).json().organisationId).toBe(regionOrg);
      const again = await new Browser(t.app).login(REGION_ANALYST);
      expect((await again.api('GET', '/api/v1/me')).json().organisationId).toBe(regionOrg);
      const ftLog = await admin.api('GET', `/api/v1/audit-log?actor=${REGION_ANALYST}`);
      expect(ftLog.json().total).toBe(0);

      // The administrator sees it pending and may revoke it; it can then no longer be accepted.
      const membersPage = await admin.get(`/organisations/${ftOrg}/membres`);
      expect(membersPage.body).toContain('Invitation en attente');
      expect(membersPage.body).toContain(REGION_ANALYST);
      const revoked = await admin.post(
        `/organisations/${ftOrg}/invitations/${first.json().invitationId}/revocation`,
        {},
      );
      expect(revoked.statusCode).toBe(303);
      const late = await victim.api('POST', `/api/v1/me/invitations/${first.json().invitationId}/acceptance`);
      expect(late.statusCode).toBe(409);
      expect(await memberOfFt()).toBe(false);

      // Invited again, the person declines: still no membership, and no address of theirs in FT's log.
      const second = (await invite()).json().invitationId as string;
      await victim.get('/');
      expect((await victim.post(`/invitations/${second}/refus`, {})).statusCode).toBe(303);
      expect(await memberOfFt()).toBe(false);
      const declined = await sql<{ actor_organisation_id: string; ip: string | null }>`
        select actor_organisation_id, ip from audit_log where action = 'membership.invitation_declined'
        and subject_id = ${second}`.execute(t.db);
      expect(declined.rows).toEqual([{ actor_organisation_id: ftOrg, ip: null }]);

      // Invited a third time, the person accepts: a member now, still acting for their own organisation.
      const third = (await invite()).json().invitationId as string;
      const home = await victim.get('/');
      expect(home.body).toContain('vous invite comme administrateur');
      expect((await victim.post(`/invitations/${third}/acceptation`, {})).statusCode).toBe(303);
      expect(await memberOfFt()).toBe(true);
      expect((await victim.api('GET', '/api/v1/me')).json().organisationId).toBe(regionOrg);
      const { rows } = await sql<{ status: string }>`
        select status from membership_invitation where user_id = (select id from app_user where email = ${REGION_ANALYST})
        order by invited_at`.execute(t.db);
      expect(rows.map((r) => r.status)).toEqual(['revoked', 'declined', 'accepted']);
      const events = await sql<{ type: string }>`
        select type from domain_event where payload->>'invitationId' in (${first.json().invitationId}, ${second}, ${third})
        order by id`.execute(t.db);
      expect(events.rows.map((e) => e.type)).toEqual([
        'membership.invited',
        'membership.invitation_revoked',
        'membership.invited',
        'membership.invitation_declined',
        'membership.invited',
        'membership.invitation_accepted',
      ]);

      // With two organisations, a new login acts for none until the person chooses; removed from
      // the one chosen, the session acts for none again (never falls back to the other).
      const twoOrgs = await new Browser(t.app).login(REGION_ANALYST);
      expect((await twoOrgs.api('GET', '/api/v1/me')).json().organisationId).toBeNull();
      const choose = await twoOrgs.get('/');
      expect(choose.body).toContain('Pour quelle organisation agissez-vous');
      await twoOrgs.post('/mon-compte/organisation', { organisationId: ftOrg });
      expect((await twoOrgs.api('GET', '/api/v1/me')).json()).toMatchObject({
        organisationId: ftOrg,
        role: 'administrateur',
      });
      const victimId = (
        await sql<{ id: string }>`select id from app_user where email = ${REGION_ANALYST}`.execute(t.db)
      ).rows[0]!.id;
      expect(
        (await admin.api('DELETE', `/api/v1/organisations/${ftOrg}/members/${victimId}`)).statusCode,
      ).toBe(204);
      expect((await twoOrgs.api('GET', '/api/v1/me')).json().organisationId).toBeNull();
      expect((await twoOrgs.get('/')).body).toContain('Pour quelle organisation agissez-vous');
    });

    it('never makes the super-admin a member, and never tells an organisation admin which address is one', async () => {
      const admin = await new Browser(t.app).login(FT_ADMIN);
      const invite = (email: string) =>
        admin.api('POST', `/api/v1/organisations/${ftOrg}/members`, {
          email,
          firstName: 'Quelqu’un',
          lastName: 'Dautre',
          role: 'administrateur',
        });
      // The same answer as for any existing account: an invitation, and nothing about the account.
      const toSuper = await invite('SuperAdmin@passerelle.demo');
      const toOther = await invite('gestionnaire.formation@passerelle.demo');
      expect(toSuper.statusCode).toBe(201);
      expect(toOther.statusCode).toBe(201);
      expect(Object.keys(toSuper.json())).toEqual(['invitationId']);
      expect(Object.keys(toOther.json())).toEqual(['invitationId']);
      // The super-admin can only decline it.
      const superAdmin = await new Browser(t.app).login(SUPER);
      const id = toSuper.json().invitationId as string;
      expect((await superAdmin.api('POST', `/api/v1/me/invitations/${id}/acceptance`)).statusCode).toBe(403);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from membership m join app_user u on u.id = m.user_id where u.is_super_admin`.execute(
        t.db,
      );
      expect(Number(rows[0]!.n)).toBe(0);
      expect((await superAdmin.api('GET', '/api/v1/me')).json().organisationId).toBeNull();
      expect((await superAdmin.api('POST', `/api/v1/me/invitations/${id}/refusal`)).statusCode).toBe(204);
    });
  });

  describe('API tokens', () => {
    it('are shown once, hashed at rest, act for their organisation and can be revoked', async () => {
      const admin = await new Browser(t.app).login(FT_ADMIN);
      const created = await admin.api('POST', `/api/v1/organisations/${ftOrg}/api-tokens`, {
        name: 'Logiciel de suivi',
        role: 'conseiller',
      });
      expect(created.statusCode).toBe(201);
      const { id, token } = created.json() as { id: string; token: string };
      const { rows } = await sql<{
        token_hash: string;
      }>`select token_hash from api_token where id = ${id}`.execute(t.db);
      expect(rows[0]!.token_hash).not.toContain(token);
      expect(rows[0]!.token_hash).toHaveLength(64);

      const asToken = (url: string, method: 'GET' | 'PATCH' = 'GET', payload?: object) =>
        t.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${token}` },
          ...(payload ? { payload } : {}),
        });
      const me = await asToken('/api/v1/me');
      expect(me.json()).toMatchObject({ via: 'token', organisationId: ftOrg, role: 'conseiller' });
      expect((await asToken(`/api/v1/organisations/${ftOrg}/members`)).statusCode).toBe(200);
      // A "conseiller" token cannot administer, even without CSRF (tokens are not cookies).
      expect((await asToken(`/api/v1/organisations/${ftOrg}`, 'PATCH', { phone: '1' })).statusCode).toBe(403);

      const listed = (await admin.api('GET', `/api/v1/organisations/${ftOrg}/api-tokens`)).json() as {
        id: string;
        lastUsedAt: string | null;
      }[];
      expect(listed.find((x) => x.id === id)!.lastUsedAt).not.toBeNull();
      expect(JSON.stringify(listed)).not.toContain(token);

      expect((await admin.api('DELETE', `/api/v1/organisations/${ftOrg}/api-tokens/${id}`)).statusCode).toBe(
        204,
      );
      expect((await asToken('/api/v1/me')).statusCode).toBe(401);
      expect(
        (await t.app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer psl_faux' } })).statusCode,
      ).toBe(401);
    });
  });

  describe('API tokens cannot manage credentials or members', () => {
    it('refuses a token (even an administrator’s) that creates or revokes tokens, invites, changes or removes members', async () => {
      const admin = await new Browser(t.app).login(FT_ADMIN);
      const created = await admin.api('POST', `/api/v1/organisations/${ftOrg}/api-tokens`, {
        name: 'Jeton administrateur',
        role: 'administrateur',
      });
      expect(created.statusCode).toBe(201);
      const { id, token } = created.json() as { id: string; token: string };
      const asToken = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
        t.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${token}` },
          ...(payload ? { payload } : {}),
        });
      const tokensBefore = (await sql<{ n: number }>`select count(*)::int as n from api_token`.execute(t.db))
        .rows[0]!.n;
      const someone = (await admin.api('GET', `/api/v1/organisations/${ftOrg}/members`)).json()[0].userId;
      const refusals = [
        await asToken('POST', `/api/v1/organisations/${ftOrg}/api-tokens`, {
          name: 'Enfant',
          role: 'administrateur',
        }),
        await asToken('DELETE', `/api/v1/organisations/${ftOrg}/api-tokens/${id}`),
        await asToken('POST', `/api/v1/organisations/${ftOrg}/members`, {
          email: 'par.jeton@passerelle.demo',
          firstName: 'Par',
          lastName: 'Jeton',
          role: 'administrateur',
        }),
        await asToken('PATCH', `/api/v1/organisations/${ftOrg}/members/${someone}`, { role: 'analyste' }),
        await asToken('DELETE', `/api/v1/organisations/${ftOrg}/members/${someone}`),
        await asToken('GET', '/api/v1/me/invitations'),
      ];
      for (const res of refusals) {
        expect(res.statusCode, res.body).toBe(403);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().detail).toContain('Un jeton d’API ne gère ni les jetons, ni les membres');
      }
      expect(
        (await sql<{ n: number }>`select count(*)::int as n from api_token`.execute(t.db)).rows[0]!.n,
      ).toBe(tokensBefore);
      expect(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from app_user where email = 'par.jeton@passerelle.demo'`.execute(t.db)
        ).rows[0]!.n,
      ).toBe(0);
      // The token still works for what it is for, and its administrator revokes it.
      expect((await asToken('GET', `/api/v1/organisations/${ftOrg}/members`)).statusCode).toBe(200);
      expect((await admin.api('DELETE', `/api/v1/organisations/${ftOrg}/api-tokens/${id}`)).statusCode).toBe(
        204,
      );
    });
  });

  describe('audit log', () => {
    it('never shows in organisation A’s log what a member of A did under organisation B', async () => {
      const mlOrg = await orgIdOf(t, CONSEILLER);
      const capOrg = (
        await sql<{ id: string }>`
          select m.organisation_id as id from membership m join app_user u on u.id = m.user_id
          where u.email = ${CONSEILLER} and m.organisation_id <> ${mlOrg}`.execute(t.db)
      ).rows[0]!.id;
      const both = await new Browser(t.app).login(CONSEILLER, 'Nouveau-Mot-2026!');
      await both.post('/mon-compte/organisation', { organisationId: capOrg });
      await both.get('/mon-compte');
      expect(
        (await both.post('/mon-compte/profil', { firstName: 'Sous B', lastName: 'Seulement' })).statusCode,
      ).toBe(303);
      const mlAdmin = await new Browser(t.app).login(await adminOf(t, mlOrg));
      const capAdmin = await new Browser(t.app).login(await adminOf(t, capOrg));
      const seenBy = async (b: Browser) =>
        (
          (
            await b.api('GET', `/api/v1/audit-log?actor=${CONSEILLER}&action=user.profile_updated`)
          ).json() as {
            total: number;
          }
        ).total;
      expect(await seenBy(capAdmin)).toBe(1);
      expect(await seenBy(mlAdmin)).toBe(0);
    });

    it('shows an organisation admin only their organisation, and the super-admin everything', async () => {
      const admin = await new Browser(t.app).login(FT_ADMIN);
      const own = (await admin.api('GET', '/api/v1/audit-log?action=auth.login')).json() as {
        items: { organisationName: string | null }[];
        total: number;
      };
      expect(own.total).toBeGreaterThan(0);
      const ftName = (await admin.api('GET', `/api/v1/organisations/${ftOrg}`)).json().name;
      expect(own.items.every((e) => e.organisationName === ftName)).toBe(true);
      const other = await orgIdOf(t, CONSEILLER);
      expect((await admin.api('GET', `/api/v1/audit-log?organisationId=${other}`)).statusCode).toBe(403);

      const superAdmin = await new Browser(t.app).login(SUPER);
      const all = (await superAdmin.api('GET', '/api/v1/audit-log?action=auth.login')).json() as {
        total: number;
      };
      expect(all.total).toBeGreaterThan(own.total);
      const page = await superAdmin.get('/journal?action=auth.login_failed');
      expect(page.body).toContain('personne@nulle.part');
      // The log names people (their name today), not their addresses.
      const nameOf = async (email: string) => {
        const u = await t.db
          .selectFrom('app_user')
          .select(['first_name', 'last_name'])
          .where('email', '=', email)
          .executeTakeFirstOrThrow();
        return `${u.first_name} ${u.last_name}`;
      };
      const ftOnly = await superAdmin.get(`/journal?organisation=${ftOrg}&action=auth.login`);
      expect(ftOnly.body).toContain(await nameOf(FT_ADMIN));
      expect(ftOnly.body).not.toContain(await nameOf(CONSEILLER));
      const everyone = await superAdmin.get('/journal?action=auth.login');
      expect(everyone.body).toContain(await nameOf(CONSEILLER));

      const counsellor = await new Browser(t.app).login(CONSEILLER, 'Nouveau-Mot-2026!');
      expect((await counsellor.api('GET', '/api/v1/audit-log')).statusCode).toBe(403);
    });
  });

  describe('service endpoints', () => {
    it('reports health, readiness and serves the OpenAPI document', async () => {
      expect((await t.app.inject('/health')).json()).toEqual({ status: 'ok' });
      expect((await t.app.inject('/ready')).json()).toEqual({ status: 'ok' });
      const spec = (await t.app.inject('/api/docs/json')).json() as { paths: Record<string, unknown> };
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/referentials/appellations',
          '/api/v1/organisations/{orgId}/members',
        ]),
      );
      expect(Object.keys(spec.paths).every((p) => p.startsWith('/api/v1'))).toBe(true);
    });
  });
});
