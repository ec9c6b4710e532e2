import { csvHeader, csvLine } from '../../shared/csv.js';
import { forbidden, invalid } from '../../shared/errors.js';
import { isIsoDate } from '../../shared/formats.js';
import type { Actor } from '../identity/model.js';
import type { DirectoryCore } from './core.js';
import { ENUMS, THEMATIQUE_FAMILIES } from './enums.js';
import { type ExportFilter, exportRepository } from './export-repository.js';
import {
  type DiService,
  type DiStructure,
  LIST_FIELDS,
  SERVICE_FIELDS,
  STRUCTURE_FIELDS,
} from './records.js';
import { isProfessional } from './rights.js';

/** A page of the API (the data·inclusion API's: size 1 to 1,000, 100 by default). */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
/** A file of the whole directory is written page by page of this many records. */
const FILE_PAGE = 1000;

export interface ExportPage<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
}
export type ExportKind = 'structures' | 'services';
export type ExportFormat = 'json' | 'csv';

const THEMATIQUE_CODES = ENUMS.thematiques.map((t) => t.value);

const one = (v: unknown): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === null || s === '' ? undefined : String(s).trim();
};

function integer(field: string, raw: unknown, min: number, max: number, fallback: number): number {
  const s = one(raw);
  if (s === undefined) return fallback;
  const n = /^\d{1,7}$/.test(s) ? Number(s) : Number.NaN;
  if (!(n >= min && n <= max)) throw invalid(field, `Un nombre entier de ${min} à ${max} est attendu.`);
  return n;
}

/**
 * The query of the export API checked field by field (a bad value is a 400 naming it, never a
 * query that fails in SQL). thematiques: codes or families, repeated or separated by commas; a
 * family stands for each of its codes.
 */
export function exportQuery(query: Record<string, unknown>): ExportFilter & { page: number; size: number } {
  const filter: ExportFilter & { page: number; size: number } = {
    page: integer('page', query.page, 1, 100_000, 1),
    size: integer('size', query.size, 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  };
  const source = one(query.source);
  if (source !== undefined) {
    if (!/^[a-z0-9][a-z0-9_.-]{0,99}$/i.test(source))
      throw invalid(
        'source',
        'Nom de source invalide : lettres sans accent, chiffres, « - », « _ » ou « . ».',
      );
    filter.source = source;
  }
  const rawThemes = query.thematiques;
  if (rawThemes !== undefined && rawThemes !== '') {
    const asked = (Array.isArray(rawThemes) ? rawThemes : [rawThemes])
      .flatMap((t) => String(t).split(','))
      .map((t) => t.trim())
      .filter(Boolean);
    const codes = new Set<string>();
    for (const t of asked) {
      if (t in THEMATIQUE_FAMILIES) for (const c of THEMATIQUE_CODES) c.startsWith(`${t}--`) && codes.add(c);
      else if (THEMATIQUE_CODES.includes(t)) codes.add(t);
      else
        throw invalid(
          'thematiques',
          `Thématique « ${t.slice(0, 100)} » inconnue du schéma data·inclusion (un code ou une famille, ex. : logement-hebergement).`,
        );
    }
    if (codes.size) filter.thematiques = [...codes];
  }
  const department = one(query.code_departement);
  if (department !== undefined) {
    if (!/^(\d{2}|2A|2B|97\d)$/.test(department))
      throw invalid('code_departement', 'Code de département invalide (ex. : 69, 2A, 974).');
    filter.codeDepartement = department;
  }
  const commune = one(query.code_commune);
  if (commune !== undefined) {
    if (!/^[0-9][0-9AB][0-9]{3}$/.test(commune))
      throw invalid('code_commune', 'Code INSEE de commune invalide : 5 caractères (ex. : 69123, 2A004).');
    filter.codeCommune = commune;
  }
  const since = one(query.date_maj_depuis);
  if (since !== undefined) {
    if (!isIsoDate(since))
      throw invalid('date_maj_depuis', 'Date invalide : AAAA-MM-JJ, une date du calendrier, est attendue.');
    filter.dateMajDepuis = since;
  }
  return filter;
}

function requireProfessional(actor: Actor | null): asserts actor is Actor {
  // The API is for partners' systems (their tokens) and the staff of member organisations (issue 13 §3).
  if (!isProfessional(actor))
    throw forbidden('L’export de l’annuaire est réservé aux organisations membres et à leurs systèmes.');
}

/** A record's cell in the CSV export: lists as JSON arrays (a value may hold a comma), as data·inclusion's. */
const cellOf = (field: string, value: unknown) =>
  value === null || value === undefined ? '' : LIST_FIELDS.has(field) ? JSON.stringify(value) : value;

/**
 * Export of the region's directory in the data·inclusion schema (issue 13 §3): the API's pages and
 * the whole files, every item exactly the schema's shape (tested against its JSON Schemas).
 */
export function exportUseCases(core: DirectoryCore) {
  const repository = exportRepository(core.db);

  async function exportPage<T>(
    actor: Actor | null,
    query: Record<string, unknown>,
    read: (f: ExportFilter, p: { offset: number; limit: number }) => Promise<{ items: T[]; total: number }>,
  ): Promise<ExportPage<T>> {
    requireProfessional(actor);
    const { page, size, ...filter } = exportQuery(query);
    const { items, total } = await read(filter, { offset: (page - 1) * size, limit: size });
    return { items, total, page, size };
  }

  return {
    exportStructures: (actor: Actor | null, query: Record<string, unknown> = {}) =>
      exportPage<DiStructure>(actor, query, repository.structures),
    exportServices: (actor: Actor | null, query: Record<string, unknown> = {}) =>
      exportPage<DiService>(actor, query, repository.services),

    /** The whole directory of one kind, as a file to download: a JSON array, or CSV (`;`, lists as JSON). */
    async exportFile(
      actor: Actor | null,
      kind: ExportKind,
      format: ExportFormat,
    ): Promise<{ fileName: string; contentType: string; body: string }> {
      requireProfessional(actor);
      const read = kind === 'structures' ? repository.structures : repository.services;
      const items: (DiStructure | DiService)[] = [];
      for (let offset = 0; ; offset += FILE_PAGE) {
        const page = await read({}, { offset, limit: FILE_PAGE });
        items.push(...page.items);
        if (page.items.length < FILE_PAGE) break;
      }
      const fileName = `annuaire-${kind}-${core.today()}.${format}`;
      if (format === 'json')
        return { fileName, contentType: 'application/json; charset=utf-8', body: JSON.stringify(items) };
      const fields: readonly string[] = kind === 'structures' ? STRUCTURE_FIELDS : SERVICE_FIELDS;
      const body =
        csvHeader([...fields]) +
        items
          .map((item) =>
            csvLine(fields.map((f) => cellOf(f, (item as unknown as Record<string, unknown>)[f]))),
          )
          .join('');
      return { fileName, contentType: 'text/csv; charset=utf-8', body };
    },
  };
}
