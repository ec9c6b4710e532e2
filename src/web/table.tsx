import type { Children } from '@kitajs/html';
import { formatNumber, MISSING } from './format.js';

/**
 * A DSFR table: caption (visually hidden when hideCaption), column headers, and the rows as children.
 * `numeric` lists the columns holding figures: their headers are right-aligned like their cells
 * (the rows' cells carry `fr-cell--right` themselves, see NumberCell) and may wrap, so that a long
 * header over short numbers does not push the table past the page's width.
 */
export function DataTable(props: {
  caption: string;
  headers: string[];
  hideCaption?: boolean;
  numeric?: number[];
  /**
   * Below 48em each row becomes a card, each cell under its column's name (the cells carry it as
   * `data-label`): a wide table in a 375 px window showed two columns and hid the rest sideways.
   */
  stacked?: boolean;
  children?: Children;
}) {
  return (
    <div
      class={`fr-table${props.hideCaption ? ' fr-table--no-caption' : ''}${props.stacked ? ' pa-table--stacked' : ''}`}
    >
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
 * A cell of a numeric column: right-aligned, a number in the French way (« 12 345 »), a text as
 * given (« non précisées »), a missing value as « — ».
 */
export function NumberCell(p: { value: number | string | null | undefined }) {
  const text = typeof p.value === 'number' ? formatNumber(p.value) : (p.value ?? MISSING);
  return (
    <td class="fr-cell--right" safe>
      {text}
    </td>
  );
}
