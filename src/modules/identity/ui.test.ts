import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';

/**
 * Issue 9 §6, the identity pages as people use them: a failed login says so where the focus lands,
 * destructive actions ask first (with and without JavaScript), a new API token is shown once after
 * a redirect, invited people are listed as pending with resend and cancel, the audit log reads as
 * sentences with names, and each role finds its main task first on its home page.
 */

const FT_ADMIN = 'admin.francetravail@passerelle.demo';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('identity pages (issue 9 §6)', () => {
  let t: TestApp;
  let ftOrg: string;
  let admin: Browser;
  beforeAll(async () => {
    t = await createTestApp('pglite', { demo: true });
    admin = await new Browser(t.app).login(FT_ADMIN);
    ftOrg = ((await admin.api('GET', '/api/v1/me')).json() as { organisationId: string }).organisationId;
  });
  afterAll(() => t.close());

  it('after a failed login, the title says so and the focus moves to the error', async () => {
    const b = new Browser(t.app);
    await b.get('/connexion');
    const res = await b.post('/connexion', { email: FT_ADMIN, password: 'pas le bon' });
    expect(res.statusCode).toBe(401);
    const title = /<title>([^<]*)<\/title>/.exec(res.body)![1]!;
    expect(title).toMatch(/^Erreur\u00A0: .+ — Connexion — Passerelle$/);
    // `autofocus` on the focusable alert: the focus lands there without JavaScript.
    expect(res.body).toMatch(
      /<div class="fr-alert fr-alert--error[^"]*" role="alert" id="message-erreur" tabindex="-1" autofocus>/,
    );
    expect((await b.get('/connexion')).body).not.toContain('autofocus');
  });

  it('shows a new token once after a redirect: reloading neither shows it again nor creates another', async () => {
    const count = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from api_token where organisation_id = ${ftOrg}`.execute(t.db)
        ).rows[0]!.n,
      );
    const before = await count();
    const created = await admin.post(`/organisations/${ftOrg}/jetons`, {
      name: 'Logiciel de suivi',
      role: 'analyste',
    });
    expect(created.statusCode).toBe(303);
    const location = String(created.headers.location);
    expect(location).toMatch(new RegExp(`^/organisations/${ftOrg}/jetons\\?cree=${UUID.source}$`));
    const page = await admin.get(location);
    const token = /id="jeton-cree" type="text" value="(psl_[^"]+)" readonly/.exec(page.body)?.[1];
    expect(token).toBeDefined();
    expect(page.body).toContain('data-copie="jeton-cree"');
    const viaToken = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(viaToken.json()).toMatchObject({ via: 'token' });
    // Reload: the token is not shown again, and nothing new is created.
    const reload = await admin.get(location);
    expect(reload.body).not.toContain(token!);
    expect(reload.body).toContain('n’est affichée qu’une fois');
    expect(await count()).toBe(before + 1);
  });

  it('asks before revoking a token: a modal with JavaScript, a confirmation page without', async () => {
    const list = await admin.get(`/organisations/${ftOrg}/jetons`);
    const id = new RegExp(`/organisations/${ftOrg}/jetons/(${UUID.source})/revocation`).exec(list.body)![1]!;
    // The no-JS link leads to the page; the JS button opens the dialog holding the same form.
    expect(list.body).toContain(
      `<a class="fr-btn fr-btn--sm fr-btn--secondary psl-sans-js" href="/organisations/${ftOrg}/jetons/${id}/revocation">`,
    );
    expect(list.body).toContain(`<dialog id="confirmation-${id}" class="fr-modal"`);
    const confirm = await admin.get(`/organisations/${ftOrg}/jetons/${id}/revocation`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toMatch(/<h1>Révoquer le jeton «\u00A0.+\u00A0»\u202F\?<\/h1>/);
    expect(confirm.body).toContain(
      `<form method="post" action="/organisations/${ftOrg}/jetons/${id}/revocation">`,
    );
    // Showing the question revokes nothing.
    const state = async () =>
      (
        await sql<{ revoked_at: Date | null }>`select revoked_at from api_token where id = ${id}`.execute(
          t.db,
        )
      ).rows[0]!.revoked_at;
    expect(await state()).toBeNull();
    expect((await admin.post(`/organisations/${ftOrg}/jetons/${id}/revocation`, {})).statusCode).toBe(303);
    expect(await state()).not.toBeNull();
    expect((await admin.get(`/organisations/${ftOrg}/jetons/${id}/revocation`)).statusCode).toBe(404);
  });

  it('lists invited people as pending, resends and cancels their invitation after confirmation', async () => {
    const invited = await admin.post(`/organisations/${ftOrg}/membres`, {
      email: 'amelie.ouedraogo@passerelle.demo',
      firstName: 'Amélie',
      lastName: 'Ouedraogo',
      role: 'conseiller',
    });
    expect(invited.statusCode).toBe(303);
    const { rows } = await sql<{ id: string; expires_at: Date }>`
      select id, expires_at from membership_invitation where email = 'amelie.ouedraogo@passerelle.demo'`.execute(
      t.db,
    );
    const invitation = rows[0]!;
    const page = await admin.get(`/organisations/${ftOrg}/membres`);
    const row = page.body.slice(page.body.indexOf('<td>Amélie Ouedraogo</td>'));
    expect(row.slice(0, 2000)).toContain('Invitation en attente');
    expect(row.slice(0, 4000)).toContain(`/organisations/${ftOrg}/invitations/${invitation.id}/renvoi`);

    const mails = t.mailer.sent.length;
    await sql`update membership_invitation set expires_at = now() + interval '1 hour' where id = ${invitation.id}`.execute(
      t.db,
    );
    const resent = await admin.post(`/organisations/${ftOrg}/invitations/${invitation.id}/renvoi`, {});
    expect(resent.statusCode).toBe(303);
    expect(t.mailer.sent.length).toBe(mails + 1);
    expect(t.mailer.sent.at(-1)!.to).toBe('amelie.ouedraogo@passerelle.demo');
    const renewed = (
      await sql<{
        expires_at: Date;
      }>`select expires_at from membership_invitation where id = ${invitation.id}`.execute(t.db)
    ).rows[0]!.expires_at;
    expect(new Date(renewed).getTime() - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);

    const confirm = await admin.get(`/organisations/${ftOrg}/invitations/${invitation.id}/revocation`);
    expect(confirm.statusCode).toBe(200);
    // Not elided before an address: « de amelie@… » (an address is not a word).
    expect(confirm.body).toContain('Annuler l’invitation de amelie.ouedraogo@passerelle.demo');
    expect(
      (await admin.post(`/organisations/${ftOrg}/invitations/${invitation.id}/revocation`, {})).statusCode,
    ).toBe(303);
    // Cancelled: no longer pending, nothing more to resend.
    const again = await admin.post(`/organisations/${ftOrg}/invitations/${invitation.id}/renvoi`, {});
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('n’est plus en attente');
  });

  it('asks before removing a member; the question names them and removes nobody', async () => {
    const members = (await admin.api('GET', `/api/v1/organisations/${ftOrg}/members`)).json() as {
      userId: string;
      firstName: string;
      lastName: string;
      role: string;
    }[];
    const someone = members.find((m) => m.role !== 'administrateur')!;
    const confirm = await admin.get(`/organisations/${ftOrg}/membres/${someone.userId}/retrait`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(`Retirer ${someone.firstName} ${someone.lastName} de`);
    expect(confirm.body).toContain(`action="/organisations/${ftOrg}/membres/${someone.userId}/retrait"`);
    const still = (await admin.api('GET', `/api/v1/organisations/${ftOrg}/members`)).json() as unknown[];
    expect(still).toHaveLength(members.length);
  });

  it('reads the audit log as French sentences with names, not codes or UUIDs', async () => {
    const journal = await admin.get('/journal');
    expect(journal.statusCode).toBe(200);
    const table = journal.body.slice(journal.body.indexOf('<tbody>'), journal.body.indexOf('</tbody>'));
    expect(table).toMatch(
      /a invité Amélie Ouedraogo \(amelie\.ouedraogo@passerelle\.demo\) à rejoindre .+ comme conseiller/,
    );
    expect(table).toContain('a renvoyé l’invitation d’Amélie Ouedraogo');
    expect(table).toContain('a annulé l’invitation d’Amélie Ouedraogo');
    // People by name, not by their e-mail address.
    expect(table).not.toContain('admin.francetravail@passerelle.demo a ');
    expect(table).toMatch(/a révoqué le jeton d’API «\u00A0Logiciel de suivi\u00A0»/);
    expect(table).toContain('a ouvert une session');
    expect(table).not.toMatch(UUID);
    expect(table).not.toMatch(/<code>|membership\.|api_token\./);
  });

  it('offers each role its main task first on the home page', async () => {
    const expected: Record<string, RegExp> = {
      'conseiller.missionlocale@passerelle.demo': /<form method="get" action="\/formations" role="search"/,
      'analyste.region@passerelle.demo': /href="\/financeurs"/,
      'gestionnaire.formation@passerelle.demo': /href="\/mon-offre"/,
      [FT_ADMIN]: /href="\/membres"/,
      'superadmin@passerelle.demo': /href="\/organisations\/nouvelle"/,
    };
    for (const [email, task] of Object.entries(expected)) {
      const b = await new Browser(t.app).login(email);
      let home = await b.get('/');
      // A member of several organisations chooses first; the task comes with the choice.
      if (home.body.includes('id="choix-titre"')) {
        expect(home.body, email).not.toContain('id="tache-principale"');
        const me = (await b.api('GET', '/api/v1/me')).json() as { memberships: { organisationId: string }[] };
        await b.post('/mon-compte/organisation', { organisationId: me.memberships[0]!.organisationId });
        home = await b.get('/');
      }
      const main = home.body.indexOf('id="contenu"');
      const section = home.body.slice(home.body.indexOf('id="tache-principale"', main));
      expect(section.slice(0, 1500), email).toMatch(task);
      // First: before any tile of the page.
      expect(home.body.indexOf('id="tache-principale"'), email).toBeLessThan(home.body.indexOf('fr-tile'));
    }
  });

  it('opens the mobile menu without JavaScript (a :target link beside the DSFR button)', async () => {
    const home = await admin.get('/');
    expect(home.body).toContain('<a class="fr-btn--menu fr-btn psl-sans-js" href="#menu-principal"');
    expect(home.body).toContain('id="menu-principal"');
    const css = await t.app.inject({ url: '/static/app.css' });
    expect(css.body).toContain('html:not([data-fr-js]) .fr-header__menu.fr-modal:target');
  });
});
