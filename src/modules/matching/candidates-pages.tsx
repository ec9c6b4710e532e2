import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Alert, Badges, ButtonsGroup, SelectField } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { formatCount } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { MatchingDeps } from './deps.js';
import {
  employerFeedback,
  feedbackText,
  ReasonList,
  requireCandidateReader,
  requireOfferManager,
  ScoreMeter,
} from './match-view.js';
import { PRESETS, type PresetName, STRONG_SCORE } from './rules.js';
import type { MatchingService } from './service.js';

type CandidateList = Awaited<ReturnType<MatchingService['candidatesFor']>>;
type Candidate = CandidateList['candidates'][number];

const params = (request: FastifyRequest) => request.params as { offerId: string; ref?: string };
const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;
const text = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 40) : '');

/** What the employer's button said, shown back after the redirect (POST → 303 → GET). */
const DONE = {
  contact:
    'Votre demande de mise en relation est transmise au conseiller qui suit cette personne. Il la contacte et revient vers vous.',
  not_for_me: 'Ce profil est marqué « pas pour ce poste ».',
  interested: 'Ce profil est marqué « intéressant ».',
} as const;

/** The employer's two answers on a candidate (service.ts employerVerdict). */
function EmployerButtons(p: { offerId: string; c: Candidate; csrf: string; preset: PresetName }) {
  const action = `/offres/${p.offerId}/candidats/${encodeURIComponent(p.c.ref)}/avis`;
  const given = employerFeedback(p.c.feedback)[0]?.verdict;
  const button = (verdict: 'contact' | 'not_for_me', label: string, kind: string) => (
    <form method="post" action={action}>
      <CsrfField token={p.csrf} />
      <input type="hidden" name="verdict" value={verdict} />
      <input type="hidden" name="preset" value={p.preset} />
      <button type="submit" class={`fr-btn ${kind}`} aria-label={`${label} (${p.c.label})`} safe>
        {label}
      </button>
    </form>
  );
  return (
    <ButtonsGroup class="fr-btns-group--inline-md fr-btns-group--sm">
      {given === 'contact_requested'
        ? ''
        : button('contact', 'Demander la mise en relation', 'fr-btn--primary')}
      {given === 'not_for_me' ? '' : button('not_for_me', 'Pas pour ce poste', 'fr-btn--tertiary')}
    </ButtonsGroup>
  );
}

/** One candidate as a card: who (a pseudonym for an employer, the name for a counsellor), the score, why. */
function CandidateCard(p: { list: CandidateList; c: Candidate; index: number; csrf: string }) {
  const { c, list } = p;
  const employer = list.view === 'employer';
  const feedback = employer ? employerFeedback(c.feedback) : c.feedback;
  return (
    <li class="fr-mb-3w">
      <article class="fr-card fr-card--no-arrow">
        <div class="fr-card__body">
          <div class="fr-card__content">
            <h3 class="fr-card__title">
              {employer ? (
                <span safe>{c.label}</span>
              ) : (
                <a href={`/personnes/${c.personId}/suggestions`} safe>
                  {c.label}
                </a>
              )}
            </h3>
            <div class="fr-card__desc">
              <Badges
                small
                badges={[
                  ...(c.score >= STRONG_SCORE
                    ? [{ text: 'Forte correspondance', kind: 'success' as const }]
                    : []),
                  ...(feedback.some((f) => f.verdict === 'contact_requested')
                    ? [{ text: 'Mise en relation demandée', kind: 'info' as const }]
                    : []),
                ]}
              />
              <ScoreMeter score={c.score} id={`score-${p.index}`} />
              <p class="fr-mb-1w" safe>
                {[
                  c.commune ? `Habite à ${c.commune}` : 'Commune non renseignée',
                  c.wanted.length ? `recherche : ${c.wanted.join(', ')}` : null,
                ]
                  .filter(Boolean)
                  .join(' ; ')}
              </p>
              {c.referentOrganisation ? (
                <p class="fr-mb-1w fr-text--sm" safe>{`Accompagné·e par ${c.referentOrganisation}`}</p>
              ) : (
                ''
              )}
              <details class="fr-mb-1w">
                <summary>Pourquoi ce profil</summary>
                <ReasonList reasons={c.reasons} />
              </details>
              {feedback.map((f) => (
                <p class="fr-text--sm fr-mb-1w" safe>
                  {feedbackText(f, list.view)}
                </p>
              ))}
              {employer ? (
                <EmployerButtons offerId={list.offer.id} c={c} csrf={p.csrf} preset={list.preset} />
              ) : (
                ''
              )}
            </div>
          </div>
        </div>
      </article>
    </li>
  );
}

/**
 * An offer's ranked candidates (issue 11 §3, « Offer page for the employer »): the employer sees the
 * persons who chose in their space to be visible, without name or contact, and asks to be put in
 * touch through the person's counsellor; a counsellor sees the persons their organisation follows,
 * by name, each linking to the person's suggestions. Cards, one column: at 375 px a table of
 * reasons would not fit.
 */
export async function employerPages(app: FastifyInstance, services: MatchingDeps) {
  const { matching } = services;

  app.get(
    '/offres/:offerId/candidats',
    { config: { access: 'user', audit: 'job_offer.candidates' } },
    async (request, reply) => {
      const actor = request.actor!;
      requireCandidateReader(actor);
      const q = queryOf(request);
      const preset = text(q.preset) || undefined;
      const list = await matching.candidatesFor(actor, params(request).offerId, { preset });
      const ctx = pageContext(request, reply);
      const info = text(q.info);
      const done = Object.hasOwn(DONE, info) ? DONE[info as keyof typeof DONE] : null;
      const employer = list.view === 'employer';
      const title = 'Candidats suggérés';
      return html(
        reply,
        <Layout title={`${title} – ${list.offer.title}`} ctx={ctx}>
          <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
            <ol class="fr-breadcrumb__list">
              <li>
                <a class="fr-breadcrumb__link" href={employer ? '/employeur/offres' : '/offres'}>
                  {employer ? 'Mes offres' : 'Offres d’emploi'}
                </a>
              </li>
              <li>
                <a class="fr-breadcrumb__link" href={`/offres/${list.offer.id}`} safe>
                  {list.offer.title}
                </a>
              </li>
              <li>
                <a class="fr-breadcrumb__link" aria-current="page">
                  {title}
                </a>
              </li>
            </ol>
          </nav>
          <h1>{title}</h1>
          <p class="fr-text--lead" safe>
            {list.offer.title}
          </p>
          {done ? <Alert kind="success" title="C’est enregistré" text={done} /> : ''}
          {employer ? (
            <p>
              Les personnes accompagnées qui ont choisi, dans leur espace, que les employeurs voient leur
              profil sans leur nom. Vous ne voyez ni leur nom ni leurs coordonnées : pour rencontrer une
              personne, demandez la mise en relation, son conseiller la contacte.
            </p>
          ) : (
            <p>
              Les personnes que suit votre organisation et qui correspondent à l’offre. Ouvrez les suggestions
              d’une personne pour lui proposer l’offre ou noter la suite donnée.
            </p>
          )}
          <form method="get" action={`/offres/${list.offer.id}/candidats`} class="fr-mb-3w">
            <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
              <div class="fr-col-12 fr-col-md-6">
                <SelectField
                  name="preset"
                  label="Classer les candidats"
                  hint={PRESETS[list.preset].description}
                  options={Object.entries(PRESETS).map(([k, v]) => [k, v.label])}
                  value={list.preset}
                />
              </div>
              <div class="fr-col-12 fr-col-md-6">
                <button type="submit" class="fr-btn fr-btn--secondary fr-mb-3w">
                  Classer
                </button>
              </div>
            </div>
          </form>
          {list.candidates.length === 0 ? (
            <Alert
              kind="info"
              title="Aucun candidat à proposer pour le moment"
              text={
                employer
                  ? 'Aucune personne visible des employeurs ne recherche ce métier ou un métier proche dans son rayon de déplacement, aux conditions de l’offre. Les personnes choisissent dans leur espace d’être visibles : revenez plus tard.'
                  : 'Aucune personne suivie par votre organisation ne recherche ce métier ou un métier proche dans son rayon de déplacement, aux conditions de l’offre (contrat, permis, disponibilité).'
              }
            />
          ) : (
            <>
              <h2>{formatCount(list.candidates.length, 'candidat')}</h2>
              <p class="fr-hint-text">
                Les 50 premiers au plus, du plus au moins proche de l’offre. Chaque profil dit pourquoi.
              </p>
              <ul class="fr-raw-list" role="list">
                {list.candidates.map((c, i) => (
                  <CandidateCard list={list} c={c} index={i} csrf={ctx.csrf} />
                ))}
              </ul>
            </>
          )}
        </Layout>,
      );
    },
  );

  app.post(
    '/offres/:offerId/candidats/:ref/avis',
    // The verdict recomputes the visible candidates to find the one the reference names: a read of
    // persons' data besides the feedback's write (shared/audit.ts).
    { config: { access: 'user', audit: ['person.match_feedback', 'job_offer.candidates'] } },
    async (request, reply) => {
      const actor = request.actor!;
      requireOfferManager(actor);
      const { offerId, ref } = params(request);
      const verdict = formValue(request.body, 'verdict');
      await matching.employerVerdict(actor, offerId, String(ref ?? '').slice(0, 40), verdict);
      const preset = formValue(request.body, 'preset');
      const back = new URLSearchParams({ info: verdict });
      if (Object.hasOwn(PRESETS, preset)) back.set('preset', preset);
      return reply.redirect(`/offres/${offerId}/candidats?${back}`, 303);
    },
  );
}
