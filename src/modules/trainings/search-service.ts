import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/database.js';
import { invalid } from '../../shared/errors.js';
import { isDepartmentCode, isIsoDate } from '../../shared/formats.js';
import { closestByEdits, queryTokens } from '../../shared/text.js';
import { FUNDERS, LEVELS, PUBLIC_JOBSEEKER_FUNDERS } from './dictionaries.js';
import type { CatalogueRepository } from './repository.js';
import { type SearchFilters, searchRepository } from './search-repository.js';
import { type RawQuery, str, type TrainingsOptions } from './service-helpers.js';
import { vocabularyRepository } from './vocabulary-repository.js';

interface AnalysedWord {
  lexemes: string[];
  corrections: { from: string; to: string }[];
}

/**
 * The catalogue's search: a query parsed into filters (words stemmed and corrected, commune
 * located), and its answer, with the caches that keep both a while.
 */
export function searchService(
  db: Db,
  catalogue: CatalogueRepository,
  options: Pick<TrainingsOptions, 'searchCacheSize' | 'today' | 'now'>,
) {
  const search = searchRepository(db);
  const vocabulary = vocabularyRepository(db);
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  // Prescribers search the same trades again and again: the stemming and typo correction of a
  // word is kept a few minutes (the vocabulary only changes with an import; one run here clears it).
  const words = new LRUCache<string, AnalysedWord>({ max: 5000, ttl: 10 * 60_000 });
  const communes = new LRUCache<string, NonNullable<Awaited<ReturnType<typeof catalogue.communePoint>>>>({
    max: 2000,
    ttl: 10 * 60_000,
    fetchMethod: async (code) => (await catalogue.communePoint(code)) ?? undefined,
  });
  // The catalogue changes with imports and the organisations' edits, a few times a day: the same
  // search within a minute gets the same answer. Every change made here empties the cache; one
  // made by another process (the import CLI) shows within the minute.
  const results = options.searchCacheSize
    ? new LRUCache<string, Awaited<ReturnType<typeof search.search>>>({
        max: options.searchCacheSize,
        ttl: 60_000,
        ...(options.now ? { perf: { now: options.now } } : {}),
      })
    : null;
  const changed = () => {
    results?.clear();
    words.clear();
  };

  /** Each query word stemmed, and corrected against the catalogue's vocabulary when unknown. */
  async function analysedWords(tokens: string[]): Promise<AnalysedWord[]> {
    const missing = tokens.filter((t) => !words.has(t));
    for (const t of await search.analyseTokens(missing)) {
      const word: AnalysedWord = { lexemes: [], corrections: [] };
      // No lexeme: a stop word ("de", "la").
      for (const lexeme of t.lexeme?.split(' ') ?? []) {
        if (t.known || lexeme.length < 4) {
          word.lexemes.push(lexeme);
          continue;
        }
        // Fewest edits first: trigrams alone turned « electricein » into « electricit » (electricity
        // maintenance) instead of « electricien », losing the trade the person typed (issue 9 §4).
        const closest = closestByEdits(lexeme, await vocabulary.candidates(lexeme));
        if (closest && closest !== lexeme)
          // Shown as a word of the catalogue (« plaquiste »), never as its stem (« plaquist »).
          word.corrections.push({ from: t.token, to: (await vocabulary.surfaceWord(closest)) ?? closest });
        word.lexemes.push(closest ?? lexeme);
      }
      words.set(t.token, word);
    }
    return tokens.map((t) => words.get(t) ?? { lexemes: [], corrections: [] });
  }

  /** Parses what a form or an API client sent into filters; every refusal names its field. */
  async function filtersFrom(q: RawQuery, paging: { maxPerPage: number } = { maxPerPage: 100 }) {
    const corrections: { from: string; to: string }[] = [];
    const text = str(q, 'q');
    if (text && text.length > 200) throw invalid('q', 'Recherche trop longue (200 caractères au plus).');
    const tokens = text ? queryTokens(text).slice(0, 8) : [];
    const lexemes: string[] = [];
    for (const token of await analysedWords(tokens)) {
      lexemes.push(...token.lexemes);
      corrections.push(...token.corrections);
    }
    let point: SearchFilters['point'] = null;
    let communeName: string | null = null;
    const commune = str(q, 'commune');
    if (commune) {
      // « Lyon (69) » is what the suggestion list puts in the field: the name in its department.
      const named = /^(.+?)\s*\((\d{2,3}|2[AB])\)$/.exec(commune);
      const found = /^(\d{5}|2[AB]\d{3})$/.test(commune)
        ? await communes.fetch(commune)
        : named
          ? await catalogue.communeByName(queryTokens(named[1]!).join(' '), named[2]!)
          : await catalogue.communeByName(queryTokens(commune).join(' '));
      if (!found)
        throw invalid('commune', `Commune « ${commune} » inconnue : choisissez-la dans la liste proposée.`);
      const radius = Number(str(q, 'radiusKm') ?? 30);
      if (!Number.isInteger(radius) || radius < 1 || radius > 200)
        throw invalid('radiusKm', 'Le rayon doit être un nombre entier de kilomètres entre 1 et 200.');
      point = { latitude: found.latitude, longitude: found.longitude, radiusKm: radius };
      communeName = found.name;
    }
    let romeCodes: string[] | null = null;
    const appellation = str(q, 'appellation');
    if (appellation) {
      const found = await catalogue.appellationRome(appellation);
      if (!found) throw invalid('appellation', `Appellation ROME « ${appellation} » inconnue.`);
      romeCodes = [found.rome_code];
    }
    const rome = str(q, 'rome');
    if (rome) {
      if (!/^[A-N]\d{4}$/.test(rome)) throw invalid('rome', `Code ROME « ${rome} » invalide (ex. : F1602).`);
      romeCodes = [...(romeCodes ?? []), rome];
    }
    const formacode = str(q, 'formacode');
    if (formacode && !/^\d{5}$/.test(formacode))
      throw invalid('formacode', 'Un code Formacode compte 5 chiffres.');
    const rncp = str(q, 'rncp')?.replace(/^RNCP/i, '') ?? null;
    if (rncp && !/^\d{1,6}$/.test(rncp)) throw invalid('rncp', 'Numéro RNCP invalide (ex. : RNCP34827).');
    const startFrom = str(q, 'startFrom');
    const startTo = str(q, 'startTo');
    if (startFrom && !isIsoDate(startFrom))
      throw invalid('startFrom', 'Date de début invalide (AAAA-MM-JJ).');
    if (startTo && !isIsoDate(startTo)) throw invalid('startTo', 'Date de fin invalide (AAAA-MM-JJ).');
    if (startFrom && startTo && startTo < startFrom)
      throw invalid('startTo', 'La fin de la période d’entrée précède son début.');
    const teachingMode = str(q, 'teachingMode');
    if (teachingMode && !['0', '1', '2'].includes(teachingMode))
      throw invalid('teachingMode', 'Modalité inconnue.');
    const certifying = str(q, 'certifying');
    if (certifying && certifying !== 'true' && certifying !== 'false')
      throw invalid('certifying', 'true ou false.');
    const entryLevel = str(q, 'entryLevel');
    if (entryLevel && !(entryLevel in LEVELS))
      throw invalid('entryLevel', `Niveau « ${entryLevel} » inconnu.`);
    const funder = str(q, 'funder');
    if (funder && funder !== 'demandeurs' && !(funder in FUNDERS))
      throw invalid('funder', `Financeur « ${funder} » inconnu (code LHÉO ou « demandeurs »).`);
    const sort = str(q, 'sort') ?? (text ? 'relevance' : point ? 'distance' : 'start');
    if (!['relevance', 'distance', 'start'].includes(sort)) throw invalid('sort', 'Tri inconnu.');
    const page = Number(str(q, 'page') ?? 1);
    const perPage = Number(str(q, 'perPage') ?? 20);
    if (!Number.isInteger(page) || page < 1 || page > 1000) throw invalid('page', 'Page invalide.');
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > paging.maxPerPage)
      throw invalid('perPage', `De 1 à ${paging.maxPerPage} résultats par page.`);
    const department = str(q, 'department');
    if (department && !isDepartmentCode(department)) throw invalid('department', 'Département invalide.');
    const filters: SearchFilters = {
      lexemes,
      point,
      romeCodes,
      formacode,
      rncp,
      startFrom,
      startTo,
      teachingMode,
      certifying: certifying === null ? null : certifying === 'true',
      entryLevel,
      funders: funder ? (funder === 'demandeurs' ? PUBLIC_JOBSEEKER_FUNDERS : [funder]) : null,
      openPlaces: str(q, 'openPlaces') === 'true',
      department,
      sort: sort as SearchFilters['sort'],
      limit: perPage,
      offset: (page - 1) * perPage,
      today: today(),
    };
    return { filters, corrections, communeName, page, perPage };
  }

  return {
    /** Empties the caches: the catalogue changed (offer-service.ts, import-service.ts call it). */
    changed,

    filtersFrom,

    /** The filters a query becomes (words analysed, commune located): the benchmark runs them under EXPLAIN. */
    async searchFilters(q: RawQuery): Promise<SearchFilters> {
      return (await filtersFrom(q)).filters;
    },

    async search(q: RawQuery) {
      const { filters, corrections, communeName, page, perPage } = await filtersFrom(q);
      // The filters carry today's date: a cached answer never outlives its day.
      const key = JSON.stringify(filters);
      let result = results?.get(key);
      if (!result) {
        result = await search.search(filters);
        // Set on a miss only: a hit must not push the minute back, or a change made by another
        // process would never show for a query asked all the time.
        results?.set(key, result);
      }
      return { ...result, page, perPage, corrections, communeName };
    },
  };
}

export type SearchService = ReturnType<typeof searchService>;
