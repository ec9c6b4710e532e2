import type { Children } from '@kitajs/html';
import { childList } from './children.js';
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
export * from './form.js';
// Kept here for the pages that import them from the components; they live in web/format.ts.
export { formatDate, formatDateTime, formatNumber } from './format.js';
// One pagination, with page numbers: it lives in web/pagination.tsx.
export { Pagination } from './pagination.js';

// Tables live in web/table.tsx.
export { DataTable, NumberCell } from './table.js';

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

/** DSFR badges in a group (fr-badges-group): a training's « Certifiante », a recruitment's state. */
export function Badges(p: {
  badges: { text: string; kind?: 'success' | 'error' | 'info' | 'warning' | 'new' }[];
  small?: boolean;
  class?: string;
}) {
  if (!p.badges.length) return '';
  return (
    <ul class={`fr-badges-group${p.class ? ` ${p.class}` : ''}`}>
      {p.badges.map((b) => (
        <li>
          <p class={`fr-badge${p.small ? ' fr-badge--sm' : ''}${b.kind ? ` fr-badge--${b.kind}` : ''}`} safe>
            {b.text}
          </p>
        </li>
      ))}
    </ul>
  );
}

/**
 * A DSFR group of buttons or links (fr-btns-group, e.g. `fr-btns-group--inline-md`), each child in
 * its list item; an empty child (`cond ? <a /> : ''`) leaves no empty item.
 */
export function ButtonsGroup(p: { class?: string; children?: Children }) {
  return (
    <ul class={`fr-btns-group${p.class ? ` ${p.class}` : ''}`}>
      {childList(p.children).map((c) => (
        <li>{c as 'safe'}</li>
      ))}
    </ul>
  );
}

/** A DSFR callout (fr-callout, « mise en avant »): a title, a text, and what follows them (contacts, a link). */
export function Callout(p: { title: string; text: string; class?: string; children?: Children }) {
  return (
    <div class={`fr-callout${p.class ? ` ${p.class}` : ''}`}>
      <h2 class="fr-callout__title" safe>
        {p.title}
      </h2>
      <p class="fr-callout__text" safe>
        {p.text}
      </p>
      {(p.children ?? '') as 'safe'}
    </div>
  );
}

/**
 * DSFR tags that are links (fr-tags-group): choices that run a search again, the current one marked
 * by aria-current.
 */
export function TagLinks(p: { tags: { text: string; href: string; current?: boolean }[] }) {
  return (
    <ul class="fr-tags-group">
      {p.tags.map((t) => (
        <li>
          <a class="fr-tag fr-tag--sm" href={t.href} aria-current={t.current ? 'true' : undefined} safe>
            {t.text}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** « Imprimer la fiche »: app.js prints on `data-psl-print` (no inline script: CSP). */
export function PrintButton() {
  return (
    <button
      type="button"
      class="fr-btn fr-btn--secondary fr-icon-printer-line fr-btn--icon-left"
      data-psl-print
    >
      Imprimer la fiche
    </button>
  );
}
