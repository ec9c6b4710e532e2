import { ButtonsGroup } from './components.js';

/** The small pieces every form and page of the service repeats: its CSRF token, one-button forms, button links. */

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/**
 * A button's words, then what it acts on for screen readers only (« Révoquer le jeton X »): sighted
 * users see the object in the row beside the button. Each action button and link of a row says it.
 */
export function ActionLabel(p: { label: string; object: string }) {
  return (
    <>
      <span safe>{p.label}</span>
      <span class="fr-sr-only" safe>{` ${p.object}`}</span>
    </>
  );
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
        <ActionLabel label={p.label} object={p.object} />
      </button>
    </form>
  );
}

/**
 * Links that read as buttons, side by side from medium screens (DSFR « groupe de boutons »): the
 * first is the page's main action, the others secondary.
 */
export function LinkButtons(p: { links: { href: string; label: string }[]; class?: string }) {
  return (
    <ButtonsGroup class={`fr-btns-group--inline-md${p.class ? ` ${p.class}` : ''}`}>
      {p.links.map((l, i) => (
        <a class={`fr-btn${i > 0 ? ' fr-btn--secondary' : ''}`} href={l.href} safe>
          {l.label}
        </a>
      ))}
    </ButtonsGroup>
  );
}
