import type { Children } from '@kitajs/html';

/**
 * The DSFR accordion (fr-accordion, https://www.systeme-de-design.gouv.fr/elements-d-interface/composants/accordeon):
 * a button that shows or hides a block. Without JavaScript the block is shown when `open`; a page
 * opens it when it holds something the person must see (a filled search criterion, issue 9 §4).
 */
export function Accordion(p: {
  /** The id of the block the button controls. */
  id: string;
  title: string;
  open?: boolean;
  /** The heading level of the button's title, as the page's outline needs it. */
  level?: 2 | 3 | 4;
  class?: string;
  children?: Children;
}) {
  const heading = `h${p.level ?? 2}`;
  return (
    <section class={`fr-accordion${p.class ? ` ${p.class}` : ''}`}>
      <tag of={heading} class="fr-accordion__title">
        <button
          type="button"
          class="fr-accordion__btn"
          aria-expanded={p.open ? 'true' : 'false'}
          aria-controls={p.id}
          safe
        >
          {p.title}
        </button>
      </tag>
      <div class={`fr-collapse${p.open ? ' fr-collapse--expanded' : ''}`} id={p.id}>
        {p.children as 'safe'}
      </div>
    </section>
  );
}
