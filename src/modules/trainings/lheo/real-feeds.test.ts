import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../test/app.js';
import { createTestDatabase } from '../../../../test/databases.js';
import type { Db } from '../../../db/database.js';
import { importRepository } from '../import-repository.js';
import { importLheo } from '../importer.js';
import { PLATFORM } from '../rights.js';
import { type CommuneReferential, communeResolver, townKey } from './communes.js';
import { LHEO_ELEMENTS } from './elements.js';
import { mapFormation } from './map.js';
import { mappingContext } from './prepare.js';
import { readLheo, type XmlNode } from './reader.js';

const FIXTURES = resolve(import.meta.dirname, '../../../../test/fixtures/lheo');
const fixture = (name: string) => readFileSync(resolve(FIXTURES, name), 'utf8');
const REAL = ['intercarif-afpa-plaquiste.xml', 'intercarif-daeu.xml', 'intercarif-poec.xml'];

async function* bytes(text: string) {
  yield Buffer.from(text);
}
const importText = (db: Db, source: string, text: string) =>
  importLheo(db, {
    source,
    mode: 'partial',
    fileName: `${source}.xml`,
    sizeBytes: Buffer.byteLength(text),
    open: () => bytes(text),
    maxBytes: 10e6,
    by: PLATFORM,
  });
const report = async (db: Db, importId: string) =>
  (
    await sql<{ severity: string; line: number; element: string; record: string; reason: string }>`
      select severity, line, element, record, reason from lheo_rejection where import_id = ${importId} order by id`.execute(
      db,
    )
  ).rows;

/** The DAEU record (Toulouse), its first address (the place of training) and others as given. */
const daeu = () => fixture('intercarif-daeu.xml');
const PLACE_COMMUNE =
  '<codepostal>31000</codepostal>\n<ville>Toulouse</ville>\n<departement>31</departement>\n<code-INSEE-commune>31555</code-INSEE-commune>';
const REGISTRATION_COMMUNE =
  '<codepostal>31500</codepostal>\n<ville>Toulouse</ville>\n<departement>31</departement>\n<code-INSEE-commune>31555</code-INSEE-commune>';

describe('Real Intercarif feeds (PGlite, referentials loaded)', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let refs: CommuneReferential;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase('pglite'));
    refs = await importRepository(db).referentials();
  });
  afterAll(() => drop());

  it('imports the three real records with 0 rejections, every element left out listed as a warning with its line', async () => {
    for (const [i, name] of REAL.entries()) {
      const outcome = await importText(db, `reel-${i}`, fixture(name));
      expect(outcome.status, name).toBe('done');
      expect(outcome.rejected, name).toBe(0);
      expect(outcome.counts.created, name).toBe(1);
      const problems = await report(db, outcome.id);
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(problems.length).toBe(outcome.warnings);
      // What the model does not keep (restauration, transport…) is said, never dropped; the POEC record
      // carries nothing the model leaves out, so it may have no warning at all.
      if (name !== 'intercarif-poec.xml') expect(outcome.warnings, name).toBeGreaterThan(0);
      for (const p of problems) {
        expect(p.line).toBeGreaterThan(0);
        expect(p.reason).toMatch(/^<[^>]+>/);
      }
    }
    const daeuReport = (
      await sql<{ reason: string }>`
        select r.reason from lheo_rejection r join lheo_import i on i.id = r.import_id where i.source = 'reel-1'`.execute(
        db,
      )
    ).rows.map((r) => r.reason);
    expect(daeuReport).toContainEqual(
      expect.stringMatching(
        /^<restauration> \(formation\/action\/restauration\) : élément LHÉO que Passerelle ne conserve pas, ignoré \(ligne \d+\)$/,
      ),
    );
    // What the model now keeps (the teaching organisation, potentials, a Carif's extras) is no longer
    // reported as left out.
    for (const kept of ['organisme-formateur', 'potentiel', 'extras'])
      expect(daeuReport.filter((r) => r.startsWith(`<${kept}>`))).toEqual([]);
    const { rows } = await sql<{ commune_code: string; source: string }>`
      select a.commune_code, t.source from training_action a join training t on t.id = a.training_id
      where t.source like 'reel-%' order by t.source, a.lheo_number`.execute(db);
    // AFPA: two actions at Veigné; DAEU: Toulouse; POEC: Grasse.
    expect(rows.map((r) => r.commune_code).sort()).toEqual(['06069', '31555', '37266', '37266']);
  });

  it('imports a record with a historic INSEE code, a postal code in code-INSEE-commune and a misspelt element, with a warning for each', async () => {
    const text = daeu()
      // Saint-Bois (01340) has been a delegated commune of Arboys en Bugey (01015) since 2016.
      .replace(
        PLACE_COMMUNE,
        '<codepostal>01300</codepostal>\n<ville>Saint-Bois</ville>\n<code-INSEE-commune>01340</code-INSEE-commune>',
      )
      // 31500 is Toulouse's postal code, and the INSEE code of Saint-Mamet: the town decides.
      .replace(REGISTRATION_COMMUNE, REGISTRATION_COMMUNE.replace('>31555<', '>31500<'))
      .replaceAll('acces-handicapes>', 'acces-handicape>');
    const outcome = await importText(db, 'communes-resolues', text);
    expect(outcome).toMatchObject({ status: 'done', rejected: 0, counts: { created: 1 } });
    const warnings = (await report(db, outcome.id)).filter((p) => p.severity === 'warning');
    const reasons = warnings.map((w) => w.reason);
    expect(reasons).toContainEqual(
      'code INSEE historique 01340 (Saint-Bois, commune déléguée) remplacé par celui de la commune actuelle 01015 (Arboys en Bugey)',
    );
    expect(reasons).toContainEqual(
      '<code-INSEE-commune> : « 31500 » est le code postal, pas le code INSEE de la commune ; commune trouvée par le code postal et la ville : 31555 (Toulouse)',
    );
    expect(reasons).toContainEqual(
      expect.stringMatching(
        /^<acces-handicape> \(formation\/action\/acces-handicape\) : élément inconnu de LHÉO \(faute de frappe pour <acces-handicapes> \?\), ignoré \(ligne \d+\)$/,
      ),
    );
    const historic = warnings.find((w) => w.reason.startsWith('code INSEE historique'))!;
    expect(historic).toMatchObject({
      element: 'code-INSEE-commune',
      record: 'formation 15_464888 / action 15_927411',
    });
    expect(historic.line).toBe(text.split('\n').findIndex((l) => l.includes('01340')) + 1);
    const { rows } = await sql<{ commune_code: string; insee: string; registration: string }>`
      select a.commune_code, a.place->>'inseeCode' as insee, s.registration_address->>'inseeCode' as registration
      from training_action a join training t on t.id = a.training_id join training_session s on s.action_id = a.id
      where t.source = 'communes-resolues'`.execute(db);
    expect(rows).toEqual([{ commune_code: '01015', insee: '01015', registration: '31555' }]);
  });

  it('replaces coordinates more than 20 km from the commune by its point, and warns', async () => {
    // The place of training says Toulouse but its point is in Paris (the organisation's head office?).
    const text = daeu().replace(
      '<latitude>43.6</latitude>\n<longitude>1.433333</longitude>',
      '<latitude>48.8566</latitude>\n<longitude>2.3522</longitude>',
    );
    const outcome = await importText(db, 'loin', text);
    expect(outcome).toMatchObject({ status: 'done', rejected: 0 });
    const toulouse = refs.communes.get('31555')!;
    const { rows } = await sql<{ latitude: number; longitude: number; place: { latitude: number } }>`
      select a.latitude, a.longitude, a.place from training_action a join training t on t.id = a.training_id
      where t.source = 'loin'`.execute(db);
    expect(rows[0]).toMatchObject({ latitude: toulouse.latitude, longitude: toulouse.longitude });
    expect(rows[0]!.place.latitude).toBe(toulouse.latitude);
    const warning = (await report(db, outcome.id)).find((p) => p.element === 'geolocalisation');
    expect(warning?.reason).toMatch(
      /^<geolocalisation> à (58\d) km de la commune 31555 \(plus de 20 km\) : remplacée par le point de la commune/,
    );
    // Toulouse's own coordinates, 0.5 km from its point, are kept as written.
    const kept = await importText(db, 'proche', daeu());
    expect((await report(db, kept.id)).filter((p) => p.element === 'geolocalisation')).toEqual([]);
  });

  it('reports every problem of a record: 3 faults, 3 rejections, each with its line and element', async () => {
    const text = daeu()
      .replace('<certifiante>1</certifiante>', '<certifiante>oui</certifiante>')
      .replace('<code-niveau-entree>4</code-niveau-entree>', '<code-niveau-entree>99</code-niveau-entree>')
      .replace(/<intitule-formation>[^<]*<\/intitule-formation>\n/, '');
    const outcome = await importText(db, 'trois-fautes', text);
    expect(outcome).toMatchObject({ status: 'done', rejected: 3, counts: { created: 0 } });
    const errors = (await report(db, outcome.id)).filter((p) => p.severity === 'error');
    const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
    expect(errors.map((e) => [e.line, e.element, e.record, e.reason]).sort()).toEqual(
      [
        [
          lineOf('<formation '),
          'formation',
          'formation 15_464888',
          '<intitule-formation> obligatoire absent ou vide',
        ],
        [lineOf('<certifiante>'), 'certifiante', 'formation 15_464888', '<certifiante> doit valoir 0 ou 1'],
        [
          lineOf('<code-niveau-entree>'),
          'code-niveau-entree',
          'formation 15_464888',
          '<code-niveau-entree> : code « 99 » inconnu du dictionnaire LHÉO',
        ],
      ].sort(),
    );
  });

  it('reads LHÉO 2.2 and 2.3 namespaces, warns when there is none, and refuses any other, naming it', async () => {
    const v22 = daeu().replace('numero="15_464888"', 'numero="NS-22"');
    const v23 = v22.replace('http://www.lheo.org/2.2', 'http://lheo.gouv.fr/2.3').replace('NS-22', 'NS-23');
    const none = v22.replace(' xmlns="http://www.lheo.org/2.2"', '').replace('NS-22', 'NS-0');
    const other = v22.replace('http://www.lheo.org/2.2', 'http://www.lheo.org/2.1');
    for (const [name, text] of Object.entries({ v22, v23 })) {
      const outcome = await importText(db, `ns-${name}`, text);
      expect(outcome, name).toMatchObject({ status: 'done', rejected: 0, counts: { created: 1 } });
      expect(
        (await report(db, outcome.id)).filter((p) => p.record === 'fichier'),
        name,
      ).toEqual([]);
    }
    const withoutNamespace = await importText(db, 'ns-none', none);
    expect(withoutNamespace).toMatchObject({ status: 'done', rejected: 0, counts: { created: 1 } });
    expect((await report(db, withoutNamespace.id))[0]).toMatchObject({
      severity: 'warning',
      element: 'lheo',
      record: 'fichier',
      reason: expect.stringMatching(/^Aucun espace de noms LHÉO déclaré sur <lheo>/),
    });
    const refused = await importText(db, 'ns-other', other);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(
      /^Espace de noms « http:\/\/www\.lheo\.org\/2\.1 » non pris en charge sur <lheo> : un fichier LHÉO déclare http:\/\/lheo\.gouv\.fr\/2\.3 \(LHÉO 2\.3\) ou http:\/\/www\.lheo\.org\/2\.2 \(LHÉO 2\.2\) \(ligne 2/,
    );
    expect(refused.counts.created).toBe(0);
  });

  it('picks, for a postal code shared by several communes, the one the town names, and never the first by default', () => {
    const resolve = communeResolver(refs);
    const at = (postalCode: string, city: string, inseeCode: string | null = null) => {
      const found = resolve({ postalCode, city, inseeCode });
      return 'error' in found ? found : { code: found.code, note: found.note };
    };
    // 37250: Montbazon, Sorigny and Veigné.
    expect(at('37250', 'VEIGNE')).toEqual({ code: '37266', note: null });
    expect(at('37250', 'Sorigny')).toEqual({ code: '37250', note: null });
    expect(at('37250', 'Tours')).toEqual({
      error:
        'aucune des 3 communes du code postal 37250 ne s’appelle « Tours » (37154 (Montbazon), 37250 (Sorigny), 37266 (Veigné))',
    });
    // A postal code in code-INSEE-commune: 37250 is also Sorigny's INSEE code; the town says Veigné.
    expect(at('37250', 'Veigné', '37250')).toMatchObject({ code: '37266' });
    expect(at('37250', 'Sorigny', '37250')).toEqual({ code: '37250', note: null });
    // An unknown code falls back to the postal code and the town, then only is refused.
    expect(at('37250', 'Veigné', '37999')).toMatchObject({
      code: '37266',
      note: expect.stringMatching(/inconnu/),
    });
    expect(at('37250', 'Tours', '37999')).toEqual({
      error: expect.stringMatching(
        /^<code-INSEE-commune> : code INSEE « 37999 » inconnu, et aucune des 3 communes/,
      ),
    });
    // Normalised towns: abbreviations, CEDEX, arrondissements, a delegated commune's name.
    expect(at('42100', 'ST ETIENNE')).toEqual({ code: '42218', note: null });
    expect(at('75010', 'PARIS 10EME')).toEqual({ code: '75110', note: null });
    expect(at('69003', 'Lyon 3e arrondissement')).toEqual({ code: '69383', note: null });
    expect(at('13001', 'MARSEILLE 1')).toEqual({ code: '13201', note: null });
    expect(at('33074', 'BORDEAUX CEDEX')).toMatchObject({
      code: '33063',
      note: expect.stringMatching(/dans le département/),
    });
    expect(at('01300', 'Saint-Bois')).toMatchObject({
      code: '01015',
      note: expect.stringMatching(/ancien nom/),
    });
  });

  it('maps the warnings of a record in memory as the import stores them (no namespace needed in map.ts)', async () => {
    const nodes: XmlNode[] = [];
    await readLheo(bytes(daeu()), (node) => {
      nodes.push(node);
    });
    const mapped = mapFormation(nodes[0]!, mappingContext(await importRepository(db).referentials()));
    expect(mapped.rejections).toEqual([]);
    expect(mapped.warnings.every((w) => w.record === 'formation 15_464888')).toBe(true);
  });
});

describe('Import report with warnings (page, CSV, JSON)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { demo: true });
  });
  afterAll(() => t.close());

  it('shows the counts of rejections and warnings, lists the warnings, and puts both in the downloads', async () => {
    const text = daeu()
      .replace('acces-handicapes>', 'acces-handicape>')
      .replace('acces-handicapes>', 'acces-handicape>')
      .replace(
        '<certifiante>1</certifiante>',
        '<certifiante>1</certifiante>\n<intitule-formaton>x</intitule-formaton>',
      );
    const second = daeu()
      .replace('numero="15_464888"', 'numero="REJETEE"')
      .replace('<certifiante>1</certifiante>', '<certifiante>oui</certifiante>');
    const both = text.replace(
      '</offres>',
      `${second.slice(second.indexOf('<formation '), second.indexOf('</offres>'))}</offres>`,
    );
    const outcome = await importText(t.db, 'rapport', both);
    expect(outcome).toMatchObject({ status: 'done', rejected: 1, counts: { created: 1 } });
    expect(outcome.warnings).toBeGreaterThan(2);
    const b = await new Browser(t.app).login('superadmin@passerelle.demo');
    const page = await b.get(`/formations/imports/${outcome.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      `Import terminé avec 1\u00a0rejet et ${outcome.warnings}\u00a0avertissements`,
    );
    expect(page.body).toContain(`Rejets\u00a0: 1 · avertissements\u00a0: ${outcome.warnings}`);
    expect(page.body).toMatch(/Avertissements \(enregistrements importés[^<]*\u00a0: \d+/);
    // The page escapes « < » (@kitajs/html leaves « > » as is in text).
    expect(page.body).toMatch(
      /&lt;intitule-formaton(?:&gt;|>) \(formation\/intitule-formaton\)\u00a0: élément inconnu de LHÉO/,
    );
    const csv = await b.get(`/formations/imports/${outcome.id}/rejets.csv`);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toMatch(/^"?Gravité"?[;,]"?Ligne"?/);
    expect(lines.filter((l) => /^"?rejet"?[;,]/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /^"?avertissement"?[;,]/.test(l))).toHaveLength(outcome.warnings);
    const json = await b.get(`/formations/imports/${outcome.id}/rapport.json`);
    const report = JSON.parse(json.body);
    expect(report.totals).toEqual({ rejected: 1, warnings: outcome.warnings });
    expect(report.rejections).toEqual([
      expect.objectContaining({
        element: 'certifiante',
        record: 'formation REJETEE',
        reason: '<certifiante> doit valoir 0 ou 1',
      }),
    ]);
    expect(report.warnings).toHaveLength(outcome.warnings);
  });
});

describe('Town names as feeds write them (townKey)', () => {
  it.each([
    ['SAINT-ÉTIENNE CEDEX 2', 'saint etienne'],
    ['Ste Foy lès Lyon', 'sainte foy les lyon'],
    ['PARIS 10', 'paris 10e'],
    ['Paris 1er arrondissement', 'paris 1er'],
    ['Marseille 01', 'marseille 1er'],
    ['LE HAVRE', 'havre'],
    ['Havre (Le)', 'havre'],
    ['L’Isle-Adam', 'isle adam'],
  ])('%s → %s', (city, key) => {
    expect(townKey(city)).toBe(key);
  });
});

describe('LHÉO element names (elements.ts)', () => {
  it('lists exactly the element names of the LHÉO 2.3 XSD', () => {
    const xsd = readFileSync(resolve(import.meta.dirname, '../../../../data/lheo/lheo-2.3.xsd'), 'utf8');
    const names = new Set([...xsd.matchAll(/<xs:element name="([^"]+)"/g)].map((m) => m[1]!));
    expect([...LHEO_ELEMENTS].sort()).toEqual([...names].sort());
  });
});
