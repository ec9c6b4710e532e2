import { describe, expect, it } from 'vitest';
import { Accordion } from './accordion.js';
import { BarChartWithTable } from './chart.js';
import { Badges, ButtonsGroup, Callout, TagLinks } from './components.js';
import { Pagination } from './pagination.js';
import { DataTable, NumberCell } from './table.js';

const render = async (element: JSX.Element | string) => String(await element);

describe('DataTable', () => {
  it('has a caption, column headers, and right-aligned figures', async () => {
    const html = await render(
      <DataTable caption="Places par financeur" headers={['Financeur', 'Places']} numeric={[1]} hideCaption>
        <tr>
          <td>Région</td>
          <NumberCell value={12345} />
        </tr>
        <tr>
          <td>France Travail</td>
          <NumberCell value="non précisées" />
          <NumberCell value={null} />
        </tr>
      </DataTable>,
    );
    expect(html).toContain('<caption>Places par financeur</caption>');
    expect(html).toContain('class="fr-table fr-table--no-caption"');
    expect(html).toContain('tabindex="0" role="region" aria-label="Places par financeur"');
    expect(html).toContain('<th scope="col">Financeur</th>');
    expect(html).toContain('<th scope="col" class="fr-cell--right fr-cell--multiline">Places</th>');
    expect(html).toContain('<td class="fr-cell--right">12\u202f345</td>');
    expect(html).toContain('<td class="fr-cell--right">non précisées</td>');
    expect(html).toContain('<td class="fr-cell--right">—</td>');
  });
});

describe('BarChartWithTable', () => {
  it('draws the series for sighted readers and gives the same figures in a table', async () => {
    const html = await render(
      <BarChartWithTable
        id="par-financeur"
        title="Places par financeur"
        keyHeader="Financeur"
        figureHeaders={['Places', 'Actions']}
        bars={[
          { label: 'Région', value: 200, figures: [200, 4] },
          { label: 'France Travail', value: 50, valueText: '50 + 1 non préc.', figures: [50, 2] },
        ]}
      />,
    );
    expect(html).toContain('<figure class="psl-bars" aria-labelledby="par-financeur">');
    expect(html).toContain('<div aria-hidden="true">');
    expect(html).toContain('width="100"');
    expect(html).toContain('width="25"');
    expect(html).toContain('<span class="psl-bar__value">50 + 1 non préc.</span>');
    expect(html).toContain('<caption>Places par financeur</caption>');
    expect(html).toContain('<th scope="col" class="fr-cell--right fr-cell--multiline">Actions</th>');
    expect(html).toMatch(
      /<td>Région<\/td><td class="fr-cell--right">200<\/td><td class="fr-cell--right">4<\/td>/,
    );
  });
});

describe('Pagination', () => {
  it('numbers the pages, keeps the filters, and says which page is shown', async () => {
    const html = await render(
      <Pagination
        page={2}
        total={95}
        pageSize={10}
        baseQuery={new URLSearchParams({ q: 'soudeur' })}
        path="/x"
      />,
    );
    expect(html).toContain('<nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">');
    expect(html).toContain('href="/x?q=soudeur" title="Page 1"');
    expect(html).toContain('href="/x?q=soudeur&page=2" title="Page 2" aria-current="page"');
    expect(html).toContain('title="Page 10"');
    expect(html).toContain('Page suivante');
  });

  it('is absent when everything fits on one page', async () => {
    expect(
      await render(
        <Pagination page={1} total={3} pageSize={10} baseQuery={new URLSearchParams()} path="/x" />,
      ),
    ).toBe('');
  });
});

describe('Accordion', () => {
  it('ties its button to the block it shows', async () => {
    const html = await render(
      <Accordion id="plus" title="Plus de critères" open level={3}>
        <p>Dedans</p>
      </Accordion>,
    );
    expect(html).toContain('<h3 class="fr-accordion__title">');
    expect(html).toContain('aria-expanded="true" aria-controls="plus"');
    expect(html).toContain('<div class="fr-collapse fr-collapse--expanded" id="plus"><p>Dedans</p></div>');
    const closed = await render(<Accordion id="plus" title="Plus" />);
    expect(closed).toContain('aria-expanded="false"');
    expect(closed).toContain('<h2 class="fr-accordion__title">');
  });
});

describe('small components', () => {
  it('renders badges, a buttons group without empty items, tags and a callout, text escaped', async () => {
    expect(await render(<Badges small badges={[{ text: 'A<B', kind: 'info' }, { text: 'C' }]} />)).toBe(
      '<ul class="fr-badges-group"><li><p class="fr-badge fr-badge--sm fr-badge--info">A&lt;B</p></li>' +
        '<li><p class="fr-badge fr-badge--sm">C</p></li></ul>',
    );
    expect(await render(<Badges badges={[]} />)).toBe('');
    const buttons = await render(
      <ButtonsGroup class="fr-btns-group--inline-md">
        <a href="/a">A</a>
        {''}
        <a href="/b">B</a>
      </ButtonsGroup>,
    );
    expect(buttons).toBe(
      '<ul class="fr-btns-group fr-btns-group--inline-md"><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul>',
    );
    const tags = await render(<TagLinks tags={[{ text: 'Lyon (69)', href: '/f?c=1', current: true }]} />);
    expect(tags).toContain('<a class="fr-tag fr-tag--sm" href="/f?c=1" aria-current="true">Lyon (69)</a>');
    const callout = await render(<Callout title="Organisme" text="Adresse" />);
    expect(callout).toContain('<h2 class="fr-callout__title">Organisme</h2>');
  });
});
