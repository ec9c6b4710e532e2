import { forbidden } from '../../shared/errors.js';
import { formatDate } from '../../web/format.js';
import type { Actor } from '../identity/model.js';
import { canManageOffers } from '../offers/rights.js';
import { canHoldFiles } from '../persons/rights.js';
import { type Reason, scoreText } from './reasons.js';
import type { FeedbackRow } from './records-repository.js';

/**
 * Who may open an offer's candidates at all, before the offer is looked up: an offer manager (the
 * service then checks the offer is their organisation's) or a counsellor of an accompanying
 * organisation — the same two predicates as service.ts candidatesFor. Checked first so that an
 * analyst or a gestionnaire of a training body gets 403 whatever the offer id they send, rather than
 * a 400 or 404 that would tell them which offers exist (authorisation matrix: refused is 401/403).
 */
export function requireCandidateReader(actor: Actor) {
  if (!canManageOffers(actor) && !canHoldFiles(actor))
    throw forbidden(
      'Les candidats d’une offre sont proposés à l’employeur qui l’a publiée et aux conseillers des organisations qui accompagnent des personnes.',
    );
}

/** Only the offer's managers answer on its candidates (service.ts employerVerdict): refused first, as above. */
export function requireOfferManager(actor: Actor) {
  if (!canManageOffers(actor))
    throw forbidden('Seul l’employeur qui a publié l’offre répond sur ses candidats.');
}

/**
 * What an employer may read of the feedback on a candidate: their own organisation's answers only.
 * The person's « pas pour moi » and a counsellor's exclusion (with its reason and the counsellor's
 * name) are the accompaniment's business, not the employer's (persons: profile « sans le nom »).
 */
export const employerFeedback = (rows: FeedbackRow[]) => rows.filter((f) => f.party === 'employer');

/**
 * A verdict on a candidate, in words, with its date, as the reader of the list is concerned: the
 * employer reads what they said (« vous »); the counsellor reads who said what, and what to do.
 */
export function feedbackText(f: FeedbackRow, viewer: 'employer' | 'counsellor'): string {
  const on = formatDate(f.recordedAt);
  if (f.party === 'employer') {
    if (viewer === 'employer')
      return f.verdict === 'contact_requested'
        ? `Vous avez demandé la mise en relation le ${on}. Le conseiller de la personne la contacte et revient vers vous.`
        : f.verdict === 'not_for_me'
          ? `Vous avez indiqué le ${on} que ce profil n’est pas pour ce poste.`
          : `Vous avez marqué ce profil comme intéressant le ${on}.`;
    return f.verdict === 'contact_requested'
      ? `L’employeur demande la mise en relation (le ${on}) : proposez-lui l’offre et prenez contact avec l’employeur.`
      : f.verdict === 'not_for_me'
        ? `L’employeur a indiqué le ${on} que ce profil n’est pas pour ce poste.`
        : `L’employeur a marqué ce profil comme intéressant le ${on}.`;
  }
  if (f.party === 'person')
    return f.verdict === 'not_for_me'
      ? `La personne a dit « pas pour moi » le ${on}.`
      : `La personne s’est dite intéressée le ${on}.`;
  return `Offre écartée pour cette personne par un conseiller le ${on}.`;
}

/**
 * A score as everyone reads it: the percentage in words and a bar. `<meter>` is native, needs no
 * inline style (the CSP forbids them) and is announced with its label by screen readers.
 */
export function ScoreMeter(p: { score: number; id: string }) {
  return (
    <p class="fr-mb-1w">
      <label for={p.id} class="fr-text--bold">
        Correspondance : {scoreText(p.score)}
      </label>{' '}
      <meter id={p.id} min="0" max="1" low="0.5" high="0.75" optimum="1" value={String(p.score)}>
        {scoreText(p.score)}
      </meter>
    </p>
  );
}

/** The terms of a score, each with why (reasons.ts), those that count first; a weight 0 is left out. */
export function ReasonList(p: { reasons: Reason[] }) {
  const shown = p.reasons.filter((r) => r.weight > 0);
  return (
    <ul class="fr-mb-1w">
      {shown.map((r) => (
        <li>
          <span class="fr-text--bold" safe>
            {r.label}
          </span>
          {r.value === null ? ' (non compté)' : ` (${scoreText(r.value)})`} : <span safe>{r.text}</span>
        </li>
      ))}
    </ul>
  );
}
