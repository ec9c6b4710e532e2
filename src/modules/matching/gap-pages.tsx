import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';
import {
  Alert,
  Badges,
  ButtonsGroup,
  Callout,
  DataTable,
  InputField,
  suggested,
  TagLinks,
} from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { formatCount, formatDate, formatNumber } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import { FileSections, fileTitle } from '../persons/file-page.js';
import type { PersonFile } from '../persons/service.js';
import { FUNDERS, LEVELS, label } from '../trainings/dictionaries.js';
import type { LheoAddress, LheoContact } from '../trainings/lheo/model.js';
import { hoursText } from '../trainings/search-page.js';
import { sessionRecruitment } from '../trainings/training-page.js';
import type { MatchingDeps } from './deps.js';
import type { GapTargetInput, PreparedSheet, RankedTraining, TrainingGap } from './gap-service.js';

/** Both pages read the person's file (persons service): an audited read each. */
const reads = { access: 'user', audit: 'person.read' } as const;

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
/** The target as the pages carry it in their links: `appellation=` or `offre=` (an offer suggested). */
function targetOf(query: unknown): GapTargetInput | null {
  const q = (query ?? {}) as Record<string, unknown>;
  const appellation = str(q.appellation);
  const offre = str(q.offre);
  if (!appellation && !offre) return null;
  return { appellation: appellation || undefined, offerId: offre || undefined };
}
const targetQuery = (t: { offerId: string | null; appellationCode: string | null }) =>
  t.offerId
    ? `offre=${encodeURIComponent(t.offerId)}`
    : `appellation=${encodeURIComponent(t.appellationCode ?? '')}`;

const addressText = (a: LheoAddress | null | undefined) =>
  a ? [a.lines.join(', '), `${a.postalCode} ${a.city}`].filter(Boolean).join(', ') : 'Formation à distance';

function Contact(p: { contact: LheoContact | null | undefined }) {
  const c = p.contact;
  if (!c || (!c.name && !c.phone && !c.email)) return '';
  const name = [c.firstName, c.name].filter(Boolean).join(' ');
  return (
    <p>
      {'Contact : '}
      {name ? <span safe>{name}</span> : ''}
      {c.phone ? (
        <>
          {name ? ' · ' : ''}
          <a href={`tel:${c.phone.replace(/[^\d+]/g, '')}`} safe>
            {c.phone}
          </a>
        </>
      ) : (
        ''
      )}
      {c.email ? (
        <>
          {name || c.phone ? ' · ' : ''}
          <a href={`mailto:${c.email}`} safe>
            {c.email}
          </a>
        </>
      ) : (
        ''
      )}
    </p>
  );
}

/** The core skills of the target by kind: to acquire, and already held. */
function SkillGap(p: { skills: NonNullable<PreparedSheet['skills']>; metierKnown: boolean }) {
  if (!p.metierKnown)
    return (
      <p>
        Le ROME 4.0 chargé ne rattache ce métier à aucune fiche : ses compétences cœur de métier ne sont pas
        connues.
      </p>
    );
  return (
    <>
      <p
        safe
      >{`${formatCount(p.skills.missingCount, 'compétence', 'compétences', 'Aucune compétence')} cœur de métier à acquérir sur ${p.skills.coreCount} (ROME 4.0).`}</p>
      <div class="fr-grid-row fr-grid-row--gutters">
        {p.skills.groups
          .filter((g) => g.missing.length + g.held.length > 0)
          .map((g) => (
            <div class="fr-col-12 fr-col-md-4">
              <h3 class="fr-h6" safe>
                {g.label}
              </h3>
              <p class="fr-text--bold fr-mb-1w">À acquérir</p>
              {g.missing.length ? (
                <ul>
                  {g.missing.map((s) => (
                    <li safe>{s.label}</li>
                  ))}
                </ul>
              ) : (
                <p>Toutes acquises.</p>
              )}
              {g.held.length ? (
                <>
                  <p class="fr-text--bold fr-mb-1w">Déjà acquises</p>
                  <ul>
                    {g.held.map((s) => (
                      <li safe>{s.label}</li>
                    ))}
                  </ul>
                </>
              ) : (
                ''
              )}
            </div>
          ))}
      </div>
    </>
  );
}

const tierBadges = (t: RankedTraining) => [
  ...(t.funding === 'none' ? [{ text: 'Financement à trouver', kind: 'warning' as const }] : []),
  ...(t.places === 'closed' ? [{ text: 'Aucune session ouverte', kind: 'warning' as const }] : []),
  ...(t.remote ? [{ text: 'À distance', kind: 'info' as const }] : []),
  ...(t.certifying ? [{ text: 'Certifiante', kind: 'success' as const }] : []),
];

function TrainingCards(p: { personId: string; gap: TrainingGap }) {
  const query = targetQuery(p.gap.target);
  return (
    <ol class="fr-raw-list">
      {p.gap.trainings.map((t) => (
        <li class="fr-card fr-enlarge-link fr-mb-2w">
          <div class="fr-card__body">
            <div class="fr-card__content">
              <h3 class="fr-card__title">
                <a href={`/personnes/${p.personId}/se-former/formations/${t.actionId}?${query}`} safe>
                  {t.title}
                </a>
              </h3>
              <p class="fr-card__desc" safe>
                {`${t.providerName} — ${t.communeName ?? 'à distance'}${t.postalCode ? ` (${t.postalCode})` : ''}`}
              </p>
              <div class="fr-card__start">
                <Badges small badges={tierBadges(t)} />
              </div>
              <div class="fr-card__end">
                <ul class="fr-text--sm">
                  {t.reasons.map((r) => (
                    <li safe>{r.text}</li>
                  ))}
                </ul>
              </div>
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}

/**
 * « Se former », a section of the person file (issue 11 §3): the target job (a wanted job, any
 * appellation, or the offer a suggestion came from), its missing skills, the trainings that lead to
 * it near the person, each one click from the sheet prepared for the person.
 */
export async function gapPages(app: FastifyInstance, { matching, persons }: MatchingDeps) {
  app.get('/personnes/:personId/se-former', { config: reads }, async (request, reply) => {
    const { personId } = request.params as { personId: string };
    const actor = request.actor!;
    let target = targetOf(request.query);
    let file: PersonFile | null = null;
    let gap: TrainingGap | null = null;
    let error: AppError | null = null;
    // No target asked: the first wanted job, so that the section opens on something to act on.
    if (!target) {
      file = await persons.get(actor, personId);
      const first = file.wantedJobs[0];
      if (first) target = { appellation: first.code };
    }
    if (target) {
      try {
        gap = await matching.trainingGap(actor, personId, target);
        file = gap.person;
      } catch (e) {
        if (!(e instanceof AppError) || e.kind !== 'invalid') throw e;
        error = e;
        file ??= await persons.get(actor, personId);
      }
    }
    const f = file!;
    const typed = str((request.query as Record<string, unknown>).appellation);
    const chosen = gap?.target.appellationCode ?? null;
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title={`Se former — ${fileTitle(f)}`} ctx={ctx}>
        <h1 safe>{fileTitle(f)}</h1>
        <FileSections personId={f.id} current="se-former" />
        {error ? <Alert kind="error" title="Métier visé refusé" text={error.message} focus /> : ''}
        <h2>Métier visé</h2>
        {f.wantedJobs.length ? (
          <>
            <p>Métiers recherchés par la personne :</p>
            <TagLinks
              tags={f.wantedJobs.map((j) => ({
                text: j.label ?? j.code,
                href: `/personnes/${f.id}/se-former?appellation=${encodeURIComponent(j.code)}`,
                current: !gap?.target.offerId && chosen === j.code,
              }))}
            />
          </>
        ) : (
          <p>Aucun métier recherché n’est renseigné dans le dossier : choisissez-en un.</p>
        )}
        <form method="get" action={`/personnes/${f.id}/se-former`} class="fr-mb-4w">
          <datalist id="appellations-suggerees" />
          <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
            <div class="fr-col-12 fr-col-md-8">
              <InputField
                name="appellation"
                label="Un autre métier"
                hint="Tapez un métier (ex. aide-soignant) et choisissez-le dans la liste"
                // The chosen job is named under the form; the field is for another one (a code here read as noise).
                value={error?.field === 'appellation' ? typed : ''}
                error={error?.field === 'appellation' ? error.message : undefined}
                {...suggested('/appellations/suggestions', 'appellations-suggerees')}
              />
            </div>
            <div class="fr-col-12 fr-col-md-4">
              <button type="submit" class="fr-btn">
                Voir les formations
              </button>
            </div>
          </div>
        </form>
        {gap ? (
          <>
            <p class="fr-text--lead" safe>
              {gap.target.offerId
                ? `Offre « ${gap.target.label} » : ${gap.target.metierLabel ?? ''} (ROME ${gap.target.metierCode ?? gap.target.tradeCode})`
                : `${gap.target.label} : ${gap.target.metierLabel ?? 'métier'} (ROME ${gap.target.metierCode ?? gap.target.tradeCode})`}
            </p>
            <h2>Compétences à acquérir</h2>
            <SkillGap skills={gap.skills} metierKnown={gap.target.metierCode !== null} />
            <h2>Formations qui mènent à ce métier</h2>
            <p safe>
              {gap.origin.located
                ? `${formatCount(gap.trainings.length, 'formation', 'formations', 'Aucune formation')} avec une session à venir à moins de ${gap.origin.radiusKm} km de ${gap.origin.communeName ?? 'la commune de la personne'}, ou à distance. Les formations financées pour les demandeurs d’emploi et ouvertes au recrutement viennent d’abord.`
                : `Commune de la personne inconnue : seules les formations entièrement à distance sont proposées (${formatCount(gap.trainings.length, 'formation', 'formations', 'aucune')}).`}
            </p>
            <TrainingCards personId={f.id} gap={gap} />
          </>
        ) : (
          ''
        )}
      </Layout>,
      error ? 400 : 200,
    );
  });

  app.get(
    '/personnes/:personId/se-former/formations/:actionId',
    { config: reads },
    async (request, reply) => {
      const { personId, actionId } = request.params as { personId: string; actionId: string };
      const s = await matching.preparedSheet(request.actor!, personId, actionId, targetOf(request.query));
      const t = s.training;
      const a = s.action;
      const who = fileTitle(s.person);
      const ctx = pageContext(request, reply);
      return html(
        reply,
        <Layout title={`Formation préparée pour ${who} — ${t.title}`} ctx={ctx}>
          <h1 safe>{t.title}</h1>
          <p class="fr-text--lead" safe>
            {`Fiche préparée pour ${who}${s.target ? `, en vue du métier : ${s.target.label}` : ''}.`}
          </p>
          <ButtonsGroup class="fr-btns-group--inline-sm fr-btns-group--icon-left psl-no-print">
            <button
              type="button"
              class="fr-btn fr-btn--secondary fr-icon-printer-line fr-btn--icon-left"
              data-psl-print
            >
              Imprimer la fiche
            </button>
            <a
              class="fr-btn fr-btn--tertiary"
              href={`/personnes/${s.person.id}/se-former${s.target ? `?${targetQuery(s.target)}` : ''}`}
            >
              Retour à « Se former »
            </a>
          </ButtonsGroup>
          <Callout title={t.provider.name} text={addressText(t.provider.address)}>
            <Contact contact={t.contact ?? t.provider.contact} />
          </Callout>
          {s.ranked ? (
            <>
              <h2>Pourquoi cette formation</h2>
              <ul>
                {s.ranked.reasons.map((r) => (
                  <li safe>{r.text}</li>
                ))}
              </ul>
            </>
          ) : (
            ''
          )}
          {s.target && s.skills ? (
            <>
              <h2 safe>{`Ce qu’elle apporte : les compétences du métier visé`}</h2>
              <SkillGap skills={s.skills} metierKnown={s.target.metierCode !== null} />
            </>
          ) : (
            ''
          )}
          <h2>La situation de la personne</h2>
          <ul>
            <li safe>
              {s.distanceKm === null
                ? a.teachingMode === '2'
                  ? 'Formation entièrement à distance.'
                  : 'Distance inconnue (commune de la personne ou lieu de formation non situés).'
                : `À ${formatNumber(Math.round(s.distanceKm))} km de chez la personne (rayon de mobilité : ${s.radiusKm} km).`}
            </li>
            {s.fit.map((line) => (
              <li safe>{line}</li>
            ))}
          </ul>
          <h2>La formation</h2>
          <p safe>{t.objective}</p>
          <ul>
            <li safe>{`Lieu : ${a.communeName ?? 'à distance'} — ${addressText(a.place)}`}</li>
            <li safe>{`${s.teachingMode} · ${hoursText(a.hoursCentre, a.hoursCompany)}`}</li>
            <li
              safe
            >{`Niveau d’entrée : ${label(LEVELS, t.entryLevel)}${t.certifying ? ' · certifiante' : ''}`}</li>
            <li safe>{`Conditions d’accès : ${a.specificConditions}`}</li>
            <li safe>
              {`Financement : ${
                a.funders.length
                  ? a.funders
                      .map(
                        (fu) =>
                          `${label(FUNDERS, fu.code)}${fu.places === null ? '' : ` (${formatCount(fu.places, 'place achetée', 'places achetées')})`}`,
                      )
                      .join(', ')
                  : 'non renseigné'
              }`}
            </li>
          </ul>
          <DataTable caption="Sessions" headers={['Début', 'Fin', 'Recrutement', 'Places restantes']}>
            {a.sessions.map((se) => (
              <tr>
                <td safe>{formatDate(se.start)}</td>
                <td safe>{formatDate(se.end)}</td>
                <td safe>{sessionRecruitment(se)}</td>
                <td safe>
                  {se.placesRemaining === null
                    ? 'non précisées'
                    : `${se.placesRemaining}${se.placesTotal !== null ? ` / ${se.placesTotal}` : ''}`}
                </td>
              </tr>
            ))}
          </DataTable>
          {a.recruitmentTerms ? <p safe>{`Pour s’inscrire : ${a.recruitmentTerms}`}</p> : ''}
          <p class="psl-no-print">
            <a href={`/formations/${t.id}#action-${a.id}`}>
              Fiche complète de la formation dans le catalogue
            </a>
          </p>
          <script src="/static/print.js" defer />
        </Layout>,
      );
    },
  );
}
