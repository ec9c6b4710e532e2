/**
 * The DSFR pagination of every list, with page numbers (https://www.systeme-de-design.gouv.fr/elements-d-interface/composants/pagination):
 * first, previous, the pages around the current one with the first and last, next, last. Every
 * link keeps the current filters. A counsellor going through results says « page 4 », not « next
 * three times » (issue 9 §4: the former pager only showed « 3 / 12 »).
 */

/** The page numbers to show, null where a run of pages is left out (« … »). Pure, for tests. */
export function pageWindow(page: number, pages: number, around = 2): (number | null)[] {
  const shown = new Set<number>([1, pages]);
  for (let n = page - around; n <= page + around; n++) if (n >= 1 && n <= pages) shown.add(n);
  const sorted = [...shown].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((n, i) => {
    const previous = sorted[i - 1];
    // A gap of one page shows that page rather than « … » standing for a single number.
    if (previous !== undefined && n - previous === 2) out.push(previous + 1);
    else if (previous !== undefined && n - previous > 2) out.push(null);
    out.push(n);
  });
  return out;
}

function Edge(p: { kind: 'first' | 'prev' | 'next' | 'last'; label: string; href: string | null }) {
  const cls = `fr-pagination__link fr-pagination__link--${p.kind}${p.kind === 'prev' || p.kind === 'next' ? ' fr-pagination__link--lg-label' : ''}`;
  return (
    <li>
      {p.href ? (
        <a class={cls} href={p.href} safe>
          {p.label}
        </a>
      ) : (
        <a class={cls} aria-disabled="true" role="link" safe>
          {p.label}
        </a>
      )}
    </li>
  );
}

export function Pagination(p: {
  page: number;
  total: number;
  pageSize: number;
  /** The query the links keep (filters); `page` is set on each. */
  baseQuery: URLSearchParams;
  path: string;
  /** The highest page the server serves (the search refuses pages past 1,000). */
  maxPage?: number;
}) {
  const pages = Math.min(Math.max(1, Math.ceil(p.total / p.pageSize)), p.maxPage ?? Number.POSITIVE_INFINITY);
  if (pages <= 1) return <></>;
  const href = (n: number) => {
    const q = new URLSearchParams(p.baseQuery);
    if (n === 1) q.delete('page');
    else q.set('page', String(n));
    const text = q.toString();
    return text ? `${p.path}?${text}` : p.path;
  };
  const current = Math.min(p.page, pages);
  return (
    <nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
      <ul class="fr-pagination__list">
        <Edge kind="first" label="Première page" href={current > 1 ? href(1) : null} />
        <Edge kind="prev" label="Page précédente" href={current > 1 ? href(current - 1) : null} />
        {pageWindow(current, pages).map((n) =>
          n === null ? (
            <li>
              <span class="fr-pagination__link fr-displayed-lg" aria-hidden="true">
                …
              </span>
            </li>
          ) : (
            <li>
              <a
                class="fr-pagination__link"
                href={href(n)}
                title={`Page ${n}`}
                aria-current={n === current ? 'page' : undefined}
                safe
              >
                {String(n)}
              </a>
            </li>
          ),
        )}
        <Edge kind="next" label="Page suivante" href={current < pages ? href(current + 1) : null} />
        <Edge kind="last" label="Dernière page" href={current < pages ? href(pages) : null} />
      </ul>
    </nav>
  );
}

/** The former name, kept for the pages that import it. */
export const NumberedPagination = Pagination;
