import type { Children } from '@kitajs/html';
import type { Actor } from '../modules/identity/model.js';
import { ROLES } from '../modules/identity/model.js';
import { canSeePurchases, importRights, isTrainingOrganisation } from '../modules/trainings/rights.js';

export interface PageContext {
  actor: Actor | null;
  csrf: string;
  path: string;
}

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

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/**
 * A form of one button (accept, decline, revoke, remove) with its CSRF token; screen readers hear
 * what it acts on (« Révoquer le jeton X »), sighted users see it in the row beside it.
 */
export function ActionButton(p: {
  action: string;
  csrf: string;
  label: string;
  /** What the button acts on, read after its label by screen readers only. */
  object: string;
  secondary?: boolean;
}) {
  return (
    <form method="post" action={p.action}>
      <CsrfField token={p.csrf} />
      <button type="submit" class={`fr-btn fr-btn--sm${p.secondary ? ' fr-btn--secondary' : ''}`}>
        <span safe>{p.label}</span>
        <span class="fr-sr-only" safe>{` ${p.object}`}</span>
      </button>
    </form>
  );
}

/**
 * A destructive action (remove a member, revoke a token, cancel an invitation) asks first. With
 * JavaScript, the button opens a DSFR modal holding the confirming form; without it, the same
 * button is a link to a confirmation page (`confirmUrl`, a GET rendering `ConfirmationForm`), so
 * one click never destroys anything either way.
 */
export function ConfirmAction(p: {
  /** Unique on the page: the modal's id. */
  id: string;
  action: string;
  confirmUrl: string;
  csrf: string;
  label: string;
  object: string;
  question: string;
  consequence: string;
  confirmLabel: string;
}) {
  const modal = `confirmation-${p.id}`;
  return (
    <>
      <a class="fr-btn fr-btn--sm fr-btn--secondary psl-sans-js" href={p.confirmUrl}>
        <span safe>{p.label}</span>
        <span class="fr-sr-only" safe>{` ${p.object}`}</span>
      </a>
      <button
        type="button"
        class="fr-btn fr-btn--sm fr-btn--secondary psl-avec-js"
        data-fr-opened="false"
        aria-controls={modal}
      >
        <span safe>{p.label}</span>
        <span class="fr-sr-only" safe>{` ${p.object}`}</span>
      </button>
      <dialog id={modal} class="fr-modal" aria-labelledby={`${modal}-titre`}>
        <div class="fr-container fr-container--fluid fr-container-md">
          <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
              <div class="fr-modal__body">
                <div class="fr-modal__header">
                  <button type="button" class="fr-btn--close fr-btn" aria-controls={modal} title="Fermer">
                    Fermer
                  </button>
                </div>
                <div class="fr-modal__content">
                  <h2 id={`${modal}-titre`} class="fr-modal__title" safe>
                    {p.question}
                  </h2>
                  <p safe>{p.consequence}</p>
                </div>
                <div class="fr-modal__footer">
                  <ConfirmationButtons
                    action={p.action}
                    csrf={p.csrf}
                    confirmLabel={p.confirmLabel}
                    cancel={{ modal }}
                  />
                </div>
              </div>
            </div>
          </div>
        </div>
      </dialog>
    </>
  );
}

function ConfirmationButtons(p: {
  action: string;
  csrf: string;
  confirmLabel: string;
  cancel: { modal: string } | { href: string };
}) {
  return (
    <form method="post" action={p.action}>
      <CsrfField token={p.csrf} />
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right">
        <li>
          {'modal' in p.cancel ? (
            <button type="button" class="fr-btn fr-btn--secondary" aria-controls={p.cancel.modal}>
              Annuler
            </button>
          ) : (
            <a class="fr-btn fr-btn--secondary" href={p.cancel.href}>
              Annuler
            </a>
          )}
        </li>
        <li>
          <button type="submit" class="fr-btn" safe>
            {p.confirmLabel}
          </button>
        </li>
      </ul>
    </form>
  );
}

/** The confirmation page a `ConfirmAction` link leads to without JavaScript. */
export function ConfirmationForm(p: {
  action: string;
  csrf: string;
  question: string;
  consequence: string;
  confirmLabel: string;
  cancelHref: string;
}) {
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8">
        <h1 safe>{p.question}</h1>
        <p class="fr-text--lead" safe>
          {p.consequence}
        </p>
        <ConfirmationButtons
          action={p.action}
          csrf={p.csrf}
          confirmLabel={p.confirmLabel}
          cancel={{ href: p.cancelHref }}
        />
      </div>
    </div>
  );
}

function Header({ ctx }: { ctx: PageContext }) {
  const { actor } = ctx;
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                <div class="fr-header__logo">
                  <p class="fr-logo">
                    République
                    <br />
                    Française
                  </p>
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
    <ul class="fr-btns-group">
      <li>
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
      </li>
      <li>
        <form method="post" action="/deconnexion">
          <CsrfField token={ctx.csrf} />
          <button type="submit" class="fr-btn fr-icon-logout-box-r-line">
            Se déconnecter
          </button>
        </form>
      </li>
    </ul>
  );
}

function Footer() {
  return (
    <footer class="fr-footer" id="pied-de-page">
      <div class="fr-container">
        <div class="fr-footer__body">
          <div class="fr-footer__brand fr-enlarge-link">
            <a href="/" title="Retour à l’accueil — Passerelle">
              <p class="fr-logo">
                République
                <br />
                Française
              </p>
            </a>
          </div>
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">
              Passerelle est le service numérique partagé de la Région et de ses partenaires de l’emploi, de
              l’orientation et de la formation.
            </p>
          </div>
        </div>
        <div class="fr-footer__bottom">
          <ul class="fr-footer__bottom-list">
            <li class="fr-footer__bottom-item">
              <a class="fr-footer__bottom-link" href="/accessibilite">
                Accessibilité : partiellement conforme
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <a class="fr-footer__bottom-link" href="/mentions-legales">
                Mentions légales
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <a class="fr-footer__bottom-link" href="/donnees-personnelles">
                Données personnelles
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <a class="fr-footer__bottom-link" href="/api/docs">
                API
              </a>
            </li>
          </ul>
        </div>
      </div>
    </footer>
  );
}

export function Layout(props: { title: string; ctx: PageContext; children?: Children }) {
  return (
    <>
      {'<!doctype html>'}
      <html lang="fr" data-fr-scheme="system">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
          <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
          <title safe>{`${props.title} — Passerelle`}</title>
          <link rel="stylesheet" href="/static/dsfr/dsfr.min.css" />
          <link rel="stylesheet" href="/static/dsfr/utility/utility.min.css" />
          <link rel="stylesheet" href="/static/app.css" />
          <link rel="icon" href="/static/dsfr/favicon/favicon.svg" type="image/svg+xml" />
        </head>
        <body>
          <div class="fr-skiplinks">
            <nav class="fr-container" aria-label="Accès rapide">
              <ul class="fr-skiplinks__list">
                <li>
                  <a class="fr-link" href="#contenu">
                    Contenu
                  </a>
                </li>
                {props.ctx.actor ? (
                  <li>
                    <a class="fr-link" href="#navigation">
                      Menu
                    </a>
                  </li>
                ) : (
                  ''
                )}
                <li>
                  <a class="fr-link" href="#pied-de-page">
                    Pied de page
                  </a>
                </li>
              </ul>
            </nav>
          </div>
          <Header ctx={props.ctx} />
          <main id="contenu" class="fr-container fr-py-6w" tabindex="-1">
            {props.children as 'safe'}
          </main>
          <Footer />
          <script type="module" src="/static/dsfr/dsfr.module.min.js" />
          <script src="/static/htmx/htmx.min.js" />
          <script type="module" src="/static/app.js" />
        </body>
      </html>
    </>
  );
}
