import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Config } from '../../config.js';
import { AppError } from '../../shared/errors.js';
import { Alert, Badges, ButtonsGroup, Callout, PrintButton } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { Fieldset, InputField, SelectField } from '../../web/form.js';
import { formatDate } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { DataTable } from '../../web/table.js';
import type { TrainingsDeps } from './deps.js';
import {
  COURSE_TYPES,
  ENTRY_EXIT_MODES,
  FUNDERS,
  GENERAL_OBJECTIVES,
  LEVELS,
  label,
  publicLabel,
  RECRUITMENT_AREAS,
  RECRUITMENT_STATES,
  TEACHING_MODES,
} from './dictionaries.js';
import type { LheoAddress } from './lheo/model.js';
import type { ActionView, TrainingView } from './repository.js';
import { hoursText, searchReturnUrl } from './search-page.js';

const addressText = (a: LheoAddress | null) =>
  a ? `${a.lines.join(', ')}, ${a.postalCode} ${a.city}` : 'Formation à distance';
const NB = '\u00a0';
const languages = new Intl.DisplayNames('fr', { type: 'language' });
const languageName = (code: string) => {
  try {
    return languages.of(code.toLowerCase()) ?? code;
  } catch {
    return code;
  }
};

/** What real feeds carry beyond the essentials (issue 9, « fidélité »), shown only when given. */
function TrainingDetails({ t }: { t: TrainingView }) {
  const items = [
    t.generalObjective ? `Objectif général${NB}: ${label(GENERAL_OBJECTIVES, t.generalObjective)}` : '',
    t.mainFormacode ? `Formacode principal${NB}: ${t.mainFormacode}` : '',
    t.certifinfoCode ? `Certif Info${NB}: ${t.certifinfoCode}` : '',
  ].filter(Boolean);
  return items.length ? (
    <ul>
      {items.map((item) => (
        <li safe>{item}</li>
      ))}
    </ul>
  ) : (
    ''
  );
}

function ActionDetails({ a }: { a: ActionView }) {
  const periods = a.sessions
    .map((s) => s.registrationPeriod)
    .filter((p): p is NonNullable<typeof p> => !!p && !!(p.start || p.end));
  const items = [
    a.languages.length ? `Langue${NB}: ${a.languages.map(languageName).join(', ')}` : '',
    a.recruitmentArea
      ? `Recrutement${NB}: ${label(RECRUITMENT_AREAS, a.recruitmentArea).toLowerCase()}${a.recruitmentAreaInfo ? ` (${a.recruitmentAreaInfo})` : ''}`
      : '',
    a.indicativeDuration ? `Durée indicative${NB}: ${a.indicativeDuration}` : '',
    a.hoursTotal !== null ? `Durée totale${NB}: ${a.hoursTotal}${NB}h` : '',
    a.contracted
      ? `Action conventionnée${a.contractedHours !== null ? ` (${a.contractedHours}${NB}h)` : ''}`
      : '',
    periods[0]
      ? `Inscriptions${NB}: ${[periods[0].start && `du ${formatDate(periods[0].start)}`, periods[0].end && `jusqu’au ${formatDate(periods[0].end)}`].filter(Boolean).join(' ')}`
      : '',
    ...a.trainers.map((t) => `Organisme formateur${NB}: ${t.legalName} (SIRET ${t.siret})`),
    a.informationAddress ? `Information${NB}: ${addressText(a.informationAddress)}` : '',
    a.place?.phone ? `Téléphone du lieu${NB}: ${a.place.phone}` : '',
  ].filter(Boolean);
  return (
    <>
      {items.length ? (
        <ul>
          {items.map((item) => (
            <li safe>{item}</li>
          ))}
        </ul>
      ) : (
        ''
      )}
      {/* A feed's URL becomes a link only when it is a web address (never « javascript: »). */}
      {a.url && /^https?:\/\//i.test(a.url) ? (
        <p>
          <a class="fr-link" href={a.url} rel="noopener external">
            Page de l’action chez l’organisme
          </a>
        </p>
      ) : (
        ''
      )}
    </>
  );
}

const money = (n: number | null) =>
  n === null ? 'non communiqué' : `${n.toLocaleString('fr-FR', { minimumFractionDigits: 2 })} € TTC`;

/**
 * Places bought by the funders: a funder whose places are unknown is never counted as 0 (issue 9
 * §4); the total is then « au moins N », or « non précisé » when no funder gave a number.
 */
export function fundedPlacesTotal(funders: { places: number | null }[]): string {
  const known = funders.filter((f) => f.places !== null);
  if (!known.length) return 'non précisé';
  const sum = known.reduce((n, f) => n + (f.places ?? 0), 0);
  return known.length < funders.length ? `au moins ${sum}` : String(sum);
}

/** A session's recruitment in words: open with no place left is « complet », not « ouvert ». */
export function sessionRecruitment(s: { recruitmentState: string; placesRemaining: number | null }): string {
  if (s.recruitmentState === '1' && s.placesRemaining === 0) return 'Complet (ouvert, plus de place)';
  return label(RECRUITMENT_STATES, s.recruitmentState);
}

const placesRemainingText = (s: { placesRemaining: number | null; placesTotal: number | null }) =>
  s.placesRemaining === null
    ? 'places non précisées'
    : `${s.placesRemaining}${s.placesTotal !== null ? ` / ${s.placesTotal}` : ''}`;

/** An action's sessions; with `edit`, each row holds the form that changes its recruitment and places. */
function SessionsTable(p: {
  caption: string;
  a: ActionView;
  edit?: { trainingId: string; csrf: string };
  /** A counsellor orients a person to a session (issue 12 §1: the pathways' form, which checks the rights). */
  orient?: boolean;
}) {
  const headers = ['Début', 'Fin', 'Recrutement', 'Places restantes'];
  return (
    <DataTable
      caption={p.caption}
      headers={p.edit ? [...headers, 'Modifier'] : p.orient ? [...headers, 'Orienter'] : headers}
    >
      {p.a.sessions.map((s) => (
        <tr>
          <td safe>{formatDate(s.start)}</td>
          <td safe>{formatDate(s.end)}</td>
          <td safe>{sessionRecruitment(s)}</td>
          <td safe>{placesRemainingText(s)}</td>
          {p.edit ? (
            <td>
              <SessionForm trainingId={p.edit.trainingId} csrf={p.edit.csrf} session={s} />
            </td>
          ) : p.orient ? (
            <td>
              <a class="fr-link" href={`/orientations/nouvelle?vers=training_session&session=${s.id}`}>
                Orienter une personne
                <span class="fr-sr-only" safe>{` vers la session du ${formatDate(s.start)}`}</span>
              </a>
            </td>
          ) : (
            ''
          )}
        </tr>
      ))}
    </DataTable>
  );
}

/** The fields repeat on every row: their labels name the session for screen readers (RGAA 11.2). */
function SessionForm(p: { trainingId: string; csrf: string; session: ActionView['sessions'][number] }) {
  const s = p.session;
  const which = ` de la session du ${formatDate(s.start)}`;
  return (
    <form method="post" action={`/formations/${p.trainingId}/sessions/${s.id}`} class="psl-inline-form">
      <CsrfField token={p.csrf} />
      <SelectField
        name="recruitmentState"
        id={`etat-${s.id}`}
        label="État"
        srSuffix={which}
        value={s.recruitmentState}
        options={Object.entries(RECRUITMENT_STATES)}
      />
      <InputField
        name="placesRemaining"
        id={`places-${s.id}`}
        type="number"
        label="Places restantes"
        srSuffix={which}
        value={s.placesRemaining === null ? '' : String(s.placesRemaining)}
        extra={{ min: '0' }}
      />
      <button type="submit" class="fr-btn fr-btn--sm fr-mt-1w">
        Enregistrer<span class="fr-sr-only" safe>{` la session du ${formatDate(s.start)}`}</span>
      </button>
    </form>
  );
}

function Description({ t }: { t: TrainingView }) {
  return (
    <>
      <h2 class="fr-h4">Objectif</h2>
      <p safe>{t.objective}</p>
      <h2 class="fr-h4">Résultats attendus</h2>
      <p safe>{t.expectedResults}</p>
      <h2 class="fr-h4">Contenu</h2>
      <p safe>{t.content}</p>
      <ul>
        <li safe>{`Niveau d’entrée : ${label(LEVELS, t.entryLevel)}`}</li>
        {t.exitLevel ? <li safe>{`Niveau de sortie : ${label(LEVELS, t.exitLevel)}`}</li> : ''}
        <li safe>{`Parcours : ${label(COURSE_TYPES, t.courseType)}`}</li>
        <li
          safe
        >{`Métiers (ROME) : ${t.romeCodes.join(', ') || 'non renseignés'}${t.formacodes.length ? ` · Formacode : ${t.formacodes.join(', ')}` : ''}`}</li>
      </ul>
      <TrainingDetails t={t} />
    </>
  );
}

function ActionBlock(p: { t: TrainingView; a: ActionView; csrf: string | null; manage: boolean }) {
  const { a } = p;
  return (
    <section id={`action-${a.id}`} class="fr-mb-5w">
      <h2 class="fr-h4" safe>
        {`${a.communeName ?? 'À distance'}${a.place?.name ? ` — ${a.place.name}` : ''}`}
      </h2>
      <ul>
        <li safe>{`Lieu : ${addressText(a.place)}`}</li>
        <li
          safe
        >{`Modalité : ${label(TEACHING_MODES, a.teachingMode)} · ${a.rhythm} · ${label(ENTRY_EXIT_MODES, a.entriesExits)}`}</li>
        <li safe>{`${hoursText(a.hoursCentre, a.hoursCompany)} · Prix : ${money(a.priceTotal)}`}</li>
        <li safe>{`Public : ${publicLabel(a.publicCodes, a.publicInfo)}`}</li>
        <li
          safe
        >{`Conditions d’accès : ${a.specificConditions}${a.entryLevelRequired ? ' (niveau d’entrée exigé)' : ''}`}</li>
        {a.disabilityAccess ? <li safe>{`Accessibilité : ${a.disabilityAccess}`}</li> : ''}
        {a.recruitmentTerms ? <li safe>{`Inscription : ${a.recruitmentTerms}`}</li> : ''}
      </ul>
      <ActionDetails a={a} />
      <DataTable
        caption={`Financeurs et places achetées — action ${a.number}`}
        headers={['Financeur', 'Places financées']}
      >
        {a.funders.map((f) => (
          <tr>
            <td safe>{label(FUNDERS, f.code)}</td>
            <td safe>{f.places === null ? 'places non précisées' : String(f.places)}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">Total</th>
          <td safe>{fundedPlacesTotal(a.funders)}</td>
        </tr>
      </DataTable>
      <SessionsTable
        caption={`Sessions — action ${a.number}`}
        a={a}
        edit={p.manage && p.csrf ? { trainingId: p.t.id, csrf: p.csrf } : undefined}
      />
      {p.manage && p.csrf ? (
        <form method="post" action={`/formations/${p.t.id}/actions/${a.id}/sessions`} class="fr-mt-2w">
          <CsrfField token={p.csrf} />
          <Fieldset
            id={`nouvelle-session-${a.id}`}
            legend={`Ajouter une session — ${a.communeName ?? 'à distance'}`}
          >
            <InputField name="start" id={`debut-${a.id}`} type="date" label="Début" required />
            <InputField name="end" id={`fin-${a.id}`} type="date" label="Fin" required />
            <InputField
              name="placesTotal"
              id={`total-${a.id}`}
              type="number"
              label="Places"
              extra={{ min: '0' }}
            />
            <button type="submit" class="fr-btn fr-btn--secondary">
              Ajouter la session
            </button>
          </Fieldset>
        </form>
      ) : (
        ''
      )}
    </section>
  );
}

/** Phone and e-mail as links a phone can follow (tel:, mailto:). */
function ContactLinks(p: { contact: { name: string | null; phone: string | null; email: string | null } }) {
  const { name, phone, email } = p.contact;
  if (!name && !phone && !email) return '';
  return (
    <p>
      {'Contact : '}
      {name ? <span safe>{name}</span> : ''}
      {phone ? (
        <>
          {name ? ' · ' : ''}
          <a href={`tel:${phone.replace(/[^\d+]/g, '')}`} safe>
            {phone}
          </a>
        </>
      ) : (
        ''
      )}
      {email ? (
        <>
          {name || phone ? ' · ' : ''}
          <a href={`mailto:${email}`} safe>
            {email}
          </a>
        </>
      ) : (
        ''
      )}
    </p>
  );
}

function Provider({ t }: { t: TrainingView }) {
  const p = t.provider;
  return (
    <Callout
      title={p.name}
      text={`${addressText(p.address)} · SIRET ${p.siret} · déclaration d’activité ${p.activityNumber}`}
    >
      <ContactLinks contact={p.contact} />
    </Callout>
  );
}

const editsSession = { access: 'user', audit: 'training_session.updated' } as const;

export async function trainingPages(app: FastifyInstance, { trainings }: TrainingsDeps, config: Config) {
  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { error?: string; info?: string } = {},
    status = 200,
  ) {
    const { id } = request.params as { id: string };
    const t = await trainings.get(request.actor!, id);
    const ctx = pageContext(request, reply);
    // Back to the very search the training was opened from (its link carries it).
    const carried = (request.query as { recherche?: unknown }).recherche;
    const back = searchReturnUrl(carried);
    return html(
      reply,
      <Layout title={t.title} ctx={ctx}>
        <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
          <ol class="fr-breadcrumb__list">
            <li>
              <a class="fr-breadcrumb__link" href={back}>
                {carried ? 'Résultats de la recherche' : 'Rechercher une formation'}
              </a>
            </li>
            <li>
              <a class="fr-breadcrumb__link" aria-current="page" safe>
                {t.title}
              </a>
            </li>
          </ol>
        </nav>
        <h1 safe>{t.title}</h1>
        {state.error ? <Alert kind="error" title="Modification impossible" text={state.error} /> : ''}
        {state.info ? <Alert kind="success" title={state.info} /> : ''}
        {t.status === 'withdrawn' ? (
          <Alert kind="warning" title="Formation retirée du catalogue par son flux" />
        ) : (
          ''
        )}
        <Badges
          class="fr-mb-2w"
          badges={[
            ...(t.certifying ? [{ text: 'Certifiante', kind: 'info' as const }] : []),
            ...(t.rncpCode ? [{ text: `RNCP ${t.rncpCode}` }] : []),
            ...(t.rsCode ? [{ text: `RS ${t.rsCode}` }] : []),
          ]}
        />
        <ButtonsGroup class="fr-btns-group--inline-sm fr-btns-group--icon-left">
          {carried ? (
            <a
              class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-arrow-left-line fr-btn--icon-left"
              href={back}
            >
              Retour aux résultats
            </a>
          ) : (
            ''
          )}
          <a class="fr-btn fr-btn--secondary fr-btn--sm" href={`/formations/${t.id}/fiche`}>
            Fiche à remettre à la personne (imprimable)
          </a>
          {t.canManage ? (
            <a class="fr-btn fr-btn--tertiary fr-btn--sm" href={`/formations/${t.id}/modifier`}>
              Modifier les textes
            </a>
          ) : (
            ''
          )}
        </ButtonsGroup>
        <Provider t={t} />
        <Description t={t} />
        {t.actions.map((a) => (
          <ActionBlock t={t} a={a} csrf={ctx.csrf} manage={t.canManage} />
        ))}
      </Layout>,
      status,
    );
  }

  app.get('/formations/:id', { config: { access: 'user' } }, (request, reply) => {
    const info = (request.query as { info?: string }).info;
    return page(
      request,
      reply,
      info === 'session'
        ? { info: 'Session enregistrée.' }
        : info === 'textes'
          ? { info: 'Textes enregistrés.' }
          : {},
    );
  });

  // The sheet a counsellor hands or sends to the person: public (the catalogue is public). It says
  // what the person needs to act (dates, places, who pays, whom to call) and opens on a phone from
  // its printed QR code; no internal identifier (SIRET, LHÉO numbers) that means nothing to them.
  app.get('/formations/:id/fiche', { config: { access: 'public' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const t = await trainings.get(null, id);
    const ctx = pageContext(request, reply);
    const url = `${config.publicUrl}/formations/${t.id}/fiche`;
    // Server-side SVG (no script, no image request): the QR code prints with the sheet.
    const qr = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, width: 160 });
    return html(
      reply,
      <Layout title={`Fiche formation — ${t.title}`} ctx={ctx}>
        <h1 safe>{t.title}</h1>
        <ButtonsGroup class="fr-btns-group--inline-sm fr-btns-group--icon-left psl-no-print">
          <PrintButton />
        </ButtonsGroup>
        <Callout title={t.provider.name} text={addressText(t.provider.address)}>
          <ContactLinks contact={t.provider.contact} />
        </Callout>
        <Description t={t} />
        {t.actions.map((a) => (
          <section class="fr-mb-3w">
            <h2 class="fr-h4" safe>{`${a.communeName ?? 'À distance'} — ${addressText(a.place)}`}</h2>
            <p
              safe
            >{`${label(TEACHING_MODES, a.teachingMode)} · ${hoursText(a.hoursCentre, a.hoursCompany)}`}</p>
            <p safe>{`Conditions d’accès : ${a.specificConditions}`}</p>
            <p safe>
              {`Financement : ${
                a.funders.length
                  ? a.funders
                      .map(
                        (f) =>
                          `${label(FUNDERS, f.code)} (${f.places === null ? 'places non précisées' : `${f.places} place${f.places > 1 ? 's' : ''} achetée${f.places > 1 ? 's' : ''}`})`,
                      )
                      .join(', ')
                  : 'non renseigné'
              } · Prix : ${money(a.priceTotal)}`}
            </p>
            <SessionsTable
              caption={`Sessions à ${a.communeName ?? 'distance'}`}
              a={a}
              orient={
                !ctx.actor?.isSuperAdmin &&
                (ctx.actor?.role === 'conseiller' || ctx.actor?.role === 'administrateur')
              }
            />
            {a.recruitmentTerms ? <p safe>{`Pour s’inscrire : ${a.recruitmentTerms}`}</p> : ''}
          </section>
        ))}
        <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--middle fr-mt-3w">
          <div
            class="fr-col-12 fr-col-sm-3 psl-qr"
            role="img"
            aria-label="Code QR qui ouvre cette fiche sur un téléphone"
          >
            {qr as 'safe'}
          </div>
          <div class="fr-col-12 fr-col-sm-9">
            <p class="fr-text--sm fr-mb-1w">
              Pour ouvrir cette fiche sur un téléphone, scannez le code ou saisissez l’adresse :
            </p>
            <p class="fr-text--sm psl-break">
              <a href={url} safe>
                {url}
              </a>
            </p>
            <p
              class="fr-text--sm"
              safe
            >{`Mise à jour le ${formatDate(t.updatedAt.toISOString().slice(0, 10))}`}</p>
          </div>
        </div>
        <script src="/static/print.js" defer />
      </Layout>,
    );
  });

  /**
   * Runs a change of a training's sessions: back to the training when done; a refused value shows
   * the training's page again with the refusal (400), anything else is the error page.
   */
  async function changeSessions(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    change: () => Promise<unknown>,
  ) {
    try {
      await change();
    } catch (error) {
      if (error instanceof AppError && error.kind === 'invalid')
        return page(request, reply, { error: error.message }, 400);
      throw error;
    }
    return reply.redirect(`/formations/${id}?info=session`, 303);
  }

  app.post('/formations/:id/sessions/:sessionId', { config: editsSession }, async (request, reply) => {
    const { id, sessionId } = request.params as { id: string; sessionId: string };
    const places = formValue(request.body, 'placesRemaining');
    const state = formValue(request.body, 'recruitmentState');
    await trainings.checkSessionRights(request.actor!, sessionId);
    return changeSessions(request, reply, id, async () => {
      if (places !== '' && !/^\d{1,5}$/.test(places))
        throw new AppError('invalid', 'Places restantes : nombre entier positif attendu.', 'placesRemaining');
      if (!['1', '2', '3'].includes(state))
        throw new AppError('invalid', 'État de recrutement inconnu.', 'recruitmentState');
      await trainings.updateSession(request.actor!, sessionId, {
        recruitmentState: state as '1' | '2' | '3',
        placesRemaining: places === '' ? null : Number(places),
      });
    });
  });

  app.post(
    '/formations/:id/actions/:actionId/sessions',
    { config: { access: 'user', audit: 'training_session.created' } },
    async (request, reply) => {
      const { id, actionId } = request.params as { id: string; actionId: string };
      const total = formValue(request.body, 'placesTotal');
      return changeSessions(request, reply, id, async () => {
        const start = formValue(request.body, 'start');
        const end = formValue(request.body, 'end');
        if (!start || !end) throw new AppError('invalid', 'Dates de début et de fin obligatoires.', 'start');
        if (total !== '' && !/^\d{1,5}$/.test(total))
          throw new AppError('invalid', 'Places : nombre entier positif attendu.', 'placesTotal');
        await trainings.addSession(request.actor!, id, actionId, {
          start,
          end,
          placesTotal: total === '' ? null : Number(total),
        });
      });
    },
  );
}
