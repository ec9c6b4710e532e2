import { formatNumber } from './format.js';
import { DataTable, NumberCell } from './table.js';

/** One bar of a chart and its line of the table. */
export interface Bar {
  label: string;
  /** The length of the bar. */
  value: number;
  /** What the bar says beside it, when more than its value (« 12 + 2 non préc. »). */
  valueText?: string;
  /** The line's figures in the table, one per `figureHeaders` (a number, or a text such as « non précisées »). */
  figures: (number | string)[];
}

/**
 * A horizontal bar chart and its data table, from one series (RGAA 1.1 and 1.3: a chart's
 * information is also given as text). Labels and values are HTML text, so they keep their size on
 * a phone; the bars are drawn for sighted readers only (aria-hidden), the table after the chart,
 * beside it on a wide screen, carries the same figures.
 */
export function BarChartWithTable(p: {
  /** The chart's id; its caption's id derives from it. */
  id: string;
  title: string;
  /** The header of the labels' column. */
  keyHeader: string;
  figureHeaders: string[];
  bars: Bar[];
}) {
  const max = Math.max(1, ...p.bars.map((b) => b.value));
  return (
    <div class="fr-grid-row fr-grid-row--gutters">
      <div class="fr-col-12 fr-col-lg-5">
        <figure class="psl-bars" aria-labelledby={p.id}>
          <figcaption id={p.id} class="fr-text--sm fr-mb-1w" safe>
            {`${p.title} (graphique : les chiffres sont dans le tableau qui suit)`}
          </figcaption>
          <div aria-hidden="true">
            {p.bars.map((b) => (
              <div class="psl-bar">
                <div class="psl-bar__label" safe>
                  {b.label}
                </div>
                <div class="psl-bar__track">
                  <svg
                    width="100%"
                    height="16"
                    viewBox="0 0 100 16"
                    preserveAspectRatio="none"
                    focusable="false"
                    aria-hidden="true"
                  >
                    <rect x="0" y="0" width={Math.round((b.value / max) * 1000) / 10} height="16" />
                  </svg>
                  <span class="psl-bar__value" safe>
                    {b.valueText ?? formatNumber(b.value)}
                  </span>
                </div>
              </div>
            ))}
          </div>
        </figure>
      </div>
      <div class="fr-col-12 fr-col-lg-7">
        <DataTable
          caption={p.title}
          hideCaption
          headers={[p.keyHeader, ...p.figureHeaders]}
          numeric={p.figureHeaders.map((_, i) => i + 1)}
        >
          {p.bars.map((b) => (
            <tr>
              <td safe>{b.label}</td>
              {b.figures.map((f) => (
                <NumberCell value={f} />
              ))}
            </tr>
          ))}
        </DataTable>
      </div>
    </div>
  );
}
