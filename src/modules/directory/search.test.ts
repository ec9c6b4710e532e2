import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { sampleService, sampleStructure } from '../../../test/directory-fixtures.js';
import type { Actor } from '../identity/model.js';
import { referentialsService } from '../referentials/service.js';
import type { DirectoryNeeds } from './needs.js';
import type { DiService } from './records.js';
import { recordsRepository } from './records-repository.js';
import { directoryService } from './service.js';

const TODAY = '2026-11-24';
/** A professional: a signed-in member of an organisation (rights.ts isProfessional). */
const professional = {
  via: 'session',
  userId: null,
  label: 'Conseillère',
  isSuperAdmin: false,
  organisationId: '00000000-0000-4000-8000-000000000001',
  role: 'conseiller',
  memberships: [],
  ip: null,
} as Actor;

describe.each(testEngines())('directory search (issue 13 §2) on %s', (engine) => {
  let t: TestApp;
  let directory: ReturnType<typeof directoryService>;
  const uuids = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp(engine);
    const records = recordsRepository(t.db);
    const structures = {
      lyon: sampleStructure(),
      vienne: sampleStructure({
        id: 'dora--ccas-vienne',
        nom: 'CCAS de Vienne',
        siret: null,
        code_postal: '38200',
        code_insee: '38544',
        commune: 'Vienne',
        latitude: 45.5221,
        longitude: 4.8803,
      }),
      grenoble: sampleStructure({
        id: 'dora--adil-38',
        nom: 'ADIL de l’Isère',
        siret: null,
        code_postal: '38000',
        code_insee: '38185',
        commune: 'Grenoble',
        latitude: 45.1842,
        longitude: 5.7155,
      }),
    };
    const structureUuid: Record<string, string> = {};
    for (const [k, s] of Object.entries(structures))
      structureUuid[k] = (await records.writeStructure(t.db, s)).uuid;
    const service = (key: string, structure: keyof typeof structures, over: Partial<DiService>) =>
      [
        key,
        structure,
        sampleService({ id: `dora--${key}`, structure_id: structures[structure].id, ...over }),
      ] as const;
    for (const [key, structure, v] of [
      service('logement-lyon', 'lyon', {}),
      service('logement-pro', 'lyon', { nom: 'Dossier DALO', mobilisable_par: ['professionnels'] }),
      service('logement-ancien', 'lyon', { nom: 'Permanence logement', date_maj: '2026-01-10' }),
      service('emploi-lyon', 'lyon', {
        nom: 'Atelier CV',
        description: 'Rédiger son CV avec une conseillère.',
        thematiques: ['preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation'],
        frais: 'payant',
        type: 'atelier',
      }),
      service('logement-vienne', 'vienne', {}),
      service('remote-69', 'grenoble', {
        nom: 'Conseil juridique logement par téléphone',
        modes_accueil: ['a-distance'],
        zone_eligibilite: ['69'],
        publics: ['jeunes'],
      }),
      service('remote-75', 'grenoble', {
        nom: 'Conseil logement Paris',
        modes_accueil: ['a-distance'],
        zone_eligibilite: ['75'],
      }),
    ] as const)
      uuids.set(key, (await records.writeService(t.db, v, structureUuid[structure]!)).uuid);
    directory = directoryService(
      t.db,
      { referentials: referentialsService(t.db) } as unknown as DirectoryNeeds,
      { today: () => TODAY },
    );
  }, 120_000);
  afterAll(() => t?.close());

  const keysOf = (items: { uuid: string }[]) =>
    items.map((i) => [...uuids].find(([, u]) => u === i.uuid)?.[0]).sort();

  it('« logement » within 20 km of Lyon: housing services inside the radius, remote ones covering it; not outside, not other thématiques', async () => {
    const r = await directory.search(professional, { q: 'logement', commune: '69123', radiusKm: '20' });
    expect(keysOf(r.items)).toEqual(['logement-ancien', 'logement-lyon', 'logement-pro', 'remote-69']);
    expect(r.total).toBe(4);
    expect(r.needs.map((n) => n.label)).toContain('Logement et hébergement');
    expect(r.commune?.name).toBe('Lyon');
    const remote = r.items.find((i) => i.uuid === uuids.get('remote-69'))!;
    expect(remote.remote).toBe(true);
    expect(remote.distanceKm).toBeNull();
    const near = r.items.find((i) => i.uuid === uuids.get('logement-lyon'))!;
    expect(near.remote).toBe(false);
    expect(near.distanceKm).toBeLessThan(1.5);
    expect(near.thematiques[0]!.label).toBe('Louer un logement');
    // On-site first by distance, then the remote one.
    expect(r.items.at(-1)!.uuid).toBe(uuids.get('remote-69'));
    expect(r.families).toEqual([
      { family: 'logement-hebergement', label: 'Logement et hébergement', count: 4 },
    ]);
    // 30 km reach Vienne (27 km).
    const wider = await directory.search(professional, {
      q: 'logement',
      commune: 'Lyon (69)',
      radiusKm: '30',
    });
    expect(keysOf(wider.items)).toContain('logement-vienne');
  });

  it('« logemnt » (typo) finds the same services and says what it understood', async () => {
    const r = await directory.search(professional, { q: 'logemnt', commune: '69123' });
    expect(keysOf(r.items)).toEqual(['logement-ancien', 'logement-lyon', 'logement-pro', 'remote-69']);
    expect(r.corrections).toEqual([{ from: 'logemnt', to: 'logement' }]);
    expect(r.radiusKm).toBe(20);
  });

  it('the public sees only the services mobilisable by users', async () => {
    const r = await directory.search(null, { q: 'logement', commune: '69123' });
    expect(keysOf(r.items)).toEqual(['logement-ancien', 'logement-lyon', 'remote-69']);
    expect(r.publicOnly).toBe(true);
    expect((await directory.search(professional, {})).publicOnly).toBe(false);
  });

  it('a remote service whose zone covers the department is found, and only with « à distance »', async () => {
    const r = await directory.search(professional, { commune: '69266', accueil: 'a-distance' });
    expect(keysOf(r.items)).toEqual(['remote-69']);
    const onSite = await directory.search(professional, { commune: '69266', accueil: 'en-presentiel' });
    expect(keysOf(onSite.items)).not.toContain('remote-69');
    // Without words, by distance.
    expect(onSite.items.map((i) => i.distanceKm)).toEqual([...onSite.items.map((i) => i.distanceKm)].sort());
  });

  it('filters: public (« tous-publics » matches any), fees, type, thématique; words beside needs match the text', async () => {
    expect(
      keysOf((await directory.search(professional, { q: 'logement', public: 'jeunes' })).items),
    ).toContain('remote-69');
    expect(keysOf((await directory.search(professional, { public: 'seniors' })).items)).not.toContain(
      'remote-69',
    );
    expect(keysOf((await directory.search(professional, { frais: 'payant' })).items)).toEqual([
      'emploi-lyon',
    ]);
    expect(keysOf((await directory.search(professional, { type: 'atelier' })).items)).toEqual([
      'emploi-lyon',
    ]);
    expect(
      keysOf((await directory.search(professional, { thematique: 'preparer-sa-candidature' })).items),
    ).toEqual(['emploi-lyon']);
    // « conseillère » is no need word: it is read on the services' texts.
    const text = await directory.search(professional, { q: 'conseillère' });
    expect(keysOf(text.items)).toEqual(['emploi-lyon']);
  });

  it('flags the services not updated for 6 months', async () => {
    const r = await directory.search(professional, { q: 'logement', commune: '69123' });
    const stale = r.items.filter((i) => i.stale).map((i) => i.uuid);
    expect(stale).toEqual([uuids.get('logement-ancien')]);
  });

  it('the API answers the same, public, and refuses each bad filter with a 400 naming the field', async () => {
    const ok = await t.app.inject({
      method: 'GET',
      url: '/api/v1/directory/search?q=logement&commune=69123',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items.map((i: { nom: string }) => i.nom)).not.toContain('Dossier DALO');
    for (const [query, field] of [
      [`q=${'x'.repeat(201)}`, 'q'],
      ['thematique=logement', 'thematique'],
      ['public=tous', 'public'],
      ['commune=Atlantide', 'commune'],
      ['commune=69123&radiusKm=500', 'radiusKm'],
      ['radiusKm=abc', 'radiusKm'],
      ['frais=cher', 'frais'],
      ['accueil=ailleurs', 'accueil'],
      ['type=magie', 'type'],
      ['page=0', 'page'],
      ['perPage=51', 'perPage'],
    ]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/directory/search?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().field, query).toBe(field);
    }
  });
  it('the page /annuaire: public, results with badges, what was understood, the map, a refusal beside its field', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/annuaire?q=logemnt&commune=Lyon+(69)&radiusKm=20',
    });
    expect(res.statusCode).toBe(200);
    // The layout puts non-breaking spaces before « : » and inside guillemets.
    const body = res.body.replace(/[\u00a0\u202f]/g, ' ');
    expect(body).toContain('Besoin compris : Logement et hébergement');
    expect(body).toContain('« logemnt » → « logement »');
    expect(body).toContain('Aide à l’accès au logement');
    expect(body).not.toContain('Dossier DALO');
    expect(body).toContain('À vérifier : mise à jour il y a plus de 6 mois');
    expect(body).toContain('À distance');
    expect(body).toContain('Gratuit');
    expect(body).toMatch(/à 1(,\d)? km/);
    expect(body).toContain('Les professionnels connectés');
    expect(body).toContain(`href="/annuaire/services/${uuids.get('logement-lyon')}"`);
    expect(body).toContain('role="img"');
    expect(body).not.toMatch(/style="/);
    const bad = await t.app.inject({ method: 'GET', url: '/annuaire?commune=Atlantide' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body.replace(/[\u00a0\u202f]/g, ' ')).toContain('Commune « Atlantide » inconnue');
    const empty = await t.app.inject({ method: 'GET', url: '/annuaire' });
    expect(empty.statusCode).toBe(200);
  });
});
