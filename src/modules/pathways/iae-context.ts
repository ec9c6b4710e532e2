import { forbidden } from '../../shared/errors.js';
import type { Actor } from '../identity/model.js';
import { type PathwaysCore, requireFollower } from './core.js';
import { AUTHORISED_PRESCRIBER_KINDS, type SiaeKind, siaeKindOf } from './eligibility-rules.js';
import type { IaeRepository } from './iae-repository.js';

/** What the IAE use-case files share: the pathways core and the IAE repository. */
export interface IaeContext {
  core: PathwaysCore;
  repo: IaeRepository;
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
