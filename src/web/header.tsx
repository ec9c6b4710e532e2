import { type Actor, ROLES } from '../modules/identity/model.js';
import { canSeePurchases, importRights, isTrainingOrganisation } from '../modules/trainings/rights.js';
import { ButtonsGroup } from './components.js';
import { StateLogo } from './footer.js';
import { CsrfField } from './form-actions.js';
import type { PageContext } from './page-context.js';

/** The DSFR header: the service's name, the signed-in person's tools and the main menu. */

interface NavItem {
  href: string;
  label: string;
  visible: (actor: Actor) => boolean;
}

const NAV: NavItem[] = [
  { href: '/', label: 'Accueil', visible: () => true },
  { href: '/formations', label: 'Formations', visible: () => true },
  {
    href: '/mon-offre',
    label: 'Mon offre de formation',
    visible: isTrainingOrganisation,
  },
  {
    href: '/formations/imports',
    label: 'Imports LHÉO',
    visible: (a) => importRights(a) !== null,
  },
  {
    href: '/financeurs',
    label: 'Financeurs et places',
    visible: canSeePurchases,
  },
  { href: '/organisations', label: 'Organisations partenaires', visible: () => true },
  {
    href: '/membres',
    label: 'Membres de mon organisation',
    visible: (a) => a.organisationId !== null,
  },
  {
    href: '/journal',
    label: 'Journal d’audit',
    visible: (a) => a.isSuperAdmin || a.role === 'administrateur',
  },
];

function isCurrent(path: string, href: string) {
  if (href === '/') return path === '/';
  // Member pages live under /organisations/:id/membres but belong to the "members" entry.
  if (path.endsWith('/membres')) return href === '/membres';
  if (path.startsWith('/formations/imports')) return href === '/formations/imports';
  return path === href || path.startsWith(`${href}/`);
}

export function Header({ ctx }: { ctx: PageContext }) {
  const { actor } = ctx;
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                <div class="fr-header__logo">
                  <StateLogo />
                </div>
                {actor ? (
                  <div class="fr-header__navbar">
                    <button
                      type="button"
                      class="fr-btn--menu fr-btn psl-avec-js"
                      data-fr-opened="false"
                      aria-controls="menu-principal"
                      aria-haspopup="menu"
                      id="bouton-menu"
                      title="Menu"
                    >
                      Menu
                    </button>
                    {/* Without JavaScript the button above does nothing: this link opens the menu
                        with :target instead (app.css), and only one of the two is shown. */}
                    <a class="fr-btn--menu fr-btn psl-sans-js" href="#menu-principal" title="Menu">
                      Menu
                    </a>
                  </div>
                ) : (
                  ''
                )}
              </div>
              <div class="fr-header__service">
                <a href="/" title="Accueil — Passerelle">
                  <p class="fr-header__service-title">Passerelle</p>
                </a>
                <p class="fr-header__service-tagline">Emploi, formation et parcours en région</p>
              </div>
            </div>
            {actor ? (
              <div class="fr-header__tools">
                <div class="fr-header__tools-links">
                  <ToolLinks ctx={ctx} />
                </div>
              </div>
            ) : (
              ''
            )}
          </div>
        </div>
      </div>
      {actor ? (
        <div class="fr-header__menu fr-modal" id="menu-principal" aria-labelledby="bouton-menu">
          <div class="fr-container">
            <button
              type="button"
              class="fr-btn--close fr-btn psl-avec-js"
              aria-controls="menu-principal"
              title="Fermer"
            >
              Fermer
            </button>
            <a class="fr-btn--close fr-btn psl-sans-js" href="#" title="Fermer le menu">
              Fermer
            </a>
            <div class="fr-header__menu-links" />
            <nav class="fr-nav" id="navigation" aria-label="Menu principal">
              <ul class="fr-nav__list">
                {NAV.filter((item) => item.visible(actor)).map((item) => (
                  <li class="fr-nav__item">
                    <a
                      class="fr-nav__link"
                      href={item.href}
                      aria-current={isCurrent(ctx.path, item.href) ? 'page' : undefined}
                      safe
                    >
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </div>
      ) : (
        ''
      )}
    </header>
  );
}

function ToolLinks({ ctx }: { ctx: PageContext }) {
  const actor = ctx.actor!;
  const current = actor.memberships.find((m) => m.organisationId === actor.organisationId);
  return (
    <ButtonsGroup>
      <a class="fr-btn fr-icon-account-circle-line" href="/mon-compte">
        <span safe>{actor.label}</span>
        {current ? (
          <span class="fr-ml-1v">
            — <span safe>{current.organisationName}</span> ({ROLES[current.role]})
          </span>
        ) : actor.isSuperAdmin ? (
          <span class="fr-ml-1v">— super-administrateur</span>
        ) : (
          ''
        )}
      </a>
      <form method="post" action="/deconnexion">
        <CsrfField token={ctx.csrf} />
        <button type="submit" class="fr-btn fr-icon-logout-box-r-line">
          Se déconnecter
        </button>
      </form>
    </ButtonsGroup>
  );
}
