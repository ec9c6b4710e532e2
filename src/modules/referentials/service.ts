import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/database.js';
import type { SkillKind } from '../../db/schema.js';
import { notFound } from '../../shared/errors.js';
import { progress } from '../../shared/progress.js';
import { queryTokens } from '../../shared/text.js';
import {
  APPELLATION_INDEX,
  COMMUNE_INDEX,
  type PrefixIndex,
  type ReferentialRows,
  referentialsRepository,
} from './repository.js';
import { type MetierSkill, rome4Repository } from './rome4-repository.js';
import { ROME4_VERSION, rome4 } from './rome4-sources.js';
import { administrative, employmentZones, romeAppellations, romeTrades } from './sources.js';

export const MAX_SUGGESTIONS = 20;
export { ROME4_VERSION };

/** The referential_load row that carries each versioned referential's version, and its name in the UI. */
const VERSIONED: Record<string, string> = { rome4_metiers: 'ROME 4.0' };

export function readReferentialFiles(): ReferentialRows {
  const admin = administrative();
  const zones = employmentZones(admin.communes.map((c) => c.code));
  const rome4Rows = rome4();
  return {
    source: 'data/referentials + @etalab/decoupage-administratif',
    ...admin,
    trades: romeTrades(),
    // The 11,061 appellations of the v3 list keep their code, label and trade, and gain their ROME
    // 4.0 métier. The 2,059 appellations that only ROME 4.0 has are not added (yet): the demo feed
    // draws its trainings from the whole appellation table (trainings/feed.ts), so adding them would
    // change the demo catalogue every test relies on. See data/referentials/README.md.
    appellations: romeAppellations().map((a) => ({
      ...a,
      metier_code: rome4Rows.metierOfAppellation.get(a.code) ?? null,
    })),
    rome4: rome4Rows,
    employmentZones: zones.zones,
    communeEmploymentZones: zones.communeZones,
  };
}

export function referentialsService(db: Db, options: { cacheSize?: number } = {}) {
  const repo = referentialsRepository(db);
  // Referentials change only when reloaded, and autocomplete traffic repeats the same prefixes
  // across counsellors: results are cached per normalised query until the next load.
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = cacheSize > 0 ? new LRUCache<string, object[]>({ max: cacheSize }) : null;
  async function cached<T extends object>(key: string, compute: () => Promise<T[]>): Promise<T[]> {
    const hit = cache?.get(key) as T[] | undefined;
    if (hit) return hit;
    const value = await compute();
    cache?.set(key, value);
    return value;
  }

  /**
   * Prefix search; when it finds nothing, some token starts no known word: retried with each such
   * token replaced by its closest word (typo tolerance).
   */
  async function suggest<T>(index: PrefixIndex<T>, tokens: string[], limit: number): Promise<T[]> {
    const hits = await repo.prefixSearch(index, tokens, limit);
    if (hits.length > 0) return hits;
    const corrected = await repo.correctTypos(index, tokens);
    return corrected ? repo.prefixSearch(index, corrected, limit) : hits;
  }

  function clampLimit(limit: number | undefined) {
    return Math.min(Math.max(limit ?? MAX_SUGGESTIONS, 1), MAX_SUGGESTIONS);
  }
  const rome4Repo = rome4Repository(db);

  return {
    async isLoaded(): Promise<boolean> {
      const counts = await repo.loadedCounts();
      // A database loaded before migration 0012 lacks the employment zones: reloading (an upsert)
      // fills them at the next start instead of leaving the funders' zone level empty.
      return (
        (counts.rome_appellations ?? 0) > 0 &&
        (counts.communes ?? 0) > 0 &&
        (counts.employment_zones ?? 0) > 0 &&
        // Likewise ROME 4.0 (migration 0013): a database loaded before it gets it at the next start.
        (counts.rome4_metiers ?? 0) > 0
      );
    },

    /** Loads or refreshes every referential (idempotent upsert), with a progress line. */
    async load(options: { quiet?: boolean } = {}): Promise<ReferentialRows> {
      const data = readReferentialFiles();
      const total =
        data.regions.length +
        data.departments.length +
        data.epcis.length +
        data.communes.length +
        data.communeHistory.length +
        data.trades.length +
        data.appellations.length +
        data.employmentZones.length +
        data.communeEmploymentZones.length +
        data.rome4.grandDomains.length +
        data.rome4.domains.length +
        data.rome4.metiers.length +
        data.rome4.skills.length +
        data.rome4.workContexts.length +
        data.rome4.metierSkills.length +
        data.rome4.metierWorkContexts.length +
        data.rome4.mobility.length;
      const bar = options.quiet ? null : progress('Référentiels', total);
      await repo.upsertAll(
        data,
        (n) => bar?.tick(n),
        () => {
          bar?.end();
          if (!options.quiet) console.log('Construction des index d’autocomplétion (préfixes des mots)…');
        },
      );
      cache?.clear();
      return data;
    },

    async suggestAppellations(q: string, limit?: number) {
      const tokens = queryTokens(q);
      if (tokens.join('').length < 2) return [];
      const n = clampLimit(limit);
      return cached(`a:${n}:${tokens.join(' ')}`, () => suggest(APPELLATION_INDEX, tokens, n));
    },

    async suggestCommunes(q: string, limit?: number) {
      const compact = q.trim().replace(/\s+/g, '').toUpperCase();
      const n = clampLimit(limit);
      if (/^(\d{2,5}|2[AB]\d{0,3})$/.test(compact)) {
        return cached(`c:${n}:#${compact}`, () => repo.searchCommunesByCode(compact, n));
      }
      const tokens = queryTokens(q);
      if (tokens.join('').length < 2) return [];
      return cached(`c:${n}:${tokens.join(' ')}`, () => suggest(COMMUNE_INDEX, tokens, n));
    },

    /**
     * ROME 4.0 skills (savoir-faire, savoir-être, savoirs) by label: every word of the query starts a
     * word of the label, accents and case ignored ("soud" finds « Techniques de soudage »).
     */
    async searchSkills(q: string, options: { kind?: SkillKind; limit?: number } = {}) {
      const tokens = queryTokens(q);
      if (tokens.join('').length < 2) return [];
      const n = clampLimit(options.limit);
      return cached(`s:${n}:${options.kind ?? ''}:${tokens.join(' ')}`, () =>
        rome4Repo.searchSkills(tokens, options.kind, n),
      );
    },

    /** A ROME 4.0 métier with its skills split into core (principale), emerging and other ones. */
    async metier(code: string) {
      const metier = await rome4Repo.metier(code);
      if (!metier) throw notFound(`Métier ROME ${code} introuvable.`);
      const skills = await rome4Repo.metierSkills(code);
      const withCore = (core: MetierSkill['core']) =>
        skills.filter((s) => s.core === core).map(({ core: _, ...skill }) => skill);
      return {
        ...metier,
        coreSkills: withCore('principale'),
        emergingSkills: withCore('emergente'),
        otherSkills: withCore(null),
        workContexts: await rome4Repo.metierWorkContexts(code),
      };
    },

    /** The close métiers of a métier (ROME 4.0 mobility), in France Travail's order: rank 1 first. */
    async closeMetiers(code: string) {
      if (!(await rome4Repo.metier(code))) throw notFound(`Métier ROME ${code} introuvable.`);
      return rome4Repo.closeMetiers(code);
    },

    /** The ROME 4.0 métier of an appellation. */
    async appellationMetier(appellationCode: string) {
      const metier = await rome4Repo.metierOfAppellation(appellationCode);
      if (!metier) throw notFound(`Appellation ROME ${appellationCode} introuvable.`);
      return metier;
    },

    /**
     * The versioned referentials as loaded, for the UI's mention « Référentiels : ROME 4.0 (v4.60) ».
     * Empty before the first load.
     */
    /** What is loaded, for the referentials page. */
    loads: () => repo.loads(),

    async versions(): Promise<{ referential: string; version: string; loadedAt: Date }[]> {
      const rows = await rome4Repo.versions();
      return rows.flatMap((r) => {
        const referential = VERSIONED[r.name];
        return referential ? [{ referential, version: r.version, loadedAt: r.loadedAt }] : [];
      });
    },

    communeByCode: (code: string) => repo.communeByCode(code),
    appellationByCode: (code: string) => repo.appellationByCode(code),
    communesWithin: (lat: number, lon: number, radiusKm: number, limit = 500) =>
      repo.communesWithin(lat, lon, radiusKm, limit),
  };
}

export type ReferentialsService = ReturnType<typeof referentialsService>;
