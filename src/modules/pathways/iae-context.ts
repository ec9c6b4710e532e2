import { forbidden, invalid } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import type { Actor } from '../identity/model.js';
import { type PathwaysCore, requireFollower } from './core.js';
import { isCalendarDate } from './dates.js';
import { AUTHORISED_PRESCRIBER_KINDS, type SiaeKind, siaeKindOf } from './eligibility-rules.js';
import type { IaeRepository } from './iae-repository.js';
import { COMMENT_MAX } from './rules.js';

/** What the IAE use-case files share: the pathways core and the IAE repository. */
export interface IaeContext {
  core: PathwaysCore;
  repo: IaeRepository;
}

export const isDate = (v: unknown): v is string => typeof v === 'string' && isCalendarDate(v);

/** A date field of the input: 400 naming the field when absent or not a calendar day. */
export function dateField(field: string, value: unknown, what: string): string {
  if (!isDate(value)) throw invalid(field, `Indiquez ${what} (AAAA-MM-JJ).`);
  return value;
}

export function idField(field: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || !value) throw invalid(field, `Indiquez ${what}.`);
  if (!isUuid(value)) throw invalid(field, `Identifiant invalide : ${what}.`);
  return value;
}

export function commentField(value: unknown, field = 'comment'): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(field, 'Le commentaire doit être un texte.');
  const text = value.trim();
  if (text.length > COMMENT_MAX)
    throw invalid(field, `Le commentaire tient en ${COMMENT_MAX} caractères au plus.`);
  return text || null;
}

/** The actor acts for an SIAE that follows people (hire, PASS, contracts, exits: issue 12 §4-5). */
export function requireSiae(actor: Actor): { organisationId: string; siaeKind: SiaeKind } {
  const { organisationId, kind } = requireFollower(actor);
  const siaeKind = siaeKindOf(kind);
  if (!siaeKind)
    throw forbidden(
      'Réservé aux structures de l’insertion par l’activité économique (AI, EI, ETTI, ACI, EITI).',
    );
  return { organisationId, siaeKind };
}

/** The actor acts for an authorised prescriber (France Travail, Mission locale, Cap emploi…). */
export function requireAuthorisedPrescriber(actor: Actor): { organisationId: string; kind: string } {
  const follower = requireFollower(actor);
  if (!AUTHORISED_PRESCRIBER_KINDS.has(follower.kind))
    throw forbidden('Réservé aux prescripteurs habilités (France Travail, Mission locale, Cap emploi…).');
  return follower;
}

/** Whether the actor's organisation may read the person's file (no audit line: no file read). */
export async function readsFile(ctx: IaeContext, actor: Actor, personId: string): Promise<boolean> {
  try {
    await ctx.core.needs.persons.checkReader(actor, personId);
    return true;
  } catch {
    return false;
  }
}
