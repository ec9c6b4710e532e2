import { LRUCache } from 'lru-cache';
import { invalid } from '../../shared/errors.js';
import { closestByEdits, queryTokens, searchForm } from '../../shared/text.js';
import type { Actor } from '../identity/model.js';
import type { DirectoryCore } from './core.js';
import { ENUMS, isKnown, labelOf, THEMATIQUE_FAMILIES } from './enums.js';
import { codesOf, isTarget, NEEDS, targetLabel } from './needs-vocabulary.js';
import { isProfessional } from './rights.js';
import { isStale, RADIUS_KM } from './rules.js';
import {
  type DirectorySearchFilters,
  type DirectorySearchRow,
  directorySearchRepository,
} from './search-repository.js';

/** A query string or form as a client sent it, before filtersFrom checks it. */
export type RawQuery = Record<string, unknown>;

/** A field of a raw query, trimmed; null when empty or absent. */
const str = (q: RawQuery, k: string): string | null => {
  const v = q[k];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;
};

/** The most results a page or an API call returns (issue 13 §2). */
export const MAX_PER_PAGE = 50;

/** A search result: what the list, the map and the API show of a service. */
export interface DirectoryHit {
  uuid: string;
  nom: string;
  structureNom: string;
  commune: string | null;
  distanceKm: number | null;
  /** Found as a remote service covering the commune (« à distance »). */
  remote: boolean;
  thematiques: { code: string; label: string }[];
  frais: string | null;
  fraisLabel: string | null;
  modesAccueil: { code: string; label: string }[];
  /** Whether a person may go to it by themselves (mobilisable_par « usagers »). */
  mobilisableParUsagers: boolean;
  dateMaj: string;
  /** Not reviewed for 6 months (rules.ts isStale): « À vérifier ». */
  stale: boolean;
  latitude: number | null;
  longitude: number | null;
}

interface AnalysedWord {
  lexemes: string[];
  corrections: { from: string; to: string }[];
}

/**
 * The directory's search (issue 13 §2): by need in the words people type (need words read as
 * thématiques, the other words matched on the services' texts, typos corrected against the
 * directory's own vocabulary), public, around a commune (radius, and remote services covering
 * it), fees, reception, type. The public reads the services « mobilisables par les usagers »
 * only (rights.ts).
 */
export function searchUseCases(core: DirectoryCore) {
  const repo = directorySearchRepository(core.db);
  // A word's stem and correction is kept a few minutes (the vocabulary only grows with writes).
  const words = new LRUCache<string, AnalysedWord>({ max: 5000, ttl: 10 * 60_000 });

  async function analysedWords(tokens: string[]): Promise<AnalysedWord[]> {
    const missing = tokens.filter((t) => !words.has(t));
    for (const t of await repo.analyseTokens(missing)) {
      const word: AnalysedWord = { lexemes: [], corrections: [] };
      // No lexeme: a stop word.
      for (const lexeme of t.lexeme?.split(' ') ?? []) {
        if (t.known || lexeme.length < 4) {
          word.lexemes.push(lexeme);
          continue;
        }
        // Fewest edits first, as the catalogue's search (trigrams alone pick the wrong word).
        const closest = closestByEdits(lexeme, await repo.candidates(lexeme));
        if (closest && closest !== lexeme)
          word.corrections.push({ from: t.token, to: (await repo.surfaceWord(closest)) ?? closest });
        word.lexemes.push(closest ?? lexeme);
      }
      words.set(t.token, word);
    }
    return tokens.map((t) => words.get(t) ?? { lexemes: [], corrections: [] });
  }

  /** The commune asked: an INSEE code, « Lyon (69) » as the suggestion list writes it, or a name. */
  async function communeOf(value: string) {
    if (/^(\d{5}|2[AB]\d{3})$/.test(value)) return repo.communePlace(value);
    const named = /^(.+?)\s*\((\d{2,3}|2[AB])\)$/.exec(value);
    const name = searchForm(named ? named[1]! : value);
    const hits = await core.needs.referentials.suggestCommunes(name, 10);
    // The name exactly (in its department when given); a bare name with a single suggestion is that one.
    const hit =
      hits.find((c) => searchForm(c.name) === name && (!named || c.departmentCode === named[2])) ??
      (named || hits.length !== 1 ? undefined : hits[0]);
    return hit ? repo.communePlace(hit.code) : null;
  }

  /** Parses what a form or an API client sent into filters; every refusal names its field, in French. */
  async function filtersFrom(actor: Actor | null, q: RawQuery) {
    const text = str(q, 'q');
    if (text && text.length > 200) throw invalid('q', 'Recherche trop longue (200 caractères au plus).');
    const reading = NEEDS.read(text ?? '');
    const corrections = [...reading.corrections];
    const lexemes: string[] = [];
    for (const w of await analysedWords(queryTokens(reading.rest.join(' ')).slice(0, 8))) {
      lexemes.push(...w.lexemes);
      corrections.push(...w.corrections);
    }
    const thematique = str(q, 'thematique');
    if (thematique && !isTarget(thematique))
      throw invalid('thematique', `Thématique « ${thematique} » inconnue : choisissez-la dans la liste.`);
    const publicCode = str(q, 'public');
    if (publicCode && !isKnown('publics', publicCode))
      throw invalid('public', `Public « ${publicCode} » inconnu : choisissez-le dans la liste.`);
    const radiusText = str(q, 'radiusKm');
    const radiusKm = Number(radiusText ?? RADIUS_KM.default);
    if (!Number.isInteger(radiusKm) || radiusKm < RADIUS_KM.min || radiusKm > RADIUS_KM.max)
      throw invalid(
        'radiusKm',
        `Le rayon doit être un nombre entier de kilomètres entre ${RADIUS_KM.min} et ${RADIUS_KM.max}.`,
      );
    const communeText = str(q, 'commune');
    if (communeText && communeText.length > 100) throw invalid('commune', 'Commune trop longue.');
    const commune = communeText ? await communeOf(communeText) : null;
    if (communeText && !commune)
      throw invalid('commune', `Commune « ${communeText} » inconnue : choisissez-la dans la liste proposée.`);
    const frais = str(q, 'frais');
    if (frais && frais !== 'gratuit' && frais !== 'payant')
      throw invalid('frais', 'Frais : « gratuit » ou « payant ».');
    const accueil = str(q, 'accueil');
    if (accueil && accueil !== 'en-presentiel' && accueil !== 'a-distance')
      throw invalid('accueil', 'Accueil : « en-presentiel » (sur place) ou « a-distance ».');
    const type = str(q, 'type');
    if (type && !isKnown('types', type))
      throw invalid('type', `Type de service « ${type} » inconnu : choisissez-le dans la liste.`);
    const page = Number(str(q, 'page') ?? 1);
    const perPage = Number(str(q, 'perPage') ?? 20);
    if (!Number.isInteger(page) || page < 1 || page > 1000)
      throw invalid('page', 'Page invalide (1 à 1000).');
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE)
      throw invalid('perPage', `De 1 à ${MAX_PER_PAGE} résultats par page.`);
    const filters: DirectorySearchFilters = {
      needCodes: reading.codes.length ? reading.codes : null,
      lexemes,
      thematiqueCodes: thematique ? codesOf([thematique]) : null,
      around: commune
        ? {
            latitude: commune.latitude,
            longitude: commune.longitude,
            radiusKm,
            zones: [commune.code, commune.department_code, commune.epci_code ?? '', 'france'].filter(Boolean),
          }
        : null,
      usersOnly: !isProfessional(actor),
      publics: publicCode ? [publicCode, 'tous-publics'] : null,
      frais: frais as DirectorySearchFilters['frais'],
      accueil: accueil as DirectorySearchFilters['accueil'],
      type,
      limit: perPage,
      offset: (page - 1) * perPage,
    };
    return { filters, reading, corrections, commune, radiusKm, page, perPage };
  }

  const hitOf =
    (today: string) =>
    (r: DirectorySearchRow): DirectoryHit => ({
      uuid: r.uuid,
      nom: r.nom,
      structureNom: r.structureNom,
      commune: r.commune,
      distanceKm: r.distanceKm,
      remote: r.remote,
      thematiques: r.thematiques.map((code) => ({ code, label: labelOf('thematiques', code) })),
      frais: r.frais,
      fraisLabel: r.frais ? labelOf('frais', r.frais) : null,
      modesAccueil: r.modesAccueil.map((code) => ({ code, label: labelOf('modesAccueil', code) })),
      mobilisableParUsagers: r.mobilisablePar.includes('usagers'),
      dateMaj: r.dateMaj,
      stale: isStale(r.dateMaj, today),
      latitude: r.latitude,
      longitude: r.longitude,
    });

  return {
    /** The filters a query becomes (words read, commune located): the benchmark runs them under EXPLAIN. */
    async searchFilters(actor: Actor | null, q: RawQuery): Promise<DirectorySearchFilters> {
      return (await filtersFrom(actor, q)).filters;
    },

    /** Searches the directory (issue 13 §2); the public sees the services mobilisable by users only. */
    async search(actor: Actor | null, q: RawQuery) {
      const { filters, reading, corrections, commune, radiusKm, page, perPage } = await filtersFrom(actor, q);
      const found = await repo.search(filters);
      return {
        total: found.total,
        items: found.items.map(hitOf(core.today())),
        families: found.families.map((f) => ({
          family: f.family,
          label: THEMATIQUE_FAMILIES[f.family] ?? f.family,
          count: f.count,
        })),
        needs: reading.targets.map((code) => ({ code, label: targetLabel(code) })),
        corrections,
        commune: commune
          ? {
              code: commune.code,
              name: commune.name,
              latitude: commune.latitude,
              longitude: commune.longitude,
            }
          : null,
        radiusKm,
        page,
        perPage,
        /** Whether professionals would see more (the page tells the public). */
        publicOnly: filters.usersOnly,
      };
    },

    /** The choices of the search form's lists, in French. */
    searchChoices: () => ({
      families: Object.entries(THEMATIQUE_FAMILIES),
      publics: ENUMS.publics.map((p) => [p.value, p.label] as [string, string]),
      types: ENUMS.types.map((t) => [t.value, t.label] as [string, string]),
    }),
  };
}

export type DirectorySearchResult = Awaited<ReturnType<ReturnType<typeof searchUseCases>['search']>>;
