import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Alert, Badges, ButtonsGroup } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { formatDate } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { CONTRACT_TYPES, type ContractType, WORKING_TIMES, type WorkingTime } from '../offers/rules.js';
import type { MatchingDeps } from './deps.js';
import { ScoreMeter } from './match-view.js';
import { summary } from './reasons.js';
import { STRONG_SCORE, VERDICTS, type Verdict } from './rules.js';
import type { SuggestionView } from './service.js';

const personIdOf = (request: FastifyRequest) => request.person!.personId;

/** What the person's button said, shown back after the redirect. Short sentences (FALC-friendly). */
const DONE: Record<Verdict, { title: string; text: string }> = {
  interested: {
    title: 'C’est noté : cette offre vous intéresse',
    text: 'Votre conseiller le voit. Il peut vous aider à postuler.',
  },
  not_for_me: {
    title: 'C’est noté : cette offre n’est pas pour vous',
    text: 'Nous ne vous la proposerons plus.',
  },
};

/** The offer in a few words a person reads: where, which contract, since when. */
function offerLine(s: SuggestionView): string {
  const o = s.offer;
  const contract = CONTRACT_TYPES[o.contractType as ContractType]?.label ?? o.contractType;
  const time = o.workingTime ? WORKING_TIMES[o.workingTime as WorkingTime] : null;
  return [
    o.place ?? (o.remote ? 'Télétravail' : null),
    [contract, time?.toLowerCase()].filter(Boolean).join(', '),
    o.publishedAt ? `publiée le ${formatDate(o.publishedAt)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** One suggestion: the offer, why in plain words (who='person': « vous »), what the person said, two buttons. */
function SuggestionCard(p: { s: SuggestionView; index: number; csrf: string }) {
  const { s } = p;
  const said = s.feedback.find((f) => f.party === 'person')?.verdict;
  const action = `/mon-espace/offres/${s.offer.id}/avis`;
  const button = (verdict: Verdict, kind: string) => (
    <form method="post" action={action}>
      <CsrfField token={p.csrf} />
      <input type="hidden" name="verdict" value={verdict} />
      <button
        type="submit"
        class={`fr-btn ${kind}`}
        aria-label={`${VERDICTS[verdict]} : ${s.offer.title}`}
        safe
      >
        {VERDICTS[verdict]}
      </button>
    </form>
  );
  return (
    <li class="fr-mb-3w">
      <article class="fr-card fr-card--no-arrow">
        <div class="fr-card__body">
          <div class="fr-card__content">
            <h2 class="fr-card__title fr-h5" safe>
              {s.offer.title}
            </h2>
            <div class="fr-card__desc">
              {s.offer.employer ? (
                <p class="fr-mb-1w fr-text--bold" safe>
                  {s.offer.employer}
                </p>
              ) : (
                ''
              )}
              <p class="fr-mb-1w" safe>
                {offerLine(s)}
              </p>
              <Badges
                small
                badges={[
                  ...(s.score >= STRONG_SCORE
                    ? [{ text: 'Très proche de ce que vous cherchez', kind: 'success' as const }]
                    : []),
                  ...(said === 'interested'
                    ? [{ text: 'Vous êtes intéressé·e', kind: 'info' as const }]
                    : []),
                ]}
              />
              <ScoreMeter score={s.score} id={`score-${p.index}`} />
              <p class="fr-mb-1w" safe>
                {summary(s.reasons, 3)}
              </p>
              {said === 'interested' ? (
                <p class="fr-text--sm" safe>
                  {'Vous avez dit que cette offre vous intéresse. Votre conseiller le voit.'}
                </p>
              ) : (
                ''
              )}
              <ButtonsGroup class="fr-btns-group--inline-md fr-btns-group--sm">
                {said === 'interested' ? '' : button('interested', 'fr-btn--primary')}
                {button('not_for_me', 'fr-btn--secondary')}
              </ButtonsGroup>
            </div>
          </div>
        </div>
      </article>
    </li>
  );
}

/**
 * « Offres pour moi » in the person's space (issue 11 §3, « Person space: suggestions with reasons in
 * plain French »): the offers suggested to them, why in a sentence, and two answers their counsellor
 * sees. The space's own rules (persons/space-pages.tsx): 'person' access, the space session's CSRF,
 * short sentences, one column on a phone.
 */
export async function spacePages(app: FastifyInstance, services: MatchingDeps) {
  const { matching } = services;

  app.get(
    '/mon-espace/offres',
    // The ranking reads the person's own file (wanted jobs, place, radius): their own read, traced.
    { config: { access: 'person', audit: 'person.self_read' } },
    async (request, reply) => {
      const result = await matching.ownSuggestions(personIdOf(request));
      const ctx = pageContext(request, reply);
      const info = (request.query as Record<string, unknown>).info;
      const done = typeof info === 'string' && Object.hasOwn(DONE, info) ? DONE[info as Verdict] : null;
      return html(
        reply,
        <Layout title="Des offres pour moi" ctx={ctx}>
          <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
            <ol class="fr-breadcrumb__list">
              <li>
                <a class="fr-breadcrumb__link" href="/mon-espace">
                  Mon espace
                </a>
              </li>
              <li>
                <a class="fr-breadcrumb__link" aria-current="page">
                  Des offres pour moi
                </a>
              </li>
            </ol>
          </nav>
          <h1>Des offres pour moi</h1>
          {done ? <Alert kind="success" title={done.title} text={done.text} /> : ''}
          <p>Ces offres correspondent à ce que vous cherchez.</p>
          <p>Pour chacune, dites si elle vous intéresse. Votre conseiller voit votre réponse.</p>
          {result.suggestions.length === 0 ? (
            <Alert
              kind="info"
              title="Pas d’offre pour vous en ce moment"
              text={
                result.targets === 0
                  ? 'Ajoutez les métiers que vous cherchez dans votre espace : nous vous proposerons des offres.'
                  : !result.located
                    ? 'Ajoutez votre commune dans votre espace : nous cherchons les offres près de chez vous.'
                    : 'Aucune offre publiée ne correspond pour le moment à vos métiers, près de chez vous. Revenez dans quelques jours.'
              }
            />
          ) : (
            <ul class="fr-raw-list" role="list">
              {result.suggestions.map((s, i) => (
                <SuggestionCard s={s} index={i} csrf={ctx.csrf} />
              ))}
            </ul>
          )}
          <p>
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/mon-espace">
              Retour à mon espace
            </a>
          </p>
        </Layout>,
      );
    },
  );

  app.post(
    '/mon-espace/offres/:offerId/avis',
    { config: { access: 'person', audit: 'person.match_feedback' } },
    async (request, reply) => {
      const verdict = formValue(request.body, 'verdict');
      const { offerId } = request.params as { offerId: string };
      await matching.ownVerdict(personIdOf(request), offerId, verdict);
      return reply.redirect(`/mon-espace/offres?info=${verdict}`, 303);
    },
  );
}
