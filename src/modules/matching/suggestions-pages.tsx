import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Alert } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { formatDate, formatNumber } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { CONTRACT_TYPES } from '../offers/rules.js';
import { FileSections, fileTitle } from '../persons/file-page.js';
import type { MatchingDeps } from './deps.js';
import { scoreText, summary } from './reasons.js';
import {
  EXCLUSION_REASONS,
  OUTCOMES,
  PRESETS,
  type PresetName,
  TERM_KEYS,
  TERMS,
  VERDICTS,
  WEIGHT_RANGE,
} from './rules.js';
import type { MatchingService, SuggestionView } from './service.js';

const base = (personId: string) => `/personnes/${personId}/suggestions`;

const INFO: Record<string, string> = {
  preset: 'Critères enregistrés pour cette personne : ses prochaines suggestions les suivront.',
  ecartee: 'Offre écartée. Elle reste listée plus bas, avec la raison donnée.',
  retablie: 'Offre rétablie parmi les suggestions.',
  suite: 'Suite enregistrée : elle compte dans la mesure de la qualité des suggestions.',
  'suite-deja': 'Cette suite était déjà enregistrée.',
};

const contractLabel = (code: string) => CONTRACT_TYPES[code as keyof typeof CONTRACT_TYPES]?.label ?? code;

/** What the person and the employer said, as a counsellor reads it. */
function said(s: SuggestionView): string[] {
  return s.feedback.flatMap((f) => {
    if (f.party === 'person')
      return [`La personne : « ${VERDICTS[f.verdict as keyof typeof VERDICTS] ?? f.verdict} »`];
    if (f.party === 'employer')
      return [
        f.verdict === 'contact_requested'
          ? 'L’employeur demande la mise en relation'
          : `L’employeur : « ${VERDICTS[f.verdict as keyof typeof VERDICTS] ?? f.verdict} »`,
      ];
    return [];
  });
}

function SuggestionCard(p: { personId: string; s: SuggestionView; rank: number; csrf: string }) {
  const { s } = p;
  const id = `suggestion-${s.offer.id}`;
  const notes = said(s);
  return (
    <li class="fr-mb-3w pa-suggestion" id={id}>
      <h3 class="fr-h5">
        <a href={`/offres/${s.offer.id}`} safe>{`${p.rank}. ${s.offer.title}`}</a>
      </h3>
      <p class="fr-text--sm fr-mb-1w" safe>
        {[
          s.offer.employer,
          s.offer.place ?? (s.offer.remote ? 'Télétravail' : null),
          contractLabel(s.offer.contractType),
          s.offer.publishedAt ? `publiée le ${formatDate(s.offer.publishedAt)}` : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <ul class="fr-badges-group fr-mb-1w">
        <li>
          <p class={`fr-badge ${s.score >= 0.75 ? 'fr-badge--success' : 'fr-badge--info'} fr-badge--no-icon`}>
            {`Correspondance ${scoreText(s.score)}`}
          </p>
        </li>
        {s.outcomes.map((o) => (
          <li>
            <p class="fr-badge fr-badge--new fr-badge--no-icon" safe>
              {OUTCOMES[o as keyof typeof OUTCOMES]?.label ?? o}
            </p>
          </li>
        ))}
      </ul>
      <p class="fr-mb-1w" safe>
        {summary(s.reasons, 3)}
      </p>
      {notes.length ? (
        <p class="fr-text--sm fr-mb-1w" safe>
          {notes.join(' · ')}
        </p>
      ) : (
        ''
      )}
      <p class="fr-text--sm fr-mb-1w">
        <a href={`/offres/${s.offer.id}/candidats`}>Autres personnes suivies pour cette offre</a>
      </p>
      <details class="fr-mb-1w">
        <summary>Détail de la correspondance</summary>
        <ul class="pa-reasons">
          {s.reasons
            .filter((r) => r.weight > 0)
            .map((r) => (
              <li>
                <strong safe>{`${r.label} : ${r.value === null ? 'non compté' : scoreText(r.value)}`}</strong>
                <span safe>{` (poids ${formatNumber(r.weight)}). ${r.text}`}</span>
              </li>
            ))}
        </ul>
      </details>
      <details>
        <summary>Écarter ou noter une suite</summary>
        <form method="post" action={`${base(p.personId)}/${s.offer.id}/ecarter`} class="fr-mt-2w">
          <CsrfField token={p.csrf} />
          <div class="fr-select-group">
            <label class="fr-label" for={`${id}-raison`}>
              Raison pour écarter cette offre
            </label>
            <select class="fr-select" id={`${id}-raison`} name="reason" required>
              <option value="">Choisir une raison</option>
              {Object.entries(EXCLUSION_REASONS).map(([value, label]) => (
                <option value={value} safe>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div class="fr-input-group">
            <label class="fr-label" for={`${id}-commentaire`}>
              Commentaire
              <span class="fr-hint-text">Obligatoire pour « Autre raison » ; 500 caractères au plus.</span>
            </label>
            <input class="fr-input" id={`${id}-commentaire`} name="comment" maxlength="500" />
          </div>
          <button class="fr-btn fr-btn--secondary fr-btn--sm" type="submit">
            Écarter
          </button>
        </form>
        <form method="post" action={`${base(p.personId)}/${s.offer.id}/suite`} class="fr-mt-3w">
          <CsrfField token={p.csrf} />
          <div class="fr-select-group">
            <label class="fr-label" for={`${id}-suite`}>
              Suite donnée
            </label>
            <select class="fr-select" id={`${id}-suite`} name="outcome" required>
              <option value="">Choisir une suite</option>
              {Object.entries(OUTCOMES).map(([value, o]) => (
                <option value={value} safe>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <button class="fr-btn fr-btn--sm" type="submit">
            Enregistrer la suite
          </button>
        </form>
      </details>
    </li>
  );
}

/** The weights' chooser: a preset, and the weights of one's own under « Ajuster les poids ». */
function PresetForm(p: {
  personId: string;
  preset: PresetName;
  weights: Record<string, number>;
  custom: boolean;
}) {
  return (
    <form method="get" action={base(p.personId)} class="fr-mb-3w">
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div class="fr-col-12 fr-col-md-6">
          <div class="fr-select-group fr-mb-0">
            <label class="fr-label" for="preset">
              Critères de classement
              <span class="fr-hint-text" safe>
                {PRESETS[p.preset].description}
              </span>
            </label>
            <select class="fr-select" id="preset" name="preset">
              {Object.entries(PRESETS).map(([name, preset]) => (
                <option value={name} selected={name === p.preset} safe>
                  {preset.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="fr-col-12 fr-col-md-auto">
          <button class="fr-btn fr-btn--secondary" type="submit">
            Classer les offres
          </button>
        </div>
      </div>
      <details class="fr-mt-2w" open={p.custom}>
        <summary>Ajuster les poids</summary>
        <p class="fr-hint-text fr-mt-1w">
          {`De ${WEIGHT_RANGE.min} (ne compte pas) à ${WEIGHT_RANGE.max}, par pas de 0,5. Vide : le poids du préréglage.`}
        </p>
        <div class="fr-grid-row fr-grid-row--gutters">
          {TERM_KEYS.map((term) => (
            <div class="fr-col-12 fr-col-sm-6 fr-col-md-3">
              <div class="fr-input-group">
                <label class="fr-label" for={`poids-${term}`} safe>
                  {TERMS[term]}
                </label>
                <input
                  class="fr-input"
                  type="number"
                  id={`poids-${term}`}
                  name={term}
                  min={String(WEIGHT_RANGE.min)}
                  max={String(WEIGHT_RANGE.max)}
                  step={String(WEIGHT_RANGE.step)}
                  value={p.custom ? String(p.weights[term]) : ''}
                  placeholder={String(PRESETS[p.preset].weights[term])}
                />
              </div>
            </div>
          ))}
        </div>
        <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit">
          Classer avec ces poids
        </button>
      </details>
    </form>
  );
}

type Result = Awaited<ReturnType<MatchingService['suggestionsFor']>>;

function page(
  request: FastifyRequest,
  reply: FastifyReply,
  personId: string,
  r: Result,
  error: AppError | null,
) {
  const ctx = pageContext(request, reply);
  const info = INFO[String((request.query as Record<string, unknown>).info ?? '')];
  return html(
    reply,
    <Layout title={`Offres suggérées — ${fileTitle(r.file)}`} ctx={ctx}>
      <h1 safe>{fileTitle(r.file)}</h1>
      <FileSections personId={personId} current="suggestions" />
      {error ? <Alert kind="error" title="Action refusée" text={error.message} focus /> : ''}
      {info ? <Alert kind="success" title={info} /> : ''}
      <h2>Offres suggérées</h2>
      <p>
        Les offres publiées qui correspondent au projet de la personne, classées par correspondance. Chaque
        critère est expliqué ; écartez une offre qui ne convient pas en disant pourquoi, notez la suite
        donnée.
      </p>
      <PresetForm personId={personId} preset={r.preset} weights={r.weights} custom={r.custom} />
      {r.preset !== r.storedPreset && !r.custom ? (
        <form method="post" action={`${base(personId)}/criteres`} class="fr-mb-3w">
          <CsrfField token={ctx.csrf} />
          <input type="hidden" name="preset" value={r.preset} />
          <button class="fr-btn fr-btn--tertiary" type="submit">
            {`Garder « ${PRESETS[r.preset].label} » pour cette personne`}
          </button>
        </form>
      ) : (
        <p
          class="fr-hint-text"
          safe
        >{`Critères retenus pour cette personne : ${PRESETS[r.storedPreset].label}.`}</p>
      )}
      {r.targets === 0 ? (
        <Alert
          kind="info"
          title="Aucun métier recherché dans le dossier"
          text="Ajoutez un métier recherché ou un emploi déjà exercé au profil : les suggestions partent de là."
        />
      ) : r.suggestions.length === 0 ? (
        <Alert
          kind="info"
          title="Aucune offre publiée ne correspond pour l’instant"
          text={
            r.located
              ? 'Aucune offre des métiers recherchés ou proches dans le rayon de mobilité, aux conditions du dossier (contrat, permis, disponibilité). Élargir le rayon ou les contrats acceptés dans le profil en fera apparaître.'
              : 'La commune n’est pas renseignée : seules les offres en télétravail peuvent être suggérées.'
          }
        />
      ) : (
        <ol
          class="fr-raw-list fr-mt-3w"
          aria-label="Offres suggérées, de la plus proche du projet à la moins proche"
        >
          {r.suggestions.map((s, i) => (
            <SuggestionCard personId={personId} s={s} rank={i + 1} csrf={ctx.csrf} />
          ))}
        </ol>
      )}
      {r.dismissed.length ? (
        <>
          <h2 class="fr-mt-5w">Offres écartées</h2>
          <ul>
            {r.dismissed.map((d) => (
              <li class="fr-mb-2w">
                <a href={`/offres/${d.offer.id}`} safe>
                  {d.offer.title}
                </a>
                <span safe>
                  {d.party === 'person'
                    ? ' — la personne a répondu « pas pour moi »'
                    : ` — écartée par ${d.actorLabel} le ${formatDate(d.recordedAt)} : ${reasonText(d.reason)}`}
                </span>
                {d.party === 'counsellor' ? (
                  <form method="post" action={`${base(personId)}/${d.offer.id}/retablir`} class="fr-mt-1w">
                    <CsrfField token={ctx.csrf} />
                    <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit">
                      Rétablir
                    </button>
                  </form>
                ) : (
                  ''
                )}
              </li>
            ))}
          </ul>
        </>
      ) : (
        ''
      )}
    </Layout>,
  );
}

/** « trop loin: mal desservi le soir » → its label and the comment. */
function reasonText(reason: string | null): string {
  if (!reason) return 'sans raison';
  const [code, ...rest] = reason.split(': ');
  const label = EXCLUSION_REASONS[code as keyof typeof EXCLUSION_REASONS] ?? code;
  return rest.length ? `${label} (« ${rest.join(': ')} »)` : label;
}

/** The counsellor's « Offres suggérées » section of a person file (issue 11 §3). */
export async function suggestionsPages(app: FastifyInstance, { matching }: MatchingDeps) {
  const weightsOf = (q: Record<string, unknown>) => ({
    preset: typeof q.preset === 'string' && q.preset ? q.preset : undefined,
    weights: Object.fromEntries(TERM_KEYS.map((k) => [k, q[k]])),
  });

  app.get(
    '/personnes/:personId/suggestions',
    { config: { access: 'user', audit: 'person.read' } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      const q = request.query as Record<string, unknown>;
      try {
        return page(
          request,
          reply,
          personId,
          await matching.suggestionsFor(request.actor!, personId, weightsOf(q)),
          null,
        );
      } catch (e) {
        // A weight out of range or an unknown preset: the page again with the stored criteria and the refusal.
        if (e instanceof AppError && e.kind === 'invalid')
          return page(
            request,
            reply,
            personId,
            await matching.suggestionsFor(request.actor!, personId, {}),
            e,
          );
        throw e;
      }
    },
  );

  /** A write's refusal (a missing reason…) is shown on the page again; the rest goes to the error page. */
  async function act(request: FastifyRequest, reply: FastifyReply, fn: () => Promise<string>) {
    const { personId } = request.params as { personId: string };
    try {
      return reply.redirect(`${base(personId)}?info=${await fn()}`, 303);
    } catch (e) {
      if (e instanceof AppError && e.kind === 'invalid') {
        reply.status(400);
        return page(request, reply, personId, await matching.suggestionsFor(request.actor!, personId, {}), e);
      }
      throw e;
    }
  }

  app.post(
    '/personnes/:personId/suggestions/criteres',
    { config: { access: 'user', audit: ['person.match_setting', 'person.read'] } },
    (request, reply) =>
      act(request, reply, async () => {
        const { personId } = request.params as { personId: string };
        await matching.setPreset(request.actor!, personId, formValue(request.body, 'preset'));
        return 'preset';
      }),
  );
  app.post(
    '/personnes/:personId/suggestions/:offerId/ecarter',
    { config: { access: 'user', audit: ['person.match_feedback', 'person.read'] } },
    (request, reply) =>
      act(request, reply, async () => {
        const { personId, offerId } = request.params as { personId: string; offerId: string };
        await matching.exclude(request.actor!, personId, offerId, {
          reason: formValue(request.body, 'reason'),
          comment: formValue(request.body, 'comment'),
        });
        return 'ecartee';
      }),
  );
  app.post(
    '/personnes/:personId/suggestions/:offerId/retablir',
    { config: { access: 'user', audit: ['person.match_feedback', 'person.read'] } },
    (request, reply) =>
      act(request, reply, async () => {
        const { personId, offerId } = request.params as { personId: string; offerId: string };
        await matching.restore(request.actor!, personId, offerId);
        return 'retablie';
      }),
  );
  app.post(
    '/personnes/:personId/suggestions/:offerId/suite',
    { config: { access: 'user', audit: ['person.match_outcome', 'person.read'] } },
    (request, reply) =>
      act(request, reply, async () => {
        const { personId, offerId } = request.params as { personId: string; offerId: string };
        const r = await matching.recordOutcome(
          request.actor!,
          personId,
          offerId,
          formValue(request.body, 'outcome'),
        );
        return r.alreadyRecorded ? 'suite-deja' : 'suite';
      }),
  );
}
