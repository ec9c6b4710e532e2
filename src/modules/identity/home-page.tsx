import Html from '@kitajs/html';
import type { FastifyInstance } from 'fastify';
import { ButtonsGroup } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { FieldGrid, InputField } from '../../web/form.js';
import { ActionButton, LinkButtons } from '../../web/form-actions.js';
import { formatDateTime } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import { canSeePurchases, importRights, isTrainingOrganisation } from '../trainings/rights.js';
import type { IdentityDeps } from './deps.js';
import { type Actor, currentMembership, isOrgAdmin, ROLES, type Role } from './model.js';
import { infoOf, SuccessAlert, uuidParam } from './page-helpers.js';

/**
 * The one task each role comes for, offered first on its home page (issue 9 §6): a counsellor
 * searches a training for the person in front of them, an analyst reads funders and places, a
 * training organisation keeps its offer up to date, an administrator manages the members.
 */
interface MainTask {
  title: string;
  text: string;
  links: { href: string; label: string }[];
  /** The training search form itself, on the page. */
  search?: boolean;
}

export function mainTask(actor: Actor): MainTask | null {
  const current = currentMembership(actor);
  if (actor.isSuperAdmin)
    return {
      title: 'Administrer la plateforme',
      text: 'Créez les organisations partenaires et invitez leurs premiers administrateurs.',
      links: [
        { href: '/organisations/nouvelle', label: 'Créer une organisation' },
        { href: '/organisations', label: 'Organisations partenaires' },
      ],
    };
  if (!current) return null;
  if (current.role === 'administrateur')
    return {
      title: 'Gérer les membres de votre organisation',
      text: 'Invitez vos collègues, changez leurs rôles, retirez ceux qui sont partis.',
      links: [{ href: '/membres', label: 'Membres de mon organisation' }],
    };
  if (isTrainingOrganisation(actor))
    return {
      title: 'Tenir à jour votre offre de formation',
      text: 'Vos formations, leurs sessions et leurs places, telles que les conseillers les voient.',
      links: [
        { href: '/mon-offre', label: 'Mon offre de formation' },
        ...(importRights(actor) ? [{ href: '/formations/imports', label: 'Importer un flux LHÉO' }] : []),
      ],
    };
  if (current.role === 'analyste' && canSeePurchases(actor))
    return {
      title: 'Suivre les financeurs et les places',
      text: 'Les places achetées par financeur, territoire, métier et trimestre.',
      links: [{ href: '/financeurs', label: 'Financeurs et places' }],
    };
  return {
    title: 'Rechercher une formation',
    text: 'Un métier, une formation ou une compétence, autour d’une commune.',
    links: [],
    search: true,
  };
}

function MainTaskSection({ task }: { task: MainTask }) {
  return (
    <section class="fr-callout fr-mb-4w" aria-labelledby="tache-principale">
      <h2 id="tache-principale" class="fr-callout__title" safe>
        {task.title}
      </h2>
      <p class="fr-callout__text" safe>
        {task.text}
      </p>
      {task.search ? (
        <form method="get" action="/formations" role="search" aria-label="Recherche de formations">
          <FieldGrid
            col={['fr-col-12 fr-col-md-5', 'fr-col-12 fr-col-md-4', 'fr-col-12 fr-col-md-3 fr-mt-md-7w']}
          >
            <InputField name="q" label="Métier, formation, compétence" hint="Ex. : aide-soignant, cariste" />
            <InputField name="commune" label="Autour de la commune" hint="Nom ou code INSEE" />
            <button type="submit" class="fr-btn">
              Rechercher
            </button>
          </FieldGrid>
        </form>
      ) : (
        <LinkButtons links={task.links} />
      )}
    </section>
  );
}

export async function homePage(app: FastifyInstance, { identity }: IdentityDeps) {
  app.get('/', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const ctx = pageContext(request, reply);
    const current = currentMembership(actor);
    const directory = await identity.listOrganisations(actor, {});
    const invitations = actor.userId ? await identity.myInvitations(actor) : [];
    // Several organisations and none chosen yet (at login, or after leaving one): the person
    // chooses here before acting, and nothing is done for an organisation in the meantime.
    const mustChoose = !current && actor.memberships.length > 0;
    const task = mustChoose ? null : mainTask(actor);
    const tiles: { href: string; title: string; desc: string }[] = [
      {
        href: '/formations',
        title: 'Formations',
        desc: 'L’offre de formation de la région, ses sessions et ses places.',
      },
      {
        href: '/organisations',
        title: 'Organisations partenaires',
        desc: `${directory.total} organisations de l’emploi, de l’orientation et de la formation.`,
      },
    ];
    if (actor.organisationId)
      tiles.push({
        href: '/membres',
        title: 'Membres de mon organisation',
        desc: 'Les collègues qui utilisent Passerelle et leurs rôles.',
      });
    if (actor.isSuperAdmin || actor.role === 'administrateur') {
      tiles.push({
        href: '/journal',
        title: 'Journal d’audit',
        desc: 'Connexions, changements de rôle et consultations de dossiers.',
      });
    }
    if (actor.organisationId && isOrgAdmin(actor, actor.organisationId)) {
      tiles.push({
        href: `/organisations/${actor.organisationId}/jetons`,
        title: 'Jetons d’API',
        desc: 'Connecter le système d’information de votre organisation.',
      });
    }
    if (actor.isSuperAdmin)
      tiles.push({
        href: '/organisations/nouvelle',
        title: 'Créer une organisation',
        desc: 'Ajouter un partenaire au service.',
      });
    const roleIntro: Record<Role, string> = {
      administrateur: 'Vous administrez votre organisation : ses informations, ses membres et ses accès.',
      conseiller: 'Vous accompagnez des personnes : orientation, formation, parcours.',
      gestionnaire: 'Vous gérez l’offre et les places de votre organisation.',
      analyste: 'Vous suivez les résultats des programmes sur le territoire.',
    };
    return html(
      reply,
      <Layout title="Accueil" ctx={ctx}>
        <h1>Bonjour</h1>
        <SuccessAlert message={infoOf(request)} />
        {task ? <MainTaskSection task={task} /> : ''}
        {invitations.length ? (
          <section class="fr-mb-4w" aria-labelledby="invitations-titre">
            <h2 id="invitations-titre">Invitations en attente de votre réponse</h2>
            {actor.isSuperAdmin ? (
              <p>
                Un super-administrateur n’est membre d’aucune organisation : refusez ces invitations, ou
                utilisez un compte personnel pour travailler avec l’organisation.
              </p>
            ) : (
              ''
            )}
            <ul class="fr-raw-list">
              {invitations.map((i) => (
                <li class="fr-mb-2w">
                  <p class="fr-mb-1w">
                    <strong safe>{i.organisationName}</strong>
                    {Html.escapeHtml(
                      ` vous invite comme ${ROLES[i.role].toLowerCase()}${i.invitedBy ? ` (invitation de ${i.invitedBy})` : ''}, jusqu’au ${formatDateTime(i.expiresAt)}.`,
                    )}
                  </p>
                  <ButtonsGroup class="fr-btns-group--inline-sm">
                    {/* A super-administrator is a member of no organisation: they can only decline. */}
                    {actor.isSuperAdmin ? (
                      ''
                    ) : (
                      <ActionButton
                        action={`/invitations/${i.id}/acceptation`}
                        csrf={ctx.csrf}
                        label="Accepter"
                        object={`l’invitation de ${i.organisationName}`}
                      />
                    )}
                    <ActionButton
                      action={`/invitations/${i.id}/refus`}
                      csrf={ctx.csrf}
                      label="Refuser"
                      object={`l’invitation de ${i.organisationName}`}
                      secondary
                    />
                  </ButtonsGroup>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          ''
        )}
        {mustChoose ? (
          <section class="fr-mb-4w" aria-labelledby="choix-titre">
            <h2 id="choix-titre">Pour quelle organisation agissez-vous ?</h2>
            <p>
              Choisissez l’organisation pour laquelle vous agissez maintenant : vos actions sont enregistrées
              à son nom. Vous pourrez en changer depuis « Mon compte ».
            </p>
            <form method="post" action="/mon-compte/organisation">
              <CsrfField token={ctx.csrf} />
              <ButtonsGroup class="fr-btns-group--inline-md">
                {actor.memberships.map((m) => (
                  <button type="submit" class="fr-btn" name="organisationId" value={m.organisationId}>
                    <span safe>{`${m.organisationName} — ${ROLES[m.role]}`}</span>
                  </button>
                ))}
              </ButtonsGroup>
            </form>
          </section>
        ) : (
          ''
        )}
        <p class="fr-text--lead">
          {current ? (
            <>
              Vous agissez pour <strong safe>{current.organisationName}</strong> en tant que{' '}
              {Html.escapeHtml(`${ROLES[current.role].toLowerCase()}. ${roleIntro[current.role]}`)}
            </>
          ) : mustChoose ? (
            'Choisissez ci-dessus l’organisation pour laquelle vous agissez.'
          ) : actor.isSuperAdmin ? (
            'Vous êtes super-administrateur de la plateforme : vous créez les organisations et leurs premiers administrateurs.'
          ) : (
            'Vous n’êtes rattaché à aucune organisation : demandez à son administrateur de vous inviter, puis acceptez l’invitation ici.'
          )}
        </p>
        <div class="fr-grid-row fr-grid-row--gutters">
          {tiles.map((t) => (
            <div class="fr-col-12 fr-col-md-4">
              <div class="fr-tile fr-enlarge-link">
                <div class="fr-tile__body">
                  <div class="fr-tile__content">
                    <h2 class="fr-tile__title">
                      <a href={t.href} safe>
                        {t.title}
                      </a>
                    </h2>
                    <p class="fr-tile__detail" safe>
                      {t.desc}
                    </p>
                  </div>
                </div>
              </div>
            </div>
          ))}
        </div>
      </Layout>,
    );
  });

  // The invited person answers on this page; nobody else can answer for them.
  app.post(
    '/invitations/:invitationId/acceptation',
    { config: { access: 'user' } },
    async (request, reply) => {
      await identity.acceptInvitation(request.actor!, uuidParam(request, 'invitationId'));
      return reply.redirect('/?info=invitation-acceptee', 303);
    },
  );
  app.post('/invitations/:invitationId/refus', { config: { access: 'user' } }, async (request, reply) => {
    await identity.declineInvitation(request.actor!, uuidParam(request, 'invitationId'));
    return reply.redirect('/?info=invitation-refusee', 303);
  });
}
