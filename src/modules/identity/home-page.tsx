import Html from '@kitajs/html';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app.js';
import { html, pageContext } from '../../web/context.js';
import { Layout } from '../../web/layout.js';
import { currentMembership, isOrgAdmin, ROLES, type Role } from './model.js';

export async function homePage(app: FastifyInstance, { identity }: Services) {
  app.get('/', { config: { access: 'user' } }, async (request, reply) => {
    const actor = request.actor!;
    const ctx = pageContext(request, reply);
    const current = currentMembership(actor);
    const directory = await identity.listOrganisations(actor, {});
    const tiles: { href: string; title: string; desc: string }[] = [
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
        <p class="fr-text--lead">
          {current ? (
            <>
              Vous agissez pour <strong safe>{current.organisationName}</strong> en tant que{' '}
              {Html.escapeHtml(`${ROLES[current.role].toLowerCase()}. ${roleIntro[current.role]}`)}
            </>
          ) : actor.isSuperAdmin ? (
            'Vous êtes super-administrateur de la plateforme : vous créez les organisations et leurs premiers administrateurs.'
          ) : (
            'Vous n’êtes rattaché à aucune organisation : demandez à son administrateur de vous inviter.'
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
}
