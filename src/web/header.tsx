import { ROLES } from '../modules/identity/model.js';
import { ButtonsGroup } from './components.js';
import { StateLogo } from './footer.js';
import { CsrfField } from './form-actions.js';
import type { NavLink, PageContext } from './page-context.js';

/** The DSFR header: the service's name, the signed-in person's tools and the main menu. */

/**
 * The entry current for a path: one that claims it, else the longest whose href starts the path
 * (« Imports LHÉO » for /formations/imports/…, not « Formations »).
 */
function currentHref(path: string, links: NavLink[]): string | undefined {
  const claimed = links.find((l) => l.current?.(path));
  if (claimed) return claimed.href;
  return links
    .filter((l) => (l.href === '/' ? path === '/' : path === l.href || path.startsWith(`${l.href}/`)))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
}

export function Header({ ctx }: { ctx: PageContext }) {
  const { actor } = ctx;
  const current = currentHref(ctx.path, ctx.nav);
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
                {ctx.nav.map((item) => (
                  <li class="fr-nav__item">
                    <a
                      class="fr-nav__link"
                      href={item.href}
                      aria-current={item.href === current ? 'page' : undefined}
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
