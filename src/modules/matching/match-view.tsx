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

/** The employer's and the counsellor's verdict on a candidate, in words, with its date. */
export function feedbackText(f: FeedbackRow): string {
  const on = formatDate(f.recordedAt);
  const text: Record<string, string> = {
    contact_requested: `Mise en relation demandée le ${on} : le conseiller de la personne la contacte.`,
    not_for_me: `Marqué « pas pour ce poste » le ${on}.`,
    interested: `Marqué « intéressant » le ${on}.`,
    excluded: `Écarté par un conseiller le ${on}.`,
  };
  const who = f.party === 'person' ? 'La personne' : f.party === 'employer' ? 'L’employeur' : 'Un conseiller';
  if (f.party === 'person')
    return f.verdict === 'not_for_me'
      ? `${who} a dit « pas pour moi » le ${on}.`
      : `${who} s’est dite intéressée le ${on}.`;
  return f.party === 'employer' ? `${who} : ${text[f.verdict] ?? f.verdict}` : (text[f.verdict] ?? f.verdict);
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
