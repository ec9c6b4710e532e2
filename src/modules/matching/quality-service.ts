import type { Db } from '../../db/database.js';
import { forbidden, invalid } from '../../shared/errors.js';
import { isDepartmentCode, isIsoDate } from '../../shared/formats.js';
import { type Actor, currentMembership } from '../identity/model.js';
import { type QualityCounts, type QualityFilters, qualityRepository } from './quality-repository.js';
import { PRECISION_AT, PRESETS } from './rules.js';

/**
 * Match quality, as analysts read it (issue 11 §3 « Analysts: match quality (precision@10 of
 * suggestions that led to a contact or a hire) »):
 *
 * - precision@10 = hits / suggestions shown in the first 10, where the suggestions are those
 *   stored for the persons concerned (up to 10 each: a person with 4 suggestions counts 4) and
 *   hits the suggestions ranked 1 to 10 (when the outcome was recorded) that led to a contact, an
 *   interview or a hire, each (person, offer) counted once. « Sur 100 offres suggérées en tête de
 *   liste, 7 ont mené à un contact ou une embauche » reads 0.07: the sentence analysts read is the
 *   definition. Dividing by 10 per person instead would count as failures offers never shown
 *   (a rural person with 3 suggestions), which says nothing of the suggestions' quality. A hit on a
 *   suggestion since replaced still counts: the denominator is then at least the hits.
 * - hit rate = the share of those persons with at least one hit.
 *
 * Aggregates only, by preset and by department: no name, no id.
 */
export const QUALITY_DEFINITION =
  'Précision à 10 : sur 100 offres suggérées en tête de liste (les 10 premières de chaque personne), combien ont mené à un contact, un entretien ou une embauche. Taux de réussite : part des personnes dont au moins une de ces offres a mené à un contact, un entretien ou une embauche.';

/** Who reads the matching's quality: analysts and administrators of the Region and France Travail, the super-admin. */
const QUALITY_KINDS = new Set(['region', 'france_travail']);
const QUALITY_ROLES = new Set(['analyste', 'administrateur']);

export function canSeeMatchQuality(actor: Actor | null): boolean {
  if (!actor) return false;
  if (actor.isSuperAdmin) return true;
  const m = currentMembership(actor);
  return !!m && QUALITY_KINDS.has(m.organisationKind) && QUALITY_ROLES.has(m.role);
}

export interface QualityFigures {
  persons: number;
  suggestions: number;
  hits: number;
  interviews: number;
  hires: number;
  personsWithHit: number;
  /** hits / suggestions shown in the first PRECISION_AT; null without suggestions. */
  precision: number | null;
  /** personsWithHit / persons; null without persons. */
  hitRate: number | null;
}

export interface QualityReport {
  filters: QualityFilters;
  definition: string;
  overall: QualityFigures;
  byPreset: (QualityFigures & { preset: string; label: string })[];
  byDepartment: (QualityFigures & { department: string | null; name: string })[];
}

/** Sums groups' counts, then divides once (a mean of ratios would weigh a small group as a large one). */
export function figures(groups: QualityCounts[]): QualityFigures {
  const sum = (k: 'persons' | 'suggestions' | 'hits' | 'interviews' | 'hires' | 'personsWithHit') =>
    groups.reduce((n, g) => n + g[k], 0);
  const persons = sum('persons');
  const hits = sum('hits');
  const suggestions = sum('suggestions');
  return {
    persons,
    suggestions,
    hits,
    interviews: sum('interviews'),
    hires: sum('hires'),
    personsWithHit: sum('personsWithHit'),
    precision: persons > 0 && Math.max(suggestions, hits) > 0 ? hits / Math.max(suggestions, hits) : null,
    hitRate: persons > 0 ? sum('personsWithHit') / persons : null,
  };
}

/** One value of a filter; a repeated parameter (an array here) or a bad value: 400 naming it. */
function oneValue(q: Record<string, unknown>, field: string): string | null {
  const v = q[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(field, `Un seul filtre « ${field} » à la fois.`);
  return v.trim() || null;
}

/** The filters of the page and the API, checked at the edge (issue 11 « Bad input »). */
export function qualityFilters(query: unknown): QualityFilters {
  const q = (query ?? {}) as Record<string, unknown>;
  const department = oneValue(q, 'department');
  const from = oneValue(q, 'from');
  const to = oneValue(q, 'to');
  if (department && !isDepartmentCode(department))
    throw invalid('department', 'Département invalide (ex. : 69, 2A, 974).');
  if (from && !isIsoDate(from)) throw invalid('from', 'Date de début invalide (AAAA-MM-JJ).');
  if (to && !isIsoDate(to)) throw invalid('to', 'Date de fin invalide (AAAA-MM-JJ).');
  if (from && to && from > to) throw invalid('to', 'La date de fin précède la date de début.');
  return { department, from, to };
}

export function qualityService(db: Db, regionCode: string) {
  const repo = qualityRepository(db);
  return {
    checkAccess(actor: Actor | null): void {
      if (!canSeeMatchQuality(actor))
        throw forbidden(
          'La qualité des suggestions est réservée aux analystes et aux administrateurs de la Région et de France Travail.',
        );
    },

    async report(actor: Actor | null, query: unknown): Promise<QualityReport> {
      this.checkAccess(actor);
      const filters = qualityFilters(query);
      const groups = await repo.counts(filters);
      const presets = [...new Set([...Object.keys(PRESETS), ...groups.map((g) => g.preset)])];
      const departments = [...new Set(groups.map((g) => g.department))].sort((a, b) =>
        a === null ? 1 : b === null ? -1 : a.localeCompare(b),
      );
      const names = await repo.departmentNames(departments.filter((d): d is string => d !== null));
      return {
        filters,
        definition: QUALITY_DEFINITION,
        overall: figures(groups),
        byPreset: presets.map((preset) => ({
          preset,
          label: (PRESETS as Record<string, { label: string }>)[preset]?.label ?? preset,
          ...figures(groups.filter((g) => g.preset === preset)),
        })),
        byDepartment: departments.map((department) => ({
          department,
          name:
            department === null
              ? 'Département non renseigné'
              : `${department} ${names.get(department) ?? ''}`.trim(),
          ...figures(groups.filter((g) => g.department === department)),
        })),
      };
    },

    departments: () => repo.departments(regionCode),
  };
}

export type QualityService = ReturnType<typeof qualityService>;
