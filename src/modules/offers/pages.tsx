import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, invalid } from '../../shared/errors.js';
import { Alert, ButtonsGroup, DataTable, Pagination, SelectField } from '../../web/components.js';
import { formValue, html, pageContext, pageParam } from '../../web/context.js';
import { formatCount, formatDate, formatDateTime, formatNumber, MISSING } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { OffersDeps } from './deps.js';
import { OfferForm, offerFromForm } from './form-page.js';
import { offerImportPages } from './import-pages.js';
import type { OfferFields } from './input.js';
import { managesOffer } from './rights.js';
import {
  CONTRACT_TYPES,
  type ContractType,
  DRIVING_LICENCES,
  EDUCATION_LEVELS,
  EXPERIENCE,
  OFFER_STATES,
  type OfferState,
  TRANSITION_LABELS,
  WORKING_TIMES,
} from './rules.js';
import type { OfferListQuery } from './schemas.js';
import type { OfferView } from './service.js';

/** A refusal a form shows again (its field named), rather than an error page. */
const shownInForm = (e: unknown): e is AppError =>
  e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict');

const euros = (cents: number | null) => (cents === null ? null : `${formatNumber(cents / 100)} €`);

function salaryText(s: OfferView['salary']): string {
  const [min, max] = [euros(s.minCents), euros(s.maxCents)];
  if (min && max) return min === max ? `${min} brut par mois` : `De ${min} à ${max} brut par mois`;
  if (min) return `À partir de ${min} brut par mois`;
  if (max) return `Jusqu’à ${max} brut par mois`;
  return s.label ?? 'Non précisé';
}

function Facts(p: { rows: [string, string][] }) {
  return (
    <dl>
      {p.rows.map(([term, value]) => (
        <>
          <dt class="fr-text--bold" safe>
            {term}
          </dt>
          <dd class="fr-mb-2w" safe>
            {value}
          </dd>
        </>
      ))}
    </dl>
  );
}

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
const str = (q: Record<string, unknown>, k: string) => {
  const v = q[k];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

/** The list filters a page receives, a bad value refused naming it (as the API's schema does). */
function listQuery(raw: Record<string, unknown>, page: number, scope: 'published' | 'mine'): OfferListQuery {
  const state = str(raw, 'state');
  if (state && !Object.hasOwn(OFFER_STATES, state)) throw invalid('state', `État « ${state} » inconnu.`);
  const commune = str(raw, 'commune');
  if (commune && !/^[0-9AB]{5}$/.test(commune))
    throw invalid('commune', 'Commune : un code INSEE de 5 caractères.');
  const beginners = str(raw, 'beginners');
  if (beginners && beginners !== 'true') throw invalid('beginners', 'Filtre « débutants » invalide.');
  return {
    scope,
    q: str(raw, 'q')?.slice(0, 100),
    state: state as OfferState | undefined,
    commune,
    beginners: beginners as 'true' | undefined,
    page,
  };
}

/**
 * The offers' pages (issue 10 §3): « Mes offres » and the offer form for employers and SIAE, the
 * offer page with its changes of state, the published offers for every signed-in person, and the
 * skill suggestions of the form (ROME 4.0 labels); the appellations are suggested by the
 * referentials' /appellations/suggestions, as on the persons' form.
 */
export async function offersPages(app: FastifyInstance, deps: OffersDeps) {
  const { offers, referentials } = deps;
  await offerImportPages(app, deps);
  app.get('/offres/competences-suggerees', { config: { access: 'user' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const typed = Object.entries(query).find(([k]) => /^(required|wished)Skill\d$/.test(k))?.[1];
    const q = typeof typed === 'string' ? typed.slice(0, 100) : '';
    const hits = q ? await referentials.searchSkills(q, { limit: 10 }) : [];
    return html(
      reply,
      <>
        {hits.map((s) => (
          <option value={s.code} safe>
            {s.label}
          </option>
        ))}
      </>,
    );
  });

  async function listPage(request: FastifyRequest, reply: FastifyReply, scope: 'published' | 'mine') {
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const query = listQuery(raw, pageParam(request), scope);
    const result = await offers.list(request.actor!, query);
    const ctx = pageContext(request, reply);
    const path = scope === 'mine' ? '/employeur/offres' : '/offres';
    const title = scope === 'mine' ? 'Mes offres' : 'Offres d’emploi';
    const kept = new URLSearchParams(
      Object.entries(query).filter(([k, v]) => k !== 'page' && k !== 'scope' && v !== undefined) as [
        string,
        string,
      ][],
    );
    return html(
      reply,
      <Layout title={title} ctx={ctx}>
        <h1>{title}</h1>
        {scope === 'mine' ? (
          <p>
            Les offres d’emploi de votre organisation, dans tous leurs états.{' '}
            <a class="fr-link" href="/employeur/offres/nouvelle">
              Créer une offre
            </a>
          </p>
        ) : (
          <p>
            Les offres publiées par les employeurs et les SIAE de la région, et celles importées de France
            Travail.
          </p>
        )}
        <form method="get" action={path} role="search" aria-label="Filtrer les offres">
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-4">
              <div class="fr-input-group">
                <label class="fr-label" for="champ-q">
                  Mots de l’intitulé
                </label>
                <input class="fr-input" id="champ-q" name="q" value={query.q ?? ''} />
              </div>
            </div>
            <div class="fr-col-12 fr-col-md-4">
              {scope === 'mine' ? (
                <SelectField
                  name="state"
                  label="État"
                  placeholder="Tous"
                  options={Object.entries(OFFER_STATES)}
                  value={query.state ?? null}
                />
              ) : (
                <SelectField
                  name="beginners"
                  label="Expérience"
                  placeholder="Toutes les offres"
                  options={[['true', 'Ouvertes aux débutants']]}
                  value={query.beginners ?? null}
                />
              )}
            </div>
          </div>
          <button type="submit" class="fr-btn fr-mt-2w fr-mb-3w">
            Filtrer
          </button>
        </form>
        {result.total === 0 ? <Alert kind="info" title="Aucune offre ne correspond à ces critères" /> : ''}
        <DataTable
          caption={formatCount(result.total, 'offre')}
          // « Mes offres » are all the organisation's own: an employer column said the same name on
          // every line and pushed « Mise à jour » out of sight at 1280 px (employer walk).
          headers={[
            'Intitulé',
            ...(scope === 'mine' ? [] : ['Employeur']),
            'Lieu',
            'Contrat',
            'Postes',
            'État',
            'Mise à jour',
          ]}
          stacked
        >
          {result.items.map((o) => (
            <tr>
              <td class="fr-cell--multiline">
                <a href={`/offres/${o.id}`} safe>
                  {o.title}
                </a>
              </td>
              {scope === 'mine' ? (
                ''
              ) : (
                <td data-label="Employeur" class="fr-cell--multiline" safe>
                  {o.employer ?? MISSING}
                </td>
              )}
              <td data-label="Lieu" class="fr-cell--multiline" safe>
                {o.commune ? o.commune.name : String(o.remote ? 'Télétravail' : MISSING)}
              </td>
              {/* The contract in words: « MIS », « SAI », « PRO » are France Travail's codes. */}
              <td data-label="Contrat" class="fr-cell--multiline" safe>
                {CONTRACT_TYPES[o.contractType as ContractType]?.label ?? o.contractType}
              </td>
              <td data-label="Postes" safe>
                {String(o.positions)}
              </td>
              <td data-label="État">{OFFER_STATES[o.state]}</td>
              <td data-label="Mise à jour" safe>
                {formatDate(o.updatedAt)}
              </td>
            </tr>
          ))}
        </DataTable>
        <Pagination
          page={result.page}
          total={result.total}
          pageSize={result.pageSize}
          baseQuery={kept}
          path={path}
        />
      </Layout>,
    );
  }

  app.get('/offres', { config: { access: 'user' } }, (request, reply) =>
    listPage(request, reply, 'published'),
  );
  app.get('/employeur/offres', { config: { access: 'user' } }, (request, reply) =>
    listPage(request, reply, 'mine'),
  );

  function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: {
      values: Partial<OfferFields>;
      error: AppError | null;
      skillSlots?: string[];
      version?: number;
      id?: string;
    },
  ) {
    const ctx = pageContext(request, reply);
    const title = form.id ? 'Modifier l’offre' : 'Créer une offre d’emploi';
    return html(
      reply,
      <Layout title={title} ctx={ctx}>
        <h1>{title}</h1>
        <OfferForm
          action={form.id ? `/employeur/offres/${form.id}/modifier` : '/employeur/offres'}
          csrf={ctx.csrf}
          values={form.values}
          error={form.error}
          skillSlots={form.skillSlots}
          version={form.version}
          creation={!form.id}
        />
      </Layout>,
      form.error ? (form.error.kind === 'conflict' ? 409 : 400) : 200,
    );
  }

  app.get('/employeur/offres/nouvelle', { config: { access: 'user' } }, async (request, reply) => {
    offers.requireManager(request.actor!);
    return formPage(request, reply, {
      values: { contractType: 'CDI', positions: 1, experience: 'D' },
      error: null,
    });
  });

  app.post(
    '/employeur/offres',
    { config: { access: 'user', audit: 'job_offer.created' } },
    async (request, reply) => {
      offers.requireManager(request.actor!);
      const { fields, skillSlots, publish } = offerFromForm(request.body);
      try {
        const { id } = await offers.create(request.actor!, { ...fields, publish });
        return reply.redirect(`/offres/${id}`, 303);
      } catch (e) {
        if (shownInForm(e)) return formPage(request, reply, { values: fields, error: e, skillSlots });
        throw e;
      }
    },
  );

  app.get('/employeur/offres/:id/modifier', { config: { access: 'user' } }, async (request, reply) => {
    const { version, fields } = await offers.editable(request.actor!, idOf(request));
    return formPage(request, reply, { values: fields, error: null, version, id: idOf(request) });
  });

  app.post(
    '/employeur/offres/:id/modifier',
    { config: { access: 'user', audit: 'job_offer.updated' } },
    async (request, reply) => {
      const id = idOf(request);
      await offers.editable(request.actor!, id);
      const { fields, skillSlots } = offerFromForm(request.body);
      const version = Number(formValue(request.body, 'version'));
      try {
        await offers.update(request.actor!, id, { ...fields, version });
        return reply.redirect(`/offres/${id}`, 303);
      } catch (e) {
        if (shownInForm(e))
          return formPage(request, reply, { values: fields, error: e, skillSlots, version, id });
        throw e;
      }
    },
  );

  app.get('/offres/:id', { config: { access: 'user' } }, async (request, reply) => {
    const o = await offers.get(request.actor!, idOf(request));
    const ctx = pageContext(request, reply);
    const place = o.place.commune
      ? `${o.place.commune.name} (${o.place.commune.departmentCode})${o.place.remote ? ', télétravail possible' : ''}`
      : o.place.remote
        ? 'Télétravail complet'
        : (o.place.label ?? MISSING);
    const required = o.skills.filter((s) => s.requirement === 'required');
    const wished = o.skills.filter((s) => s.requirement === 'wished');
    const skillText = (list: typeof o.skills) => list.map((s) => s.label ?? s.code).join(' ; ') || 'Aucune';
    return html(
      reply,
      <Layout title={o.title} ctx={ctx}>
        <h1 safe>{o.title}</h1>
        <p class="fr-badge fr-mb-2w">{o.stateLabel}</p>
        {/* The matching's candidates page (issue 11 §3), by its URL only: offers imports no matching.
            Shown to the offer's managers only: who follows people is decided by persons/rights.ts,
            which offers may not import (test/architecture.test.ts). */}
        {o.state === 'published' &&
        managesOffer(request.actor!, { organisationId: o.organisation?.id ?? null }) ? (
          <p>
            <a class="fr-btn fr-btn--secondary" href={`/offres/${o.id}/candidats`}>
              Candidats suggérés
            </a>
          </p>
        ) : (
          ''
        )}
        {/* The pathways' orientation (issue 12 §1), by its URL only, to counsellors: the form checks who may orient. */}
        {o.state === 'published' &&
        o.organisation &&
        !request.actor!.isSuperAdmin &&
        (request.actor!.role === 'conseiller' || request.actor!.role === 'administrateur') &&
        !managesOffer(request.actor!, { organisationId: o.organisation.id }) ? (
          <p>
            <a class="fr-btn fr-btn--secondary" href={`/orientations/nouvelle?vers=job_offer&offre=${o.id}`}>
              Orienter une personne vers cette offre
            </a>
          </p>
        ) : (
          ''
        )}
        <Facts
          rows={[
            ['Employeur', o.employer.name ?? MISSING],
            ['Métier', o.appellation?.label ?? o.rome.label ?? o.rome.code],
            ['Lieu', place],
            [
              'Contrat',
              `${o.contract.label}${o.contract.durationMonths ? `, ${o.contract.durationMonths} mois` : ''}`,
            ],
            [
              'Temps de travail',
              `${o.workingTime ? WORKING_TIMES[o.workingTime] : 'Non précisé'}${o.weeklyHours ? `, ${formatNumber(o.weeklyHours)} h par semaine` : ''}`,
            ],
            ['Salaire', salaryText(o.salary)],
            ['Postes', String(o.positions)],
            ['Début', o.startDate ? formatDate(o.startDate) : 'Dès que possible'],
            [
              'Expérience',
              `${EXPERIENCE[o.experience]}${o.experienceMonths ? ` (${o.experienceMonths} mois)` : ''}`,
            ],
            [
              'Niveau',
              o.educationLevel
                ? (EDUCATION_LEVELS[o.educationLevel as keyof typeof EDUCATION_LEVELS] ?? o.educationLevel)
                : 'Aucun niveau exigé',
            ],
            ['Compétences exigées', skillText(required)],
            ['Compétences souhaitées', skillText(wished)],
            [
              'Permis',
              o.drivingLicences
                .map((l) => DRIVING_LICENCES[l as keyof typeof DRIVING_LICENCES] ?? l)
                .join(', ') || 'Aucun',
            ],
            [
              'Accessible aux personnes en situation de handicap',
              o.accessibleDisability ? 'Oui' : 'Non précisé',
            ],
            ['Expire le', o.expiresOn ? formatDate(o.expiresOn) : MISSING],
          ]}
        />
        <h2>Description</h2>
        <p class="fr-text--pre-line" safe>
          {o.description}
        </p>
        {o.editable || o.transitions.length ? (
          <>
            <h2>Gérer l’offre</h2>
            <ButtonsGroup class="fr-btns-group--inline-md">
              {o.editable ? (
                <a class="fr-btn fr-btn--secondary" href={`/employeur/offres/${o.id}/modifier`}>
                  Modifier
                </a>
              ) : (
                ''
              )}
              {o.transitions.map((to) => (
                <form method="post" action={`/offres/${o.id}/etat`}>
                  <CsrfField token={ctx.csrf} />
                  <input type="hidden" name="version" value={String(o.version)} />
                  <input type="hidden" name="to" value={to} />
                  <button type="submit" class="fr-btn" safe>
                    {TRANSITION_LABELS[to]}
                  </button>
                </form>
              ))}
            </ButtonsGroup>
          </>
        ) : (
          ''
        )}
        {o.history.length ? (
          <DataTable caption="Historique des états" headers={['Date', 'De', 'Vers', 'Par', 'Motif']}>
            {o.history.map((h) => (
              <tr>
                <td safe>{formatDateTime(h.occurredAt)}</td>
                <td>{h.from ? OFFER_STATES[h.from as OfferState] : MISSING}</td>
                <td safe>{OFFER_STATES[h.to as OfferState] ?? h.to}</td>
                <td safe>{h.actor}</td>
                <td safe>{h.reason ?? MISSING}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          ''
        )}
      </Layout>,
    );
  });

  app.post(
    '/offres/:id/etat',
    { config: { access: 'user', audit: 'job_offer.transition' } },
    async (request, reply) => {
      const id = idOf(request);
      const to = formValue(request.body, 'to') as OfferState;
      const version = Number(formValue(request.body, 'version'));
      await offers.transition(request.actor!, id, {
        to,
        version,
        reason: formValue(request.body, 'reason').slice(0, 500) || undefined,
      });
      return reply.redirect(`/offres/${id}`, 303);
    },
  );
}
