import type { Children } from '@kitajs/html';
import { Footer } from './footer.js';
import { Header } from './header.js';
import type { PageContext } from './page-context.js';

// The pages import these two from the layout; they live beside what they belong to.
export { CsrfField } from './form-actions.js';
export type { PageContext } from './page-context.js';

/** The DSFR skip links (RGAA 12.7); the menu is there only for a signed-in person. */
function skipLinks(ctx: PageContext): [string, string][] {
  return [
    ['#contenu', 'Contenu'],
    ...(ctx.actor ? [['#navigation', 'Menu'] as [string, string]] : []),
    ['#pied-de-page', 'Pied de page'],
  ];
}

/** Every page: the DSFR head, skip links, header, main content and footer, and the scripts. */
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
                {skipLinks(props.ctx).map(([href, label]) => (
                  <li>
                    <a class="fr-link" href={href} safe>
                      {label}
                    </a>
                  </li>
                ))}
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
