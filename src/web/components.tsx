import type { Children } from '@kitajs/html';
/** Small DSFR building blocks shared by every module's pages. */

export function Alert(props: {
  kind: 'success' | 'error' | 'info' | 'warning';
  title: string;
  text?: string;
  /**
   * Moves the focus to the alert when the page loads (a refused form: RGAA 11.10, the person must
   * land on what went wrong). `autofocus` works without JavaScript on any focusable element.
   */
  focus?: boolean;
}) {
  return (
    <div
      class={`fr-alert fr-alert--${props.kind} fr-mb-3w`}
      role={props.kind === 'error' ? 'alert' : 'status'}
      {...(props.focus ? { id: 'message-erreur', tabindex: '-1', autofocus: true } : {})}
    >
      <h2 class="fr-alert__title" safe>
        {props.title}
      </h2>
      {props.text ? <p safe>{props.text}</p> : ''}
    </div>
  );
}

// The form fields live in web/form.tsx; re-exported for the pages that import them from here.
export { type FieldProps, InputField, SelectField } from './form.js';

/** Pagination that keeps the current filters in the links. */
export function Pagination(p: {
  page: number;
  total: number;
  pageSize: number;
  baseQuery: URLSearchParams;
  path: string;
}) {
  const pages = Math.max(1, Math.ceil(p.total / p.pageSize));
  if (pages <= 1) return <></>;
  const href = (n: number) => {
    const q = new URLSearchParams(p.baseQuery);
    q.set('page', String(n));
    return `${p.path}?${q.toString()}`;
  };
  return (
    <nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
      <ul class="fr-pagination__list">
        <li>
          {p.page > 1 ? (
            <a
              class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
              href={href(p.page - 1)}
            >
              Page précédente
            </a>
          ) : (
            <a
              class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
              aria-disabled="true"
              role="link"
            >
              Page précédente
            </a>
          )}
        </li>
        <li>
          <a class="fr-pagination__link" aria-current="page" title={`Page ${p.page}`} safe>
            {`${p.page} / ${pages}`}
          </a>
        </li>
        <li>
          {p.page < pages ? (
            <a
              class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
              href={href(p.page + 1)}
            >
              Page suivante
            </a>
          ) : (
            <a
              class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
              aria-disabled="true"
              role="link"
            >
              Page suivante
            </a>
          )}
        </li>
      </ul>
    </nav>
  );
}

// Kept here for the pages that import them from the components; they live in web/format.ts.
export { formatDate, formatDateTime, formatNumber } from './format.js';

/**
 * A DSFR table: caption (visually hidden when hideCaption), column headers, and the rows as children.
 * `numeric` lists the columns holding figures: their headers are right-aligned like their cells
 * (the rows' cells carry `fr-cell--right` themselves) and may wrap, so that a long header over short
 * numbers does not push the table past the page's width.
 */
export function DataTable(props: {
  caption: string;
  headers: string[];
  hideCaption?: boolean;
  numeric?: number[];
  children?: Children;
}) {
  return (
    <div class={`fr-table${props.hideCaption ? ' fr-table--no-caption' : ''}`}>
      <div class="fr-table__wrapper">
        {/* A wide table scrolls: keyboard users must be able to focus it to scroll (RGAA 7.3). */}
        <div class="fr-table__container" tabindex="0" role="region" aria-label={props.caption}>
          <div class="fr-table__content">
            <table>
              <caption safe>{props.caption}</caption>
              <thead>
                <tr>
                  {props.headers.map((h, i) => (
                    <th
                      scope="col"
                      class={props.numeric?.includes(i) ? 'fr-cell--right fr-cell--multiline' : undefined}
                      safe
                    >
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{props.children as 'safe'}</tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}

/**
 * A value to copy (a new API token): a readonly input, selectable by hand without JavaScript, and a
 * « Copier » button that uses the clipboard (web/public/app.js), shown only when JavaScript runs.
 */
export function CopyField(p: { id: string; label: string; value: string }) {
  return (
    <div class="fr-input-group">
      <label class="fr-label" for={p.id} safe>
        {p.label}
      </label>
      <div class="fr-input-wrap fr-input-wrap--addon">
        <input class="fr-input psl-secret" id={p.id} type="text" value={p.value} readonly />
        <button type="button" class="fr-btn fr-btn--secondary psl-avec-js" data-copie={p.id}>
          Copier
        </button>
      </div>
      <p id={`${p.id}-statut`} class="fr-message" role="status" />
    </div>
  );
}
