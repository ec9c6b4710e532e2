import type { Db } from '../../db/database.js';
import { csvHeader, csvLine } from '../../shared/csv.js';
import { FUNDERS } from './dictionaries.js';
import { lheoDocument } from './lheo/writer.js';
import type { CatalogueRepository, TrainingView } from './repository.js';
import { searchRepository } from './search-repository.js';
import type { SearchService } from './search-service.js';
import type { RawQuery } from './service-helpers.js';

export const EXPORT_LIMIT = 5000;

/** The formations a search matched, as an LHÉO document or a CSV file. */
export function exportService(
  db: Db,
  catalogue: CatalogueRepository,
  searching: Pick<SearchService, 'filtersFrom'>,
) {
  // Read from the search repository itself, never from the search's cached answers (search-service.ts).
  const search = searchRepository(db);

  async function trainingsOfQuery(q: RawQuery): Promise<string[]> {
    const { filters } = await searching.filtersFrom(
      { ...q, page: '1', perPage: String(EXPORT_LIMIT) },
      { maxPerPage: EXPORT_LIMIT },
    );
    const result = await search.search(filters);
    return catalogue.trainingIdsOfActions(result.items.map((i) => i.actionId));
  }

  return {
    /** LHÉO document of the formations a search matched (at most EXPORT_LIMIT actions). */
    async exportLheo(q: RawQuery): Promise<AsyncIterable<string>> {
      const ids = await trainingsOfQuery(q);
      return lheoDocument(chunked(ids, (chunk) => catalogue.load(chunk)));
    },

    async exportCsv(q: RawQuery): Promise<AsyncIterable<string>> {
      const ids = await trainingsOfQuery(q);
      return csvRows(chunked(ids, (chunk) => catalogue.load(chunk)));
    },
  };
}

async function* chunked(ids: string[], load: (chunk: string[]) => Promise<TrainingView[]>) {
  for (let i = 0; i < ids.length; i += 200) yield* await load(ids.slice(i, i + 200));
}

async function* csvRows(trainings: AsyncIterable<TrainingView>) {
  yield csvHeader([
    // One number may exist in two sources: the source says which formation a line is.
    'Source',
    'Numéro formation',
    'Intitulé',
    'Organisme',
    'SIRET',
    'Certifiante',
    'RNCP',
    'ROME',
    'Numéro action',
    'Commune',
    'Code postal',
    'Modalité',
    'Heures en centre',
    'Heures en entreprise',
    'Prix total TTC',
    'Financeurs (places)',
    'Numéro session',
    'Début',
    'Fin',
    'État du recrutement',
    'Places restantes',
  ]);
  for await (const t of trainings)
    for (const a of t.actions)
      for (const s of a.sessions)
        yield csvLine([
          t.source,
          t.number,
          t.title,
          t.provider.name,
          t.provider.siret,
          t.certifying ? 'oui' : 'non',
          t.rncpCode,
          t.romeCodes.join(' '),
          a.number,
          a.communeName,
          a.place?.postalCode,
          a.teachingMode,
          a.hoursCentre,
          a.hoursCompany,
          a.priceTotal,
          // Unknown places are said so, never shown as a number (issue 9 §4).
          a.funders
            .map(
              (f) =>
                `${FUNDERS[f.code] ?? f.code} (${f.places === null ? 'places non précisées' : f.places})`,
            )
            .join(', '),
          s.number,
          s.start,
          s.end,
          s.recruitmentState,
          s.placesRemaining,
        ]);
}
