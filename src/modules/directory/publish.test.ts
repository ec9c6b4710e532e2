import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { member, organisation } from '../../../test/persons-fixtures.js';

const HOME = '/annuaire/ma-structure';
const today = () => new Date().toISOString().slice(0, 10);

/** A form with repeated fields (checkbox groups), posted as a browser does. */
async function postForm(b: Browser, url: string, pairs: [string, string][]) {
  const body = new URLSearchParams([['_csrf', b.csrf], ...pairs]).toString();
  return b.app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: { cookie: b.cookies, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const structureForm = (over: Record<string, string> = {}): [string, string][] =>
  Object.entries({
    nom: 'Association Mobilité Rhône',
    siret: '216 901 231 00011',
    adresse: '3 rue de la République',
    code_insee: '69123',
    telephone: '04 72 00 00 00',
    courriel: 'contact@mobilite-rhone.fr',
    horaires_accueil: 'Mo-Fr 09:00-12:00,14:00-17:30',
    description: 'Aides à la mobilité pour les personnes en insertion.',
    ...over,
  });

const serviceForm = (over: [string, string][] = []): [string, string][] => [
  ['nom', 'Aide au permis de conduire'],
  ['description', 'Financement et accompagnement du permis B pour les personnes en insertion.'],
  ['type', 'aide-financiere'],
  ['thematiques', 'mobilite--preparer-un-permis'],
  ['thematiques', 'mobilite--etre-accompagne-dans-son-parcours-mobilite'],
  ['publics', 'tous-publics'],
  ['frais', 'gratuit'],
  ['modes_accueil', 'en-presentiel'],
  ['mobilisable_par', 'professionnels'],
  ['modes_mobilisation', 'envoyer-un-courriel'],
  ...over,
];

/**
 * Publication in the directory (issue 13 §1, §5): a gestionnaire publishes the organisation's
 * structure and a service, searchable and dated today; conseillers, analysts and other
 * organisations are refused; bad values are refused naming their field, nothing stored; a stale
 * form is refused (409); « Rien à changer » moves date_maj.
 */
describe.each(testEngines())('directory publication on %s', (engine) => {
  let t: TestApp;
  const orgs = { mine: '', other: '' };
  let manager: Browser;
  let counsellor: Browser;
  let analyst: Browser;
  let stranger: Browser;

  beforeAll(async () => {
    t = await createTestApp(engine);
    orgs.mine = await organisation(t.db, 'structure_accompagnement', 'Mobilité Rhône');
    orgs.other = await organisation(t.db, 'mission_locale');
    await sql`update organisation set email = 'accueil@mobilite-rhone.fr', commune_code = '69123'
      where id = ${orgs.mine}`.execute(t.db);
    manager = await new Browser(t.app).login(await member(t.db, orgs.mine, 'gestionnaire'));
    counsellor = await new Browser(t.app).login(await member(t.db, orgs.mine, 'conseiller'));
    analyst = await new Browser(t.app).login(await member(t.db, orgs.mine, 'analyste'));
    stranger = await new Browser(t.app).login(await member(t.db, orgs.other, 'administrateur'));
  });
  afterAll(() => t.close());

  const structure = async () =>
    (
      await sql<{ id: string; version: number; date_maj: unknown; siret: string | null }>`
        select id, version, date_maj, siret from directory_structure where organisation_id = ${orgs.mine}`.execute(
        t.db,
      )
    ).rows[0];
  const iso = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));
  const services = async () =>
    (
      await sql<{ id: string; nom: string; version: number; date_maj: unknown }>`
        select v.id, v.nom, v.version, v.date_maj from directory_service v
        join directory_structure s on s.id = v.structure_id where s.organisation_id = ${orgs.mine}
        order by v.nom`.execute(t.db)
    ).rows;

  it('refuses bad structure values naming the field, and stores nothing', async () => {
    const page = await manager.get(HOME);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Publier la fiche de votre structure');
    const form = await manager.get(`${HOME}/modifier`);
    // Prefilled from the organisation.
    expect(form.body).toContain('value="Mobilité Rhône"');
    expect(form.body).toContain('value="accueil@mobilite-rhone.fr"');
    const badSiret = await postForm(manager, `${HOME}/modifier`, structureForm({ siret: '21690123100012' }));
    expect(badSiret.statusCode).toBe(400);
    expect(badSiret.body).toContain('id="champ-siret-erreur"');
    expect(badSiret.body).toContain('clé de contrôle');
    expect(badSiret.body).toContain('value="Association Mobilité Rhône"');
    const badCommune = await postForm(manager, `${HOME}/modifier`, structureForm({ code_insee: '99999' }));
    expect(badCommune.statusCode).toBe(400);
    expect(badCommune.body).toContain('id="champ-code_insee-erreur"');
    const shortName = await postForm(manager, `${HOME}/modifier`, structureForm({ nom: 'A' }));
    expect(shortName.statusCode).toBe(400);
    expect(shortName.body).toContain('id="champ-nom-erreur"');
    expect(await structure()).toBeUndefined();
  });

  it('publishes the structure and a service as a gestionnaire: searchable, dated today', async () => {
    const saved = await postForm(manager, `${HOME}/modifier`, structureForm());
    expect(saved.statusCode).toBe(303);
    const s = await structure();
    expect(s).toBeDefined();
    expect(iso(s!.date_maj)).toBe(today());
    expect(s!.siret).toBe('21690123100011');
    const row = (
      await sql<{
        source: string;
        source_id: string;
        code_postal: string;
        commune: string;
        latitude: number;
      }>`
        select source, source_id, code_postal, commune, latitude from directory_structure where id = ${s!.id}`.execute(
        t.db,
      )
    ).rows[0]!;
    expect(row.source).toBe('passerelle');
    expect(row.source_id).toBe(`passerelle--${orgs.mine}`);
    expect(row.commune).toBe('Lyon');
    expect(row.code_postal).toMatch(/^690/);
    expect(row.latitude).not.toBeNull();
    // A second creation is refused: the organisation edits its sheet.
    await manager.get(`${HOME}/modifier`);
    const form = await manager.get(`${HOME}/services/nouveau`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="mobilite--preparer-un-permis"');
    const created = await postForm(manager, `${HOME}/services/nouveau`, serviceForm());
    expect(created.statusCode).toBe(303);
    const [v] = await services();
    expect(v!.nom).toBe('Aide au permis de conduire');
    expect(iso(v!.date_maj)).toBe(today());
    const found = await sql<{ id: string; place_department: string | null }>`
      select id, place_department from directory_service
      where search_vector @@ to_tsquery('french', f_unaccent('permis')) and id = ${v!.id}`.execute(t.db);
    expect(found.rows).toHaveLength(1);
    expect(found.rows[0]!.place_department).toBe('69');
    const list = await manager.get(HOME);
    expect(list.body).toContain('Aide au permis de conduire');
  });

  it('refuses a thématique outside the list, naming the field, and stores nothing', async () => {
    const bad = await postForm(
      manager,
      `${HOME}/services/nouveau`,
      serviceForm([
        ['thematiques', 'mobilite--voler'],
        ['nom', 'Autre service'],
      ]).filter(([k, v]) => k !== 'nom' || v === 'Autre service'),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="thematiques-messages-erreur"');
    expect(bad.body).toContain('mobilite--voler');
    const huge = await postForm(
      manager,
      `${HOME}/services/nouveau`,
      serviceForm([['nombre_semaines', '99999999999']]),
    );
    expect(huge.statusCode).toBe(400);
    expect(huge.body).toContain('id="champ-nombre_semaines-erreur"');
    expect((await services()).map((s) => s.nom)).toEqual(['Aide au permis de conduire']);
  });

  it('refuses conseillers, analysts and other organisations (403)', async () => {
    const [v] = await services();
    for (const b of [counsellor, analyst]) {
      expect((await b.get(HOME)).statusCode).toBe(403);
      expect((await b.get(`${HOME}/modifier`)).statusCode).toBe(403);
      expect((await postForm(b, `${HOME}/modifier`, structureForm())).statusCode).toBe(403);
      expect((await postForm(b, `${HOME}/services/nouveau`, serviceForm())).statusCode).toBe(403);
    }
    expect((await stranger.get(`${HOME}/services/${v!.id}/modifier`)).statusCode).toBe(403);
    expect(
      (await postForm(stranger, `${HOME}/services/${v!.id}/modifier`, [...serviceForm(), ['version', '1']]))
        .statusCode,
    ).toBe(403);
    expect(
      (await postForm(stranger, `${HOME}/services/${v!.id}/suppression`, [['version', String(v!.version)]]))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await postForm(stranger, `${HOME}/revue`, [
          ['kind', 'service'],
          ['id', v!.id],
        ])
      ).statusCode,
    ).toBe(403);
    expect((await services()).length).toBe(1);
  });

  it('refuses a stale version (409) and keeps the newer record', async () => {
    const s = await structure();
    const ok = await postForm(manager, `${HOME}/modifier?structure=${s!.id}`, [
      ...structureForm({ nom: 'Mobilité Rhône (association)' }),
      ['version', String(s!.version)],
    ]);
    expect(ok.statusCode).toBe(303);
    const stale = await postForm(manager, `${HOME}/modifier?structure=${s!.id}`, [
      ...structureForm({ nom: 'Ancien nom' }),
      ['version', String(s!.version)],
    ]);
    expect(stale.statusCode).toBe(409);
    const [v] = await services();
    const staleService = await postForm(manager, `${HOME}/services/${v!.id}/modifier`, [
      ...serviceForm(),
      ['version', String(v!.version - 1)],
    ]);
    expect(staleService.statusCode).toBe(409);
    expect(
      (await sql<{ nom: string }>`select nom from directory_structure where id = ${s!.id}`.execute(t.db))
        .rows[0]!.nom,
    ).toBe('Mobilité Rhône (association)');
  });

  it('« Rien à changer » moves date_maj to today; a stale record is flagged on the page', async () => {
    const [v] = await services();
    await sql`update directory_service set date_maj = '2025-01-15' where id = ${v!.id}`.execute(t.db);
    const page = await manager.get(HOME);
    expect(page.body).toContain('À revoir');
    expect(page.body).toContain('Rien à changer');
    const reviewed = await postForm(manager, `${HOME}/revue`, [
      ['kind', 'service'],
      ['id', v!.id],
    ]);
    expect(reviewed.statusCode).toBe(303);
    const [after] = await services();
    expect(iso(after!.date_maj)).toBe(today());
    expect(after!.version).toBe(v!.version + 1);
  });

  it('deletes a service after its confirmation page', async () => {
    const [v] = await services();
    const confirm = await manager.get(`${HOME}/services/${v!.id}/suppression`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Retirer le service');
    const stale = await postForm(manager, `${HOME}/services/${v!.id}/suppression`, [
      ['version', String(v!.version - 1)],
    ]);
    expect(stale.statusCode).toBe(409);
    const done = await postForm(manager, `${HOME}/services/${v!.id}/suppression`, [
      ['version', String(v!.version)],
    ]);
    expect(done.statusCode).toBe(303);
    expect(await services()).toHaveLength(0);
  });
});
