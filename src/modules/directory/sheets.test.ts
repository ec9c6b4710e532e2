import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { sampleService, sampleStructure } from '../../../test/directory-fixtures.js';
import { recordsRepository } from './records-repository.js';

const today = () => new Date().toISOString().slice(0, 10);

describe.each(testEngines())('directory sheets (%s)', (engine) => {
  let t: TestApp;
  let publicService: string;
  let proService: string;
  let staleService: string;
  let partnerStructure: string;
  let proOnlyStructure: string;
  let ftService: string;
  let ftStructure: string;
  let counsellor: Browser;
  let ftAdmin: Browser;

  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    const ft = await t.db
      .selectFrom('organisation as o')
      .innerJoin('membership as m', 'm.organisation_id', 'o.id')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select('o.id')
      .where('u.email', '=', 'admin.francetravail@passerelle.demo')
      .executeTakeFirstOrThrow();
    const records = recordsRepository(t.db);
    await t.db.transaction().execute(async (tx) => {
      // A partner not on Passerelle (source dora): one service for users, one for professionals, one stale.
      partnerStructure = (
        await records.writeStructure(
          tx,
          sampleStructure({ id: 'dora--sheet-ccas', nom: 'CCAS de la fiche' }),
          null,
        )
      ).uuid;
      const service = (over: Parameters<typeof sampleService>[0]) =>
        sampleService({ structure_id: 'dora--sheet-ccas', date_maj: today(), ...over });
      publicService = (
        await records.writeService(
          tx,
          service({
            id: 'dora--sheet-public',
            nom: 'Logement pour tous les publics',
            zone_eligibilite: ['69', '69123'],
            lien_mobilisation: 'https://dora.inclusion.beta.gouv.fr/services/sheet-public',
            modes_mobilisation: ['telephoner', 'utiliser-lien-mobilisation'],
            telephone: '04 72 10 00 00',
            courriel: 'logement@ccas-fiche.fr',
            lien_source: 'https://dora.inclusion.beta.gouv.fr/services/sheet-public',
          }),
          partnerStructure,
        )
      ).uuid;
      proService = (
        await records.writeService(
          tx,
          service({
            id: 'dora--sheet-pro',
            nom: 'Accompagnement réservé aux prescripteurs',
            mobilisable_par: ['professionnels'],
            // A link the schema's uri format lets through: never rendered as a link.
            lien_mobilisation: 'javascript:alert(1)',
          }),
          partnerStructure,
        )
      ).uuid;
      staleService = (
        await records.writeService(
          tx,
          service({ id: 'dora--sheet-stale', nom: 'Aide alimentaire ancienne', date_maj: '2024-01-15' }),
          partnerStructure,
        )
      ).uuid;
      proOnlyStructure = (
        await records.writeStructure(
          tx,
          sampleStructure({ id: 'dora--sheet-pro-only', nom: 'Structure des pros' }),
          null,
        )
      ).uuid;
      await records.writeService(
        tx,
        sampleService({
          id: 'dora--sheet-pro-only-service',
          structure_id: 'dora--sheet-pro-only',
          mobilisable_par: ['professionnels'],
        }),
        proOnlyStructure,
      );
      // France Travail's own structure on Passerelle.
      ftStructure = (
        await records.writeStructure(
          tx,
          sampleStructure({
            source: 'passerelle',
            id: `passerelle--sheet-${ft.id}`,
            nom: 'France Travail de la fiche',
            siret: null,
          }),
          ft.id,
        )
      ).uuid;
      ftService = (
        await records.writeService(
          tx,
          sampleService({
            source: 'passerelle',
            id: `passerelle--sheet-ft-service`,
            structure_id: `passerelle--sheet-${ft.id}`,
            nom: 'Atelier de France Travail',
            date_maj: today(),
          }),
          ftStructure,
        )
      ).uuid;
    });
    // The demo counsellor is a member of a Mission locale and a Cap emploi: acting for the former.
    const missionLocale = await t.db
      .selectFrom('organisation as o')
      .innerJoin('membership as m', 'm.organisation_id', 'o.id')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select('o.id')
      .where('u.email', '=', 'conseiller.missionlocale@passerelle.demo')
      .where('o.kind', '=', 'mission_locale')
      .executeTakeFirstOrThrow();
    counsellor = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
    await counsellor.post('/mon-compte/organisation', { organisationId: missionLocale.id });
    ftAdmin = await new Browser(t.app).login('admin.francetravail@passerelle.demo');
  }, 120_000);
  afterAll(() => t.close());

  const anonymous = () => new Browser(t.app);

  it('shows the public a service mobilisable by users, with its fields in French', async () => {
    const res = await anonymous().get(`/annuaire/services/${publicService}`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('Logement pour tous les publics');
    expect(body).toContain('Logement et hébergement');
    expect(body).toContain('Mis à jour le');
    expect(body).toMatch(/Rhône\s*\(69\)/);
    expect(body).toMatch(/Lyon\s*\(69\)/);
    expect(body).toContain('href="tel:0472100000"');
    expect(body).toContain('href="mailto:logement@ccas-fiche.fr"');
    expect(body).toMatch(
      /href="https:\/\/dora\.inclusion\.beta\.gouv\.fr\/services\/sheet-public"[^>]*title="[^"]*nouvelle fenêtre"/,
    );
    expect(body).toMatch(/Source\s*:\s*dora/);
    expect(body).toContain('href="/annuaire"');
    expect(body).not.toContain('Orienter une personne');
    expect(body).not.toContain('Informations mises à jour il y a plus de 6 mois');
  });

  it('answers the public 404 for a service for professionals only, and for a structure with none for users', async () => {
    const res = await anonymous().get(`/annuaire/services/${proService}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('réservé aux prescripteurs');
    expect((await anonymous().get(`/annuaire/structures/${proOnlyStructure}`)).statusCode).toBe(404);
    // The structure with a service for users: shown, with that service only.
    const structure = await anonymous().get(`/annuaire/structures/${partnerStructure}`);
    expect(structure.statusCode).toBe(200);
    expect(structure.body).toContain('Logement pour tous les publics');
    expect(structure.body).not.toContain('réservé aux prescripteurs');
  });

  it('shows a professional every service, and orients to partners on Passerelle only', async () => {
    const pro = await counsellor.get(`/annuaire/services/${proService}`);
    expect(pro.statusCode).toBe(200);
    expect(pro.body).toContain('réservé aux prescripteurs');
    expect(pro.body).not.toContain('javascript:');
    // Not on Passerelle: its contacts, no orientation.
    expect(pro.body).toContain('n’est pas sur Passerelle');
    expect(pro.body).not.toContain('/orientations/nouvelle');
    expect((await counsellor.get(`/annuaire/services/${publicService}`)).statusCode).toBe(200);
    const structure = await counsellor.get(`/annuaire/structures/${proOnlyStructure}`);
    expect(structure.statusCode).toBe(200);
    const ft = await counsellor.get(`/annuaire/services/${ftService}`);
    expect(ft.body).toMatch(
      new RegExp(`href="/orientations/nouvelle\\?vers=service&(amp;)?service=${ftService}"`),
    );
    expect(ft.body).not.toContain('Modifier ce service');
  });

  it('offers the editor « Modifier ce service », and no orientation to their own organisation', async () => {
    const res = await ftAdmin.get(`/annuaire/services/${ftService}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`href="/annuaire/ma-structure/services/${ftService}/modifier"`);
    expect(res.body).not.toContain('Orienter une personne');
    expect((await ftAdmin.get(`/annuaire/services/${publicService}`)).body).not.toContain(
      'Modifier ce service',
    );
  });

  it('flags a record not updated for 6 months', async () => {
    const res = await counsellor.get(`/annuaire/services/${staleService}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Informations mises à jour il y a plus de 6 mois');
    expect(res.body).toMatch(/Mis à jour le\s*15\s*janvier\s*2024/);
    const structure = await counsellor.get(`/annuaire/structures/${partnerStructure}`);
    expect(structure.body).toContain('À vérifier');
  });

  it('answers 404, not 500, to a bad or unknown id', async () => {
    for (const url of [
      '/annuaire/services/abc',
      '/annuaire/services/00000000-0000-4000-8000-000000000000',
      "/annuaire/services/1'%20or%201=1",
      '/annuaire/structures/abc',
      '/annuaire/structures/00000000-0000-4000-8000-000000000000',
      `/annuaire/structures/${publicService}`,
    ]) {
      expect((await anonymous().get(url)).statusCode, url).toBe(404);
      expect((await counsellor.get(url)).statusCode, url).toBe(404);
    }
  });

  it('writes the demo’s sheets in French typography (test/typography.test.ts walks no :serviceId)', async () => {
    // The slips of test/typography.test.ts that generated text could make.
    const slips: [string, RegExp][] = [
      ['espace avant « : ; ! ? »', /(?:[ \t]|[\p{L}\p{N})»])[:;!?](?=\s|$)/mu],
      ['apostrophe droite', /\p{L}'\p{L}/u],
      [
        '« de » devant une voyelle',
        /(?<![\p{L}\p{N}’'-])[Dd]e (?!onze)(?!\S*[@/])[aeiouàâéèêîôûAEIOUÀÂÉÈÊÎÔÛ]/u,
      ],
      ['guillemets', /«(?![\u00A0\u202F])|(?<![\u00A0\u202F])»/u],
      ['date', /\b\d{4}-\d{2}-\d{2}\b/],
    ];
    const visible = (html: string) =>
      html
        .slice(html.indexOf('<main'), html.indexOf('</main>'))
        .replace(/<\/?(a|abbr|b|em|i|mark|small|span|strong)\b[^>]*>/gi, '')
        .replace(/<[^>]*>/g, '\n')
        .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
        .replace(/&amp;/g, '&');
    const services = await t.db
      .selectFrom('directory_service')
      .select('id')
      .orderBy('id')
      .limit(120)
      .execute();
    const structures = await t.db.selectFrom('directory_structure').select('id').orderBy('id').execute();
    const found: string[] = [];
    for (const url of [
      ...services.map((r) => `/annuaire/services/${r.id}`),
      ...structures.map((r) => `/annuaire/structures/${r.id}`),
    ]) {
      const res = await counsellor.get(url);
      expect(res.statusCode, url).toBe(200);
      for (const line of visible(res.body).split('\n'))
        for (const [name, re] of slips) if (re.test(line)) found.push(`${url} ${name} : ${line.trim()}`);
    }
    expect([...new Set(found)].slice(0, 10)).toEqual([]);
  }, 120_000);

  it('opens the demo’s services to the public that users mobilise', async () => {
    const demo = await t.db
      .selectFrom('directory_service')
      .select('id')
      .where('source_id', 'not like', '%sheet%')
      .where((w) => w(w.val('usagers'), '=', w.fn.any('mobilisable_par')))
      .limit(3)
      .execute();
    expect(demo.length).toBe(3);
    for (const { id } of demo)
      expect((await anonymous().get(`/annuaire/services/${id}`)).statusCode).toBe(200);
  });
});
