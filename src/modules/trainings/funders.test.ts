import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { SHOWN_OVERLAPS, SHOWN_PURCHASES } from './funders-page.js';

/** A CSV export as rows of cells (no cell of these exports holds a « ; » or a quote). */
function parseCsv(body: string) {
  const [header, ...lines] = body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  const columns = header!.split(';');
  return lines.map((l) => Object.fromEntries(l.split(';').map((v, i) => [columns[i]!, v])));
}
const placesIn = (rows: Record<string, string>[]) =>
  rows.reduce((sum, r) => sum + Number(r['Places financées'] || 0), 0);
const unknownIn = (rows: Record<string, string>[]) =>
  rows.reduce((sum, r) => sum + Number(r['Actions aux places non précisées']), 0);

describe.each(testEngines())('funders’ page on %s', (engine) => {
  let t: TestApp;
  let analyst: Browser;
  /** A funded action of the demo: its funder, department, zone, quarter and places. */
  let target: {
    action: string;
    training: string;
    funder: string;
    places: number;
    department: string;
    commune: string;
    zone: string;
    quarter: string;
  };
  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    analyst = await new Browser(t.app).login('analyste.region@passerelle.demo');
    const { rows } = await sql<typeof target>`
      select a.id as action, a.training_id as training, af.funder_code as funder, af.places,
        a.department_code as department, a.commune_code as commune, cz.zone_code as zone,
        (select to_char(min(s.start_date), 'YYYY') || '-T' || to_char(min(s.start_date), 'Q')
          from training_session s where s.action_id = a.id and s.status = 'active') as quarter
      from training_action a join action_funder af on af.action_id = a.id
      join commune_employment_zone cz on cz.commune_code = a.commune_code
      where a.status = 'active' and af.places > 0
        and exists (select 1 from training_session s where s.action_id = a.id and s.status = 'active')
        and (select count(*) from action_funder o where o.action_id = a.id) = 1
        and (select count(*) from training_action o where o.training_id = a.training_id) = 1
      order by a.lheo_number limit 1`.execute(t.db);
    target = rows[0]!;
  });
  afterAll(() => t.close());

  const csv = async (url: string) => {
    const res = await analyst.get(url);
    expect(res.statusCode).toBe(200);
    return parseCsv(res.body);
  };

  it('counts every place once at both area levels, the employment zone included', async () => {
    const byDepartment = await csv('/financeurs/achats.csv');
    const byZone = await csv('/financeurs/achats.csv?area=zone');
    expect(Object.keys(byZone[0]!)[1]).toBe('Zone d’emploi');
    expect(placesIn(byZone)).toBe(placesIn(byDepartment));
    expect(placesIn(byDepartment)).toBeGreaterThan(1000);
    // Lines name the zone by its code and INSEE name; a filter keeps that zone only.
    const [zoneName] = (
      await sql<{ name: string }>`select name from employment_zone where code = ${target.zone}`.execute(t.db)
    ).rows;
    const oneZone = await csv(`/financeurs/achats.csv?area=zone&zone=${target.zone}`);
    expect(oneZone.length).toBeGreaterThan(0);
    expect(new Set(oneZone.map((r) => r['Zone d’emploi']))).toEqual(
      new Set([`${target.zone} ${zoneName!.name}`]),
    );
    const page = await analyst.get(`/financeurs?area=zone&zone=${target.zone}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Places par zone d’emploi');
    expect(page.body).toContain(`${zoneName!.name} (${target.zone})`); // the filter's option
  });

  it('counts an action whose commune has no zone under « zone d’emploi non renseignée »', async () => {
    const before = placesIn(await csv('/financeurs/achats.csv?area=zone'));
    await sql`update training_action set commune_code = '98818' where id = ${target.action}`.execute(t.db);
    try {
      const rows = await csv('/financeurs/achats.csv?area=zone');
      expect(placesIn(rows)).toBe(before);
      const unknown = rows.filter((r) => r['Zone d’emploi'] === 'Zone d’emploi non renseignée');
      expect(placesIn(unknown)).toBe(target.places);
    } finally {
      await sql`update training_action set commune_code = ${target.commune} where id = ${target.action}`.execute(
        t.db,
      );
    }
  });

  it('counts a training with no ROME code under « ROME non renseigné », and places non précisées apart, never as 0', async () => {
    const filter = `funder=${target.funder}&department=${target.department}&quarter=${target.quarter}`;
    const before = await csv(`/financeurs/achats.csv?${filter}`);
    await sql`update training set rome_codes = '{}' where id = ${target.training}`.execute(t.db);
    await sql`update action_funder set places = null where action_id = ${target.action}`.execute(t.db);
    const rows = await csv(`/financeurs/achats.csv?${filter}`);
    // The action is still there, under its own line: no places stated, one action non précisée.
    const noRome = rows.filter((r) => r['Domaine ROME'] === '');
    expect(noRome).toEqual([
      expect.objectContaining({
        'Libellé du domaine': 'ROME non renseigné',
        'Places financées': '',
        Actions: '1',
        'Actions aux places non précisées': '1',
      }),
    ]);
    expect(placesIn(rows)).toBe(placesIn(before) - target.places);
    expect(unknownIn(rows)).toBe(unknownIn(before) + 1);
    expect(rows.reduce((n, r) => n + Number(r.Actions), 0)).toBe(
      before.reduce((n, r) => n + Number(r.Actions), 0),
    );

    const page = await analyst.get(`/financeurs?${filter}`);
    expect(page.body).toContain('ROME non renseigné');
    expect(page.body).toMatch(/dont 1\u00a0action aux places non précisées/);
    expect(page.body).toMatch(/<td class="fr-cell--right">non précisées<\/td>/);
    expect(page.body).not.toMatch(
      /<td class="fr-cell--right">0<\/td>\s*<td class="fr-cell--right">1<\/td>\s*<td class="fr-cell--right">1<\/td>/,
    );
  });

  it('says how much of a cut table it shows and links to the whole of it in CSV, figures grouped the French way', async () => {
    const page = await analyst.get('/financeurs');
    const all = await csv('/financeurs/achats.csv');
    expect(all.length).toBeGreaterThan(SHOWN_PURCHASES);
    const total = new Intl.NumberFormat('fr-FR').format(all.length);
    expect(page.body).toContain(`${SHOWN_PURCHASES} premières lignes sur ${total}`);
    expect(page.body).toContain('href="/financeurs/achats.csv"');
    // The total of places, over 1 000, with a narrow no-break space between digit groups.
    expect(page.body).toMatch(/Total\u00a0: \d{1,3}\u202f\d{3}\u00a0places financées/);
    // Right-aligned figures: the header and the cells.
    expect(page.body).toMatch(
      /<th scope="col" class="fr-cell--right fr-cell--multiline">Places financées<\/th>/,
    );

    const overlaps = await csv('/financeurs/recouvrements.csv');
    const count = Number(page.body.match(/Recouvrements\u00a0: (\d+)/)![1]);
    expect(new Set(overlaps.map((o) => `${o.Département}|${o['Code ROME']}|${o.Trimestre}`)).size).toBe(
      count,
    );
    if (count > SHOWN_OVERLAPS)
      expect(page.body).toContain(`${SHOWN_OVERLAPS} premières lignes sur ${count}`);
    // The seeded overlap: the Region and France Travail buying the same trade, same place, same quarter.
    const seeded = overlaps.filter((o) => o['Places financées'] === '12' || o['Places financées'] === '10');
    expect(seeded.map((o) => o.Financeur)).toEqual(
      expect.arrayContaining(['Collectivité territoriale - Conseil régional', 'France Travail']),
    );
  });

  it('refuses a bad zone or area level with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['zone=84O5', 'Zone d’emploi invalide'],
      ['area=commune', 'Zonage invalide'],
      ['zone=8405&zone=8421', 'Un seul filtre'],
    ] as const) {
      const res = await analyst.get(`/financeurs/achats.csv?${query}`);
      expect([query, res.statusCode]).toEqual([query, 400]);
      expect(res.body).toContain(field);
    }
  });
});
