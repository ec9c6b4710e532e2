import { describe, expect, it } from 'vitest';
import { familyOf } from './enums.js';
import {
  bigTowns,
  type GeneratorCommune,
  type GeneratorOrganisation,
  generateDirectory,
} from './generator.js';
import { isStale } from './rules.js';
import { checkService, checkStructure } from './schema-check.js';

const TODAY = '2026-11-24';

/** 60 communes of two departments, the first ones big towns. */
const communes: GeneratorCommune[] = Array.from({ length: 60 }, (_, i) => ({
  code: `${i < 30 ? '69' : '38'}${String(100 + i).padStart(3, '0')}`,
  name: `Commune ${i}`,
  postalCode: `${i < 30 ? '69' : '38'}${String(100 + i).padStart(3, '0')}`,
  departmentCode: i < 30 ? '69' : '38',
  epciCode: i % 3 ? '200046977' : null,
  // A grid 30 km apart: every big town counts.
  latitude: 44.5 + (i % 6) * 0.3,
  longitude: 4 + Math.floor(i / 6) * 0.4,
  population: Math.round(500_000 / (i + 1)),
}));

const organisations: GeneratorOrganisation[] = (
  [
    ['mission_locale', 'Mission locale de Commune 0'],
    ['france_travail', 'France Travail Commune 1'],
    ['cap_emploi', 'Cap emploi Commune 2'],
    ['siae_aci', 'Chantier d’insertion des Jardins de Commune 3'],
    ['siae_etti', 'Tremplin Intérim Commune 4'],
    ['commune', 'Mairie de Commune 5'],
    ['fonds_garantie', 'ADIE — agence de Commune 6'],
    ['structure_accompagnement', 'BGE Commune 7'],
    ['region', 'Région Auvergne-Rhône-Alpes'],
    ['organisme_formation', 'AFPA Commune 8'],
    ['employeur', 'Dupont & Fils'],
  ] as const
).map(([kind, name], i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name,
  kind,
  siret: null,
  communeCode: communes[i]!.code,
  email: `contact${i}@exemple.demo`,
  phone: '04 72 00 00 00',
}));

const input = { seed: 7, today: TODAY, communes, organisations };

describe('directory generator', () => {
  it('gives one structure per organisation, linked, with its networks from its kind', () => {
    const d = generateDirectory({ ...input, services: 300 });
    const own = d.structures.filter((s) => s.organisationId);
    expect(own).toHaveLength(organisations.length);
    const byOrg = new Map(own.map((s) => [s.organisationId, s.record]));
    const reseaux = (i: number) => byOrg.get(organisations[i]!.id)!.reseaux_porteurs;
    expect(reseaux(0)).toEqual(['mission-locale']);
    expect(reseaux(1)).toEqual(['france-travail']);
    expect(reseaux(2)).toEqual(['cap-emploi-reseau-cheops']);
    expect(reseaux(3)).toEqual(['aci']);
    expect(reseaux(4)).toEqual(['etti']);
    expect(reseaux(5)).toEqual(['communes', 'ccas-cias']);
    expect(reseaux(6)).toEqual(['adie']);
    expect(reseaux(7)).toEqual(['reseau-bge']);
    expect(reseaux(8)).toEqual(['regions']);
    expect(reseaux(9)).toEqual(['afpa']);
    for (const s of own) {
      expect(s.record.source).toBe('passerelle');
      expect(s.record.id).toBe(`passerelle--${s.organisationId}`);
    }
    // Every structure offers at least one service; the count is the one asked for.
    expect(d.services).toHaveLength(300);
    const offering = new Set(d.services.map((v) => v.structure_id));
    for (const s of d.structures) expect(offering.has(s.record.id)).toBe(true);
    expect(d.structures.length).toBeGreaterThanOrEqual(60);
    expect(d.structures.length).toBeLessThanOrEqual(90);
  });

  it('takes as big towns the most populated communes 25 km apart or more', () => {
    const lyon = { ...communes[0]!, name: 'Lyon', latitude: 45.758, longitude: 4.835 };
    const villeurbanne = { ...communes[1]!, name: 'Villeurbanne', latitude: 45.771, longitude: 4.89 };
    const grenoble = { ...communes[2]!, name: 'Grenoble', latitude: 45.188, longitude: 5.724 };
    expect(bigTowns([lyon, villeurbanne, grenoble]).map((c) => c.name)).toEqual(['Lyon', 'Grenoble']);
  });

  it('is deterministic for a seed, and another seed gives another region', () => {
    const a = generateDirectory({ ...input, services: 200 });
    const b = generateDirectory({ ...input, services: 200 });
    const c = generateDirectory({ ...input, seed: 8, services: 200 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('writes 5,000 services and their structures valid against the data·inclusion schema', () => {
    const d = generateDirectory({ ...input, services: 5000 });
    const structureProblems = d.structures.flatMap((s) =>
      checkStructure(s.record).map((p) => `${s.record.id} ${p.field}: ${p.message}`),
    );
    const serviceProblems = d.services.flatMap((v) =>
      checkService(v).map(
        (p) => `${v.id} ${p.field}: ${p.message} (${JSON.stringify(v[p.field as keyof typeof v])})`,
      ),
    );
    expect(structureProblems.slice(0, 5)).toEqual([]);
    expect(serviceProblems.slice(0, 5)).toEqual([]);
    // Ids are unique, and every service names a structure of the set.
    expect(new Set(d.services.map((v) => v.id)).size).toBe(d.services.length);
    expect(new Set(d.structures.map((s) => s.record.id)).size).toBe(d.structures.length);
    const ids = new Set(d.structures.map((s) => s.record.id));
    for (const v of d.services) expect(ids.has(v.structure_id)).toBe(true);
  });

  it('draws believable shares: about a quarter stale, 60 % mobilisable by users, descriptions of 200–600 characters', () => {
    const d = generateDirectory({ ...input, services: 3000 });
    const share = (n: number) => n / d.services.length;
    const stale = share(d.services.filter((v) => isStale(v.date_maj, TODAY)).length);
    expect(stale).toBeGreaterThan(0.18);
    expect(stale).toBeLessThan(0.32);
    const oldest = d.services.map((v) => v.date_maj).sort()[0]!;
    expect(oldest >= '2025-05-01').toBe(true);
    const usagers = share(d.services.filter((v) => v.mobilisable_par?.includes('usagers')).length);
    expect(usagers).toBeGreaterThan(0.45);
    expect(usagers).toBeLessThan(0.75);
    expect(share(d.services.filter((v) => v.frais === 'gratuit').length)).toBeGreaterThan(0.75);
    for (const v of d.services) {
      expect(v.description.length).toBeGreaterThanOrEqual(150);
      expect(v.description.length).toBeLessThanOrEqual(600);
    }
    expect(share(d.services.filter((v) => v.description.length >= 200).length)).toBeGreaterThan(0.9);
    // At a distance, some; ateliers and formations say their weekly hours and weeks.
    expect(d.services.some((v) => v.modes_accueil?.includes('a-distance'))).toBe(true);
    expect(d.services.some((v) => v.zone_eligibilite?.includes('france'))).toBe(true);
    for (const v of d.services.filter((x) => x.type === 'atelier' || x.type === 'formation')) {
      expect(v.volume_horaire_hebdomadaire).toBeGreaterThan(0);
      expect(v.nombre_semaines).toBeGreaterThan(0);
    }
    // Housing services in each of the big towns (a CCAS each), at least 25 km apart.
    expect(bigTowns(communes).map((c) => c.name)).toEqual(communes.slice(0, 6).map((c) => c.name));
    for (const c of bigTowns(communes)) {
      const here = new Set(
        d.structures.filter((s) => s.record.code_insee === c.code).map((s) => s.record.id),
      );
      expect(
        d.services.some(
          (v) =>
            here.has(v.structure_id) && v.thematiques?.some((t) => familyOf(t) === 'logement-hebergement'),
        ),
      ).toBe(true);
    }
  });

  it('generates 100,000 services in under 10 s', () => {
    const started = performance.now();
    const d = generateDirectory({ ...input, services: 100_000 });
    const ms = performance.now() - started;
    expect(d.services).toHaveLength(100_000);
    expect(ms).toBeLessThan(10_000);
  }, 30_000);
});
