import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import {
  Alert,
  Badges,
  DataTable,
  InputField,
  SelectField,
  TagLinks,
  TextareaField,
} from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { formatCount, formatDate, MISSING } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { FileSections, fileTitle } from '../persons/file-page.js';
import type { DailyRow } from './daily-repository.js';
import type { PathwaysDeps } from './deps.js';
import { RequestCells } from './orientation-pages.js';
import { DAILY_LISTS, type PathwayEventKind } from './rules.js';

const shownInForm = (e: unknown): e is AppError =>
  e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict');

const INFO: Record<string, string> = {
  note: 'Ajouté au parcours : toutes les organisations qui accompagnent la personne le voient.',
  membre: 'Accompagnement mis à jour.',
  retire: 'Accompagnant retiré.',
};

/** A step's badge: its kind, in the colour of its family (IAE steps, orientation, counsellor's notes). */
const KIND_BADGE: Partial<Record<PathwayEventKind, 'info' | 'success'>> = {
  // Colours say the family, never a warning: a diagnosis or an exit is no alert (a walk read the
  // diagnosis's orange triangle as a problem).
  orientation: 'info',
  approval: 'success',
  contract: 'success',
};

/** The person's timeline (issue 12 §2) and the counsellor's daily lists. */
export async function timelinePages(app: FastifyInstance, deps: PathwaysDeps) {
  const { pathways, persons } = deps;

  async function timelinePage(
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    error?: AppError,
  ) {
    const actor = request.actor!;
    const f = await persons.get(actor, personId);
    const q = request.query as Record<string, unknown>;
    const before =
      typeof q.avant === 'string' && /^\d{4}-\d{2}-\d{2}:\d{1,12}$/.test(q.avant)
        ? { occurredOn: q.avant.slice(0, 10), id: Number(q.avant.slice(11)) }
        : undefined;
    const [timeline, orientations, counsellors] = await Promise.all([
      pathways.timeline(actor, personId, before),
      pathways.forPerson(actor, personId),
      pathways.memberChoices(actor),
    ]);
    const ctx = pageContext(request, reply);
    const base = `/personnes/${personId}/parcours`;
    const referent = timeline.members.find((m) => m.role === 'referent');
    const info = typeof q.info === 'string' ? INFO[q.info] : undefined;
    const referentText: string = referent
      ? `Conseiller·e référent·e : ${referent.name} (${referent.organisationName}).`
      : 'Aucun conseiller référent désigné.';
    const err = (field: string) => (error?.field === field ? error.message : undefined);
    return html(
      reply,
      <Layout title={`Parcours — ${fileTitle(f)}`} ctx={ctx}>
        <h1 safe>{fileTitle(f)}</h1>
        <FileSections personId={personId} current="parcours" />
        {info ? <Alert kind="success" title={info} /> : ''}
        {error ? <Alert kind="error" title="Rien n’est enregistré" text={error.message} focus /> : ''}
        <div class="fr-btns-group fr-btns-group--inline-md">
          <a class="fr-btn" href={`/personnes/${personId}/orienter`}>
            Orienter la personne
          </a>
          <a class="fr-btn fr-btn--secondary" href={`/personnes/${personId}/eligibilite`}>
            Éligibilité IAE
          </a>
        </div>

        <h2 class="fr-mt-3w">Qui accompagne la personne</h2>
        <p safe>{referentText}</p>
        {timeline.members.filter((m) => m.role === 'co').length ? (
          <ul>
            {timeline.members
              .filter((m) => m.role === 'co')
              .map((m) => (
                <li>
                  <span safe>{`Co-accompagnant·e : ${m.name} (${m.organisationName})`}</span>
                  {m.organisationId === actor.organisationId ? (
                    <form
                      method="post"
                      action={`${base}/accompagnants/${m.userId}/retrait`}
                      class="pa-inline-form"
                    >
                      <CsrfField token={ctx.csrf} />
                      <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline">
                        Retirer<span class="fr-sr-only" safe>{` ${m.name}`}</span>
                      </button>
                    </form>
                  ) : (
                    ''
                  )}
                </li>
              ))}
          </ul>
        ) : (
          <p class="fr-text--sm">Pas encore de co-accompagnant dans une autre structure.</p>
        )}
        {counsellors.length ? (
          <form method="post" action={`${base}/accompagnants`} class="fr-mb-3w">
            <CsrfField token={ctx.csrf} />
            <div class="fr-grid-row fr-grid-row--gutters">
              <div class="fr-col-12 fr-col-md-6">
                <SelectField
                  name="userId"
                  label="Conseiller de votre organisation"
                  required
                  placeholder="Choisir"
                  options={counsellors.map((c) => [c.id, c.name])}
                  error={err('userId')}
                />
              </div>
              <div class="fr-col-12 fr-col-md-6">
                <SelectField
                  name="role"
                  label="Rôle"
                  options={[
                    ['referent', 'Référent·e du parcours'],
                    ['co', 'Co-accompagnant·e'],
                  ]}
                  value="co"
                />
              </div>
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary">
              Enregistrer
            </button>
          </form>
        ) : (
          ''
        )}

        <h2>Orientations</h2>
        {orientations.length ? (
          <DataTable
            caption="Orientations de la personne"
            hideCaption
            headers={['Vers', 'Demande', 'État', 'Envoyée le']}
            stacked
          >
            {orientations.map((o) => (
              <tr>
                <td class="fr-cell--multiline">
                  {o.prescriber.organisationId === actor.organisationId ||
                  o.target.organisationId === actor.organisationId ? (
                    <a href={`/orientations/${o.id}`} safe>
                      {o.target.organisation}
                    </a>
                  ) : (
                    <span safe>{o.target.organisation}</span>
                  )}
                </td>
                <RequestCells o={o} />
              </tr>
            ))}
          </DataTable>
        ) : (
          <p>Aucune orientation pour le moment.</p>
        )}

        <h2>Ajouter au parcours</h2>
        <form method="post" action={`${base}/notes`} class="fr-mb-4w">
          <CsrfField token={ctx.csrf} />
          <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-6">
              <SelectField
                name="kind"
                label="Type"
                options={[
                  ['note', 'Note'],
                  ['appointment', 'Rendez-vous'],
                ]}
                value="note"
                error={err('kind')}
              />
            </div>
            <div class="fr-col-12 fr-col-md-6">
              <InputField
                name="occurredOn"
                type="date"
                label="Date"
                hint="Aujourd’hui si vide."
                error={err('occurredOn')}
              />
            </div>
          </div>
          <TextareaField
            name="text"
            label="Texte"
            hint="Lu par toutes les organisations qui accompagnent la personne : rien de médical ni de judiciaire."
            required
            rows={3}
            error={err('text')}
          />
          <button type="submit" class="fr-btn fr-btn--secondary">
            Ajouter
          </button>
        </form>

        <h2>Parcours</h2>
        {timeline.events.length ? (
          <ol class="fr-raw-list pa-timeline">
            {timeline.events.map((e) => (
              <li class="fr-mb-2w">
                <p class="fr-text--sm fr-mb-1v">
                  <span class="fr-text--bold" safe>
                    {formatDate(e.occurredOn)}
                  </span>
                  <span safe>{` — ${e.authorLabel}`}</span>
                </p>
                <Badges
                  small
                  badges={[
                    { text: e.kindLabel, ...(KIND_BADGE[e.kind] ? { kind: KIND_BADGE[e.kind]! } : {}) },
                  ]}
                />
                <p class="fr-mb-0" safe>
                  {e.summary}
                </p>
              </li>
            ))}
          </ol>
        ) : (
          <p>Aucun événement dans le parcours.</p>
        )}
        {timeline.next ? (
          <a class="fr-link" href={`${base}?avant=${timeline.next.occurredOn}:${timeline.next.id}`}>
            Événements plus anciens
          </a>
        ) : (
          ''
        )}
      </Layout>,
      error ? 400 : 200,
    );
  }

  const reads = {
    config: { access: 'user' as const, audit: ['pathway.read', 'person.read'] as const },
  };
  app.get(
    '/personnes/:personId/parcours',
    { config: { ...reads.config, audit: [...reads.config.audit] } },
    async (request, reply) => timelinePage(request, reply, (request.params as { personId: string }).personId),
  );

  app.post(
    '/personnes/:personId/parcours/notes',
    { config: { access: 'user', audit: ['pathway.noted', ...reads.config.audit] } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      try {
        await pathways.addNote(request.actor!, personId, {
          kind: formValue(request.body, 'kind'),
          occurredOn: formValue(request.body, 'occurredOn'),
          text: formValue(request.body, 'text'),
        });
        return reply.redirect(`/personnes/${personId}/parcours?info=note`, 303);
      } catch (e) {
        if (shownInForm(e)) return timelinePage(request, reply, personId, e);
        throw e;
      }
    },
  );

  app.post(
    '/personnes/:personId/parcours/accompagnants',
    { config: { access: 'user', audit: ['pathway.members', ...reads.config.audit] } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      try {
        await pathways.setMember(request.actor!, personId, {
          userId: formValue(request.body, 'userId'),
          role: formValue(request.body, 'role'),
        });
        return reply.redirect(`/personnes/${personId}/parcours?info=membre`, 303);
      } catch (e) {
        if (shownInForm(e)) return timelinePage(request, reply, personId, e);
        throw e;
      }
    },
  );

  app.post(
    '/personnes/:personId/parcours/accompagnants/:userId/retrait',
    { config: { access: 'user', audit: 'pathway.members' } },
    async (request, reply) => {
      const { personId, userId } = request.params as { personId: string; userId: string };
      await pathways.removeMember(request.actor!, personId, userId);
      return reply.redirect(`/personnes/${personId}/parcours?info=retire`, 303);
    },
  );

  app.get(
    '/parcours/suivi',
    { config: { access: 'user', audit: 'pathways.list' } },
    async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const scope = q.perimetre === 'organisation' ? 'organisation' : 'me';
      const daysRaw =
        typeof q.jours === 'string' && /^\d{1,3}$/.test(q.jours) ? Number(q.jours) : DAILY_LISTS.silentDays;
      const lists = await pathways.dailyLists(request.actor!, { scope, silentDays: daysRaw });
      const ctx = pageContext(request, reply);
      const table = (
        caption: string,
        rows: DailyRow[],
        onLabel: string,
        detailLabel: string | null,
        empty: string,
      ) => (
        <section class="fr-mb-4w">
          <h2 class="fr-h4" safe>{`${caption} (${rows.length})`}</h2>
          {rows.length ? (
            <DataTable
              caption={caption}
              hideCaption
              headers={['Personne', onLabel, ...(detailLabel ? [detailLabel] : [])]}
              stacked
            >
              {rows.map((r) => (
                <tr>
                  <td>
                    <a
                      href={`/personnes/${r.personId}/parcours`}
                      safe
                    >{`${r.firstName} ${r.lastName.toUpperCase()}`}</a>
                  </td>
                  <td data-label={onLabel}>{r.on ? formatDate(r.on) : 'Jamais'}</td>
                  {detailLabel ? (
                    <td data-label={detailLabel} class="fr-cell--multiline" safe>
                      {r.detail ?? MISSING}
                    </td>
                  ) : (
                    ''
                  )}
                </tr>
              ))}
            </DataTable>
          ) : (
            <p safe>{empty}</p>
          )}
        </section>
      );
      return html(
        reply,
        <Layout title="Suivi des parcours" ctx={ctx}>
          <h1>Suivi des parcours</h1>
          <p>
            <a class="fr-link fr-mr-3w" href="/orientations?cote=recues">
              Orientations reçues
            </a>
            <a class="fr-link" href="/orientations?cote=envoyees">
              Orientations envoyées
            </a>
          </p>
          <TagLinks
            tags={[
              { text: 'Mes personnes', href: '/parcours/suivi?perimetre=me', current: scope === 'me' },
              {
                text: 'Toute mon organisation',
                href: '/parcours/suivi?perimetre=organisation',
                current: scope === 'organisation',
              },
            ]}
          />
          <p class="fr-text--sm fr-mt-1w">
            {scope === 'me'
              ? 'Les personnes dont vous êtes référent·e ou co-accompagnant·e.'
              : 'Les personnes dont votre organisation tient ou partage le dossier.'}
          </p>
          <form method="get" action="/parcours/suivi" class="fr-mb-3w" aria-label="Délai sans nouvelles">
            <input type="hidden" name="perimetre" value={scope} />
            <InputField
              name="jours"
              type="number"
              label="Sans nouvelles depuis (jours)"
              value={String(lists.silentDays)}
              extra={{ min: '1', max: '365' }}
            />
            <button type="submit" class="fr-btn fr-btn--secondary">
              Afficher
            </button>
          </form>
          {table(
            `Sans nouvelles depuis ${formatCount(lists.silentDays, 'jour')}`,
            lists.silent,
            'Dernière nouvelle',
            null,
            'Chaque parcours a eu des nouvelles récemment.',
          )}
          {table(
            'Orientations en attente de réponse',
            lists.waiting,
            'Envoyée le',
            'Vers',
            'Aucune orientation en attente.',
          )}
          {table(
            'PASS IAE finissant dans les 3 mois',
            lists.approvalsEnding,
            'Fin du PASS',
            'Numéro',
            'Aucun PASS ne finit dans les 3 mois.',
          )}
          {table(
            'Contrats finissant dans les 30 jours',
            lists.contractsEnding,
            'Fin du contrat',
            'Structure',
            'Aucun contrat ne finit dans les 30 jours.',
          )}
        </Layout>,
      );
    },
  );
}
