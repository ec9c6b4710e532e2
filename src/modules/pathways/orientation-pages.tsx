import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import {
  Alert,
  Badges,
  DataTable,
  InputField,
  Pagination,
  RadioGroup,
  SelectField,
  TagLinks,
  TextareaField,
} from '../../web/components.js';
import { formValue, html, pageContext, pageParam } from '../../web/context.js';
import { formatCount, formatDate, formatDateTime, MISSING } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { fileTitle } from '../persons/file-page.js';
import { followsPeople } from './core.js';
import type { PathwaysDeps } from './deps.js';
import type { OrientationInput, OrientationView } from './orientation-service.js';
import {
  IMMERSION_OBJECTIVES,
  OPEN_STATES,
  ORIENTATION_STATES,
  ORIENTATION_TARGET_KINDS,
  ORIENTATION_TARGETS,
  type OrientationState,
  type OrientationTarget,
  REFUSAL_REASONS,
  transitionFor,
} from './rules.js';

const shownInForm = (e: unknown): e is AppError =>
  e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict');

/** The badge of a state: waiting (info), accepted (success), refused (error), expired or cancelled (plain). */
export function stateBadge(state: OrientationState) {
  const kind =
    state === 'accepted'
      ? 'success'
      : state === 'refused'
        ? 'error'
        : OPEN_STATES.includes(state)
          ? 'info'
          : undefined;
  return <Badges small badges={[{ text: ORIENTATION_STATES[state], ...(kind ? { kind } : {}) }]} />;
}

/** What a request asks, its state and its date: the cells every list of orientations shows. */
export function RequestCells({ o }: { o: OrientationView }) {
  return (
    <>
      <td
        data-label="Demande"
        class="fr-cell--multiline"
        safe
      >{`${o.target.kindLabel} : ${o.target.label}`}</td>
      <td data-label="État">{stateBadge(o.state)}</td>
      <td data-label="Envoyée le" safe>
        {formatDate(o.createdAt.slice(0, 10))}
      </td>
    </>
  );
}

const INFO: Record<string, string> = {
  envoyee:
    'Orientation envoyée : la structure la reçoit dans « Orientations reçues » et vous verrez sa réponse ici.',
  decision: 'Réponse enregistrée : le prescripteur la voit dans ses orientations envoyées.',
};

/**
 * The orientation form's query: the target kind and the thing chosen on a training, offer or
 * directory service page (`service=<uuid>`, issue 13 §4).
 */
function targetQuery(q: Record<string, unknown>) {
  const kind =
    typeof q.vers === 'string' && q.vers in ORIENTATION_TARGETS
      ? (q.vers as OrientationTarget)
      : 'siae_position';
  const ref = [q.session, q.offre, q.poste, q.service].find(
    (v): v is string => typeof v === 'string' && isUuid(v),
  );
  return { kind, ref };
}

/** The query parameter that names a target's record: the reverse of targetQuery. */
const refParam = (kind: OrientationTarget) =>
  kind === 'job_offer'
    ? 'offre'
    : kind === 'training_session'
      ? 'session'
      : kind === 'service'
        ? 'service'
        : 'poste';

/** The directory's sheet of a service (issue 13 §3). */
const serviceSheet = (uuid: string) => `/annuaire/services/${uuid}`;

/** Orientations' pages (issue 12 §1, §7): orient a person, the lists received and sent, one request and its answers. */
export async function orientationPages(app: FastifyInstance, deps: PathwaysDeps) {
  const { pathways, persons } = deps;

  /** The form, for a person the actor may read; shown again with the refusal naming its field. */
  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    state: { kind: OrientationTarget; ref?: string; values?: Record<string, string>; error?: AppError },
  ) {
    const f = await persons.get(request.actor!, personId);
    const ctx = pageContext(request, reply);
    const choices = await pathways.orientationChoices(request.actor!, state.kind, state.ref);
    const v = state.values ?? {};
    const err = (field: string) => (state.error?.field === field ? state.error.message : undefined);
    const base = `/personnes/${personId}/orienter`;
    return html(
      reply,
      <Layout title={`Orienter — ${fileTitle(f)}`} ctx={ctx}>
        <p class="fr-mb-1w">
          <a
            class="fr-link fr-icon-arrow-left-line fr-link--icon-left"
            href={`/personnes/${personId}/parcours`}
          >
            Parcours de la personne
          </a>
        </p>
        <h1 safe>{`Orienter ${f.firstName} ${f.lastName.toUpperCase()}`}</h1>
        {state.error ? (
          <Alert kind="error" title="L’orientation n’est pas envoyée" text={state.error.message} focus />
        ) : (
          ''
        )}
        <p>Vers quoi orientez-vous la personne ?</p>
        <TagLinks
          tags={ORIENTATION_TARGET_KINDS.map((k) => ({
            text: ORIENTATION_TARGETS[k].label,
            href: `${base}?vers=${k}`,
            current: k === state.kind,
          }))}
        />
        <form method="post" action={base} class="fr-mt-3w">
          <CsrfField token={ctx.csrf} />
          <input type="hidden" name="targetKind" value={state.kind} />
          {state.kind === 'siae_position' ? (
            choices.positions.length ? (
              <SelectField
                name="targetRef"
                label="Poste proposé par une SIAE"
                hint="Les postes ouverts des structures d’insertion, avec leurs places libres."
                required
                placeholder="Choisir un poste"
                value={v.targetRef ?? state.ref ?? null}
                error={err('targetRef')}
                options={choices.positions.map((p) => [
                  p.id,
                  `${p.organisationName} — ${p.title}${p.communeName ? ` (${p.communeName})` : ''} — ${formatCount(p.openPlaces, 'place')}`,
                ])}
              />
            ) : (
              <Alert kind="info" title="Aucun poste ouvert en SIAE pour le moment" />
            )
          ) : state.kind === 'training_session' || state.kind === 'job_offer' ? (
            choices.target ? (
              <>
                <input type="hidden" name="targetRef" value={state.ref ?? ''} />
                <p class="fr-mb-2w">
                  <span class="fr-text--bold">{state.kind === 'job_offer' ? 'Offre : ' : 'Session : '}</span>
                  <span safe>{choices.target.label}</span>
                  {choices.target.placesLeft !== null ? (
                    <span
                      safe
                    >{` — ${formatCount(choices.target.placesLeft, 'place restante', 'places restantes')}`}</span>
                  ) : (
                    ''
                  )}
                </p>
                {err('targetRef') ? <Alert kind="error" title={err('targetRef')!} /> : ''}
              </>
            ) : (
              <Alert
                kind="info"
                title={
                  state.kind === 'job_offer' ? 'Choisissez d’abord l’offre' : 'Choisissez d’abord la session'
                }
                text={
                  state.kind === 'job_offer'
                    ? 'Ouvrez l’offre (« Offres suggérées » du dossier ou la liste des offres) et suivez « Orienter une personne vers cette offre ».'
                    : 'Ouvrez la formation (« Se former » du dossier ou la recherche de formations) et suivez « Orienter une personne » sur la session.'
                }
              />
            )
          ) : state.kind === 'service' && choices.service ? (
            <>
              <input type="hidden" name="targetRef" value={choices.service.uuid} />
              <dl class="fr-mb-2w">
                <dt class="fr-text--bold">Service de l’annuaire</dt>
                <dd safe>{choices.service.serviceName}</dd>
                <dt class="fr-text--bold">Structure</dt>
                <dd safe>{choices.service.structureName}</dd>
                <dt class="fr-text--bold">Organisation qui reçoit la demande</dt>
                <dd safe>{choices.service.organisationName ?? 'Pas inscrite sur Passerelle'}</dd>
              </dl>
              <p>
                <a class="fr-link" href={serviceSheet(choices.service.uuid)}>
                  Lire la fiche du service
                </a>
                {' · '}
                <a class="fr-link" href={`${base}?vers=service`}>
                  Décrire un autre service
                </a>
              </p>
              {err('targetRef') ? <Alert kind="error" title={err('targetRef')!} /> : ''}
            </>
          ) : (
            <>
              {state.kind === 'service' ? (
                <p>
                  <a class="fr-link fr-icon-search-line fr-link--icon-left" href="/annuaire">
                    Chercher le service dans l’annuaire
                  </a>
                </p>
              ) : (
                ''
              )}
              <SelectField
                name="organisationId"
                label={
                  state.kind === 'immersion'
                    ? 'Structure qui valide l’immersion'
                    : 'Organisation qui reçoit la demande'
                }
                required
                placeholder="Choisir une organisation"
                value={v.organisationId ?? null}
                error={err('organisationId')}
                options={choices.receivers.map((o) => [o.id, o.name])}
              />
              {state.kind === 'immersion' ? (
                <>
                  <InputField
                    name="immersionHost"
                    label="Entreprise ou service d’accueil"
                    hint="Le nom de l’employeur qui accueille la personne et le service."
                    required
                    value={v.immersionHost}
                    error={err('immersion.host')}
                  />
                  <div class="fr-grid-row fr-grid-row--gutters">
                    <div class="fr-col-12 fr-col-md-6">
                      <InputField
                        name="immersionStartOn"
                        type="date"
                        label="Début"
                        required
                        value={v.immersionStartOn}
                        error={err('immersion.startOn')}
                      />
                    </div>
                    <div class="fr-col-12 fr-col-md-6">
                      <InputField
                        name="immersionEndOn"
                        type="date"
                        label="Fin"
                        hint="Un mois au plus."
                        required
                        value={v.immersionEndOn}
                        error={err('immersion.endOn')}
                      />
                    </div>
                  </div>
                  <RadioGroup
                    name="immersionObjective"
                    legend="Objectif de l’immersion"
                    choices={Object.entries(IMMERSION_OBJECTIVES).map(([value, label]) => ({ value, label }))}
                    value={v.immersionObjective ?? null}
                    error={err('immersion.objective')}
                  />
                </>
              ) : (
                <InputField
                  name="targetLabel"
                  label={state.kind === 'workshop' ? 'Atelier demandé' : 'Service demandé'}
                  hint={
                    state.kind === 'workshop'
                      ? 'Par exemple : atelier de détection des potentiels du 12 janvier.'
                      : 'Par exemple : accompagnement à la mobilité, aide au permis, bilan de santé.'
                  }
                  required
                  value={v.targetLabel}
                  error={err('targetLabel')}
                />
              )}
            </>
          )}
          <TextareaField
            name="message"
            label="Pourquoi cette orientation"
            hint="Ce que la structure doit savoir pour décider : le projet, la disponibilité, l’accompagnement. Elle ne voit pas le dossier avant d’accepter. Rien de médical."
            required
            rows={5}
            value={v.message}
            error={err('message')}
          />
          <button type="submit" class="fr-btn">
            Envoyer l’orientation
          </button>
        </form>
      </Layout>,
      state.error ? 400 : 200,
    );
  }

  const personRoute = { config: { access: 'user' as const, audit: 'person.read' as const } };

  app.get('/personnes/:personId/orienter', personRoute, async (request, reply) => {
    const { personId } = request.params as { personId: string };
    const { kind, ref } = targetQuery(request.query as Record<string, unknown>);
    return formPage(request, reply, personId, { kind, ...(ref ? { ref } : {}) });
  });

  app.post(
    '/personnes/:personId/orienter',
    { config: { access: 'user', audit: ['orientation.created', 'person.read'] } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      const b = request.body;
      const kind = (formValue(b, 'targetKind') || 'siae_position') as OrientationTarget;
      const input: OrientationInput = {
        personId,
        targetKind: kind,
        message: formValue(b, 'message'),
        ...(formValue(b, 'targetRef') ? { targetRef: formValue(b, 'targetRef') } : {}),
        ...(formValue(b, 'organisationId') ? { organisationId: formValue(b, 'organisationId') } : {}),
        ...(formValue(b, 'targetLabel') ? { targetLabel: formValue(b, 'targetLabel') } : {}),
        ...(kind === 'immersion'
          ? {
              immersion: {
                host: formValue(b, 'immersionHost'),
                startOn: formValue(b, 'immersionStartOn'),
                endOn: formValue(b, 'immersionEndOn'),
                objective: formValue(b, 'immersionObjective'),
              },
            }
          : {}),
      };
      try {
        const { id } = await pathways.orient(request.actor!, input);
        return reply.redirect(`/orientations/${id}?info=envoyee`, 303);
      } catch (e) {
        if (!shownInForm(e) || !(kind in ORIENTATION_TARGETS)) throw e;
        const values = Object.fromEntries(
          [
            'targetRef',
            'organisationId',
            'targetLabel',
            'message',
            'immersionHost',
            'immersionStartOn',
            'immersionEndOn',
            'immersionObjective',
          ].map((k) => [k, formValue(b, k)]),
        );
        const ref = formValue(b, 'targetRef');
        return formPage(request, reply, personId, {
          kind,
          ...(isUuid(ref) ? { ref } : {}),
          values,
          error: e,
        });
      }
    },
  );

  /** From a training session or an offer: find the person to orient, then the form. */
  app.get(
    '/orientations/nouvelle',
    { config: { access: 'user', audit: 'persons.list' } },
    async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const { kind, ref } = targetQuery(q);
      const name = typeof q.q === 'string' ? q.q.trim().slice(0, 100) : '';
      const ctx = pageContext(request, reply);
      // Followers only (the choices check it), before anything is read.
      const { target, service } = await pathways.orientationChoices(request.actor!, kind, ref);
      // Without a name, the first of the organisation's persons: a counsellor often orients someone just seen.
      const found = await persons.list(request.actor!, name ? { q: name } : {});
      const next = (personId: string) =>
        `/personnes/${personId}/orienter?vers=${kind}${ref ? `&${refParam(kind)}=${ref}` : ''}`;
      return html(
        reply,
        <Layout title="Orienter une personne" ctx={ctx}>
          <h1>Orienter une personne</h1>
          {target || service ? (
            <p safe>{`${ORIENTATION_TARGETS[kind].label} : ${(target ?? service)!.label}`}</p>
          ) : (
            <Alert
              kind="warning"
              title={
                kind === 'service'
                  ? 'Ce service n’est plus dans l’annuaire'
                  : 'Cette session ou cette offre n’est plus disponible'
              }
            />
          )}
          <form method="get" action="/orientations/nouvelle" role="search" aria-label="Chercher la personne">
            <input type="hidden" name="vers" value={kind} />
            {ref ? <input type="hidden" name={refParam(kind)} value={ref} /> : ''}
            <InputField
              name="q"
              label="Nom de la personne"
              hint="Parmi les personnes que votre organisation accompagne."
              value={name}
            />
            <button type="submit" class="fr-btn fr-mb-3w">
              Chercher
            </button>
          </form>
          {!name && found.items.length ? <h2 class="fr-h5">Les personnes que vous accompagnez</h2> : ''}
          {name || found.items.length ? (
            found.items.length ? (
              <ul>
                {found.items.map((p) => (
                  <li>
                    <a
                      href={next(p.id)}
                      safe
                    >{`${p.firstName} ${p.lastName.toUpperCase()} — née ou né le ${formatDate(p.birthDate)}`}</a>
                  </li>
                ))}
              </ul>
            ) : (
              <Alert kind="info" title="Aucune personne de ce nom parmi celles que vous accompagnez" />
            )
          ) : (
            ''
          )}
        </Layout>,
      );
    },
  );

  app.get(
    '/orientations',
    { config: { access: 'user', audit: 'orientations.list' } },
    async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const side = q.cote === 'envoyees' ? 'sent' : 'received';
      const stateFilter = typeof q.etat === 'string' && q.etat ? q.etat : side === 'received' ? 'open' : '';
      const page = pageParam(request);
      const result = await pathways.list(request.actor!, side, { state: stateFilter || undefined, page });
      const ctx = pageContext(request, reply);
      const title = side === 'received' ? 'Orientations reçues' : 'Orientations envoyées';
      const keep = new URLSearchParams({ cote: side === 'sent' ? 'envoyees' : 'recues', etat: stateFilter });
      return html(
        reply,
        <Layout title={title} ctx={ctx}>
          <h1>{title}</h1>
          <TagLinks
            tags={[
              { text: 'Reçues', href: '/orientations?cote=recues', current: side === 'received' },
              { text: 'Envoyées', href: '/orientations?cote=envoyees', current: side === 'sent' },
            ]}
          />
          <form method="get" action="/orientations" class="fr-mt-2w" aria-label="Filtrer les orientations">
            <input type="hidden" name="cote" value={side === 'sent' ? 'envoyees' : 'recues'} />
            <SelectField
              name="etat"
              label="État"
              placeholder="Tous"
              value={stateFilter || null}
              options={[
                ['open', 'En attente de réponse'],
                ...(Object.entries(ORIENTATION_STATES) as [string, string][]),
              ]}
            />
            <button type="submit" class="fr-btn fr-btn--secondary fr-mb-3w">
              Filtrer
            </button>
          </form>
          {result.total === 0 ? (
            <Alert
              kind="info"
              title={
                side === 'received'
                  ? 'Aucune orientation reçue dans cet état'
                  : 'Aucune orientation envoyée dans cet état'
              }
            />
          ) : (
            <DataTable
              caption={formatCount(result.total, 'orientation')}
              headers={[
                'Personne',
                side === 'received' ? 'Envoyée par' : 'Vers',
                'Demande',
                'État',
                'Envoyée le',
                'Réponse attendue avant le',
              ]}
              stacked
            >
              {result.rows.map((o) => (
                <tr>
                  <td class="fr-cell--multiline">
                    <a
                      href={`/orientations/${o.id}`}
                      safe
                    >{`${o.person.firstName} ${o.person.lastName.toUpperCase()}`}</a>
                  </td>
                  <td
                    data-label={side === 'received' ? 'Envoyée par' : 'Vers'}
                    class="fr-cell--multiline"
                    safe
                  >
                    {side === 'received' ? o.prescriber.organisation : o.target.organisation}
                  </td>
                  <RequestCells o={o} />
                  <td data-label="Réponse attendue avant le">
                    {OPEN_STATES.includes(o.state) ? formatDate(o.expiresOn) : MISSING}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
          <Pagination
            page={result.page}
            total={result.total}
            pageSize={result.pageSize}
            baseQuery={keep}
            path="/orientations"
          />
        </Layout>,
      );
    },
  );

  async function detailPage(request: FastifyRequest, reply: FastifyReply, id: string, error?: AppError) {
    const { orientation: o, side, transitions } = await pathways.get(request.actor!, id);
    const ctx = pageContext(request, reply);
    const serviceRef = o.target.kind === 'service' && o.target.ref ? o.target.ref : null;
    const info = (request.query as Record<string, unknown>).info;
    const can = (to: OrientationState) => !!transitionFor(o.state, to, side);
    const who = `${o.person.firstName} ${o.person.lastName.toUpperCase()}`;
    const action = `/orientations/${o.id}/decision`;
    const seesFile = side === 'prescriber' || o.state === 'accepted';
    return html(
      reply,
      <Layout title={`Orientation de ${who}`} ctx={ctx}>
        <p class="fr-mb-1w">
          <a
            class="fr-link fr-icon-arrow-left-line fr-link--icon-left"
            href={`/orientations?cote=${side === 'receiver' ? 'recues' : 'envoyees'}`}
          >
            {side === 'receiver' ? 'Orientations reçues' : 'Orientations envoyées'}
          </a>
        </p>
        <h1 safe>{`Orientation de ${who}`}</h1>
        {stateBadge(o.state)}
        {typeof info === 'string' && INFO[info] ? <Alert kind="success" title={INFO[info]!} /> : ''}
        {error ? (
          <Alert kind="error" title="La réponse n’est pas enregistrée" text={error.message} focus />
        ) : (
          ''
        )}
        <dl class="fr-mt-2w">
          {(
            [
              [
                'Personne',
                `${who}, née ou né le ${formatDate(o.person.birthDate)}${o.person.commune ? `, ${o.person.commune}` : ''}`,
              ],
              ['Demande', `${o.target.kindLabel} : ${o.target.label}`],
              ['Envoyée par', `${o.prescriber.by}, le ${formatDateTime(o.createdAt)}`],
              ['Reçue par', o.target.organisation],
              ...(o.immersion
                ? ([
                    ['Accueil', o.immersion.host ?? MISSING],
                    ['Dates', `du ${formatDate(o.immersion.startOn)} au ${formatDate(o.immersion.endOn)}`],
                    [
                      'Objectif',
                      IMMERSION_OBJECTIVES[o.immersion.objective as keyof typeof IMMERSION_OBJECTIVES] ??
                        MISSING,
                    ],
                  ] as [string, string][])
                : []),
              ...(o.target.kind === 'siae_position'
                ? ([
                    [
                      'Éligibilité IAE',
                      o.diagnosis
                        ? `Diagnostic de ${o.diagnosis.author ?? 'un prescripteur habilité'}, valable jusqu’au ${formatDate(o.diagnosis.expiresOn)}`
                        : 'Aucun diagnostic joint : la structure le réalise avant l’embauche',
                    ],
                  ] as [string, string][])
                : []),
              ['Message du prescripteur', o.message],
              ...(OPEN_STATES.includes(o.state)
                ? ([['Réponse attendue avant le', formatDate(o.expiresOn)]] as [string, string][])
                : []),
              ...(o.startOn ? ([['Entrée prévue le', formatDate(o.startOn)]] as [string, string][]) : []),
              ...(o.refusalReasonLabel
                ? ([['Motif du refus', o.refusalReasonLabel]] as [string, string][])
                : []),
              ...(o.decisionComment
                ? ([['Commentaire de la réponse', o.decisionComment]] as [string, string][])
                : []),
            ] as [string, string][]
          ).map(([term, value]) => (
            <>
              <dt class="fr-text--bold" safe>
                {term}
              </dt>
              {term === 'Demande' && serviceRef ? (
                // A directory service's request links to its sheet (issue 13 §4): contacts, hours, conditions.
                <dd class="fr-mb-2w">
                  <a href={serviceSheet(serviceRef)} safe>
                    {value}
                  </a>
                </dd>
              ) : (
                <dd class="fr-mb-2w" safe>
                  {value}
                </dd>
              )}
            </>
          ))}
        </dl>
        {seesFile ? (
          <p>
            <a class="fr-link" href={`/personnes/${o.person.id}/parcours`}>
              Parcours de la personne
            </a>
          </p>
        ) : (
          <p class="fr-text--sm">
            Le dossier de la personne vous sera partagé si vous acceptez l’orientation, le temps de
            l’accompagnement.
          </p>
        )}
        {side === 'receiver' && o.state === 'accepted' && o.target.kind === 'siae_position' ? (
          <p>
            <a class="fr-btn" href={`/orientations/${o.id}/embauche`}>
              Embaucher et délivrer le PASS IAE
            </a>
          </p>
        ) : (
          ''
        )}
        {side === 'receiver' && OPEN_STATES.includes(o.state) ? (
          <section class="fr-mt-4w" aria-labelledby="repondre">
            <h2 id="repondre">Répondre</h2>
            <div class="fr-btns-group fr-btns-group--inline-md">
              {(['studying', 'on_hold'] as const).filter(can).map((to) => (
                <form method="post" action={action}>
                  <CsrfField token={ctx.csrf} />
                  <input type="hidden" name="version" value={String(o.version)} />
                  <input type="hidden" name="to" value={to} />
                  <button type="submit" class="fr-btn fr-btn--secondary">
                    {to === 'studying'
                      ? o.state === 'on_hold'
                        ? 'Reprendre l’étude'
                        : 'Mettre à l’étude'
                      : 'Mettre en attente'}
                  </button>
                </form>
              ))}
            </div>
            <div class="fr-grid-row fr-grid-row--gutters fr-mt-2w">
              <form method="post" action={action} class="fr-col-12 fr-col-md-6">
                <h3 class="fr-h5">Accepter</h3>
                <CsrfField token={ctx.csrf} />
                <input type="hidden" name="version" value={String(o.version)} />
                <input type="hidden" name="to" value="accepted" />
                <InputField
                  name="startOn"
                  id="champ-startOn"
                  type="date"
                  label="Date d’entrée prévue"
                  required
                  error={error?.field === 'startOn' ? error.message : undefined}
                />
                <TextareaField
                  name="comment"
                  id="champ-comment-accept"
                  label="Commentaire pour le prescripteur"
                  rows={2}
                />
                <button type="submit" class="fr-btn">
                  Accepter l’orientation
                </button>
              </form>
              <form method="post" action={action} class="fr-col-12 fr-col-md-6">
                <h3 class="fr-h5">Refuser</h3>
                <CsrfField token={ctx.csrf} />
                <input type="hidden" name="version" value={String(o.version)} />
                <input type="hidden" name="to" value="refused" />
                <SelectField
                  name="reason"
                  label="Motif du refus"
                  required
                  placeholder="Choisir un motif"
                  options={Object.entries(REFUSAL_REASONS)}
                  error={error?.field === 'reason' ? error.message : undefined}
                />
                <TextareaField
                  name="comment"
                  id="champ-comment-refus"
                  label="Commentaire pour le prescripteur"
                  hint="Obligatoire pour « Autre raison ». Ce qui aiderait une nouvelle orientation."
                  rows={2}
                  error={error?.field === 'comment' ? error.message : undefined}
                />
                <button type="submit" class="fr-btn fr-btn--secondary">
                  Refuser l’orientation
                </button>
              </form>
            </div>
          </section>
        ) : (
          ''
        )}
        {side === 'prescriber' && can('cancelled') ? (
          <form method="post" action={action} class="fr-mt-3w">
            <CsrfField token={ctx.csrf} />
            <input type="hidden" name="version" value={String(o.version)} />
            <input type="hidden" name="to" value="cancelled" />
            <button type="submit" class="fr-btn fr-btn--tertiary">
              Annuler la demande
            </button>
          </form>
        ) : (
          ''
        )}
        <h2 class="fr-mt-4w">Historique de la demande</h2>
        <DataTable
          caption="Changements d’état"
          hideCaption
          headers={['Date', 'État', 'Par', 'Motif ou commentaire']}
          stacked
        >
          {transitions.map((t) => (
            <tr>
              <td safe>{formatDateTime(t.occurredAt)}</td>
              <td data-label="État">{stateBadge(t.toState)}</td>
              <td data-label="Par" class="fr-cell--multiline" safe>
                {t.actorLabel}
              </td>
              <td data-label="Motif ou commentaire" class="fr-cell--multiline" safe>
                {[
                  t.reason ? ((REFUSAL_REASONS as Record<string, string>)[t.reason] ?? t.reason) : '',
                  t.comment ?? '',
                ]
                  .filter(Boolean)
                  .join(' — ') || MISSING}
              </td>
            </tr>
          ))}
        </DataTable>
      </Layout>,
      error ? 400 : 200,
    );
  }

  app.get(
    '/orientations/:orientationId',
    { config: { access: 'user', audit: 'orientation.read' } },
    async (request, reply) =>
      detailPage(request, reply, (request.params as { orientationId: string }).orientationId),
  );

  app.post(
    '/orientations/:orientationId/decision',
    { config: { access: 'user', audit: ['orientation.transition', 'person.shared', 'orientation.read'] } },
    async (request, reply) => {
      const { orientationId } = request.params as { orientationId: string };
      const b = request.body;
      try {
        await pathways.decide(request.actor!, orientationId, {
          to: formValue(b, 'to'),
          version: Number(formValue(b, 'version')),
          ...(formValue(b, 'startOn') ? { startOn: formValue(b, 'startOn') } : {}),
          ...(formValue(b, 'reason') ? { reason: formValue(b, 'reason') } : {}),
          ...(formValue(b, 'comment') ? { comment: formValue(b, 'comment') } : {}),
        });
        return reply.redirect(`/orientations/${orientationId}?info=decision`, 303);
      } catch (e) {
        if (shownInForm(e)) return detailPage(request, reply, orientationId, e);
        throw e;
      }
    },
  );
}

/** Whether the actor sees the orientations' menu entry. */
export const seesOrientations = followsPeople;
export type { OrientationView };
