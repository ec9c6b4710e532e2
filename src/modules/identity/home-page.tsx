import Html from '@kitajs/html';
import type { FastifyInstance } from 'fastify';
import { ButtonsGroup } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { ActionButton, LinkButtons } from '../../web/form-actions.js';
import { formatDateTime } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { HomeOffer, HomeTile, MainTask, ModuleContext } from '../module.js';
import type { IdentityDeps } from './deps.js';
import { type Actor, currentMembership, isOrgAdmin, ROLES, type Role } from './model.js';
import { infoOf, SuccessAlert, uuidParam } from './page-helpers.js';

/** Identity's tasks: administering the platform, or the members of one's organisation. */
function identityTasks(actor: Actor): MainTask[] {
  if (actor.isSuperAdmin)
    return [
      {
        rank: 100,
        title: 'Administrer la plateforme',
        text: 'Créez les organisations partenaires et invitez leurs premiers administrateurs.',
        links: [
          { href: '/organisations/nouvelle', label: 'Créer une organisation' },
          { href: '/organisations', label: 'Organisations partenaires' },
        ],
      },
    ];
  if (currentMembership(actor)?.role === 'administrateur')
    return [
      {
        rank: 90,
        title: 'Gérer les membres de votre organisation',
        text: 'Invitez vos collègues, changez leurs rôles, retirez ceux qui sont partis.',
        links: [{ href: '/membres', label: 'Membres de mon organisation' }],
      },
    ];
  return [];
}

/**
 * The one task a person comes for (module.ts, MainTask): the highest-ranked of what identity and
 * the other modules offer. A member with no organisation chosen gets none.
 */
export function mainTask(actor: Actor, offers: HomeOffer[]): MainTask | null {
  if (!actor.isSuperAdmin && !currentMembership(actor)) return null;
  const tasks = [...identityTasks(actor), ...offers.flatMap((o) => o.tasks ?? [])];
  return tasks.sort((a, b) => b.rank - a.rank)[0] ?? null;
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
      {task.form ? task.form : <LinkButtons links={task.links} />}
    </section>
  );
}

export async function homePage(
  app: FastifyInstance,
  { identity }: IdentityDeps,
  homeOffers: ModuleContext['homeOffers'],
) {
  app.get('/', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const ctx = pageContext(request, reply);
    const current = currentMembership(actor);
    const directory = await identity.listOrganisations(actor, {});
    const invitations = actor.userId ? await identity.myInvitations(actor) : [];
    // Several organisations and none chosen yet (at login, or after leaving one): the person
    // chooses here before acting, and nothing is done for an organisation in the meantime.
    const mustChoose = !current && actor.memberships.length > 0;
    const offers = homeOffers(actor);
    const task = mustChoose ? null : mainTask(actor, offers);
    const tiles: HomeTile[] = [
      ...offers.flatMap((o) => o.tiles ?? []),
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
