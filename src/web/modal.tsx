import type { Children } from '@kitajs/html';
import { ButtonsGroup } from './components.js';
import { ActionLabel, CsrfField } from './form-actions.js';

/**
 * A DSFR modal (https://www.systeme-de-design.gouv.fr/elements-d-interface/composants/modale): a
 * `dialog` that the DSFR script opens from any button whose `aria-controls` is its id, titled by
 * its heading for screen readers. Without JavaScript it never opens: whoever uses one gives the
 * same content another way (`ConfirmationModal` links to a confirmation page).
 */
export function Modal(p: { id: string; title: string; children?: Children; footer?: Children }) {
  return (
    <dialog id={p.id} class="fr-modal" aria-labelledby={`${p.id}-titre`}>
      <div class="fr-container fr-container--fluid fr-container-md">
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <div class="fr-modal__body">
              <div class="fr-modal__header">
                <button type="button" class="fr-btn--close fr-btn" aria-controls={p.id} title="Fermer">
                  Fermer
                </button>
              </div>
              <div class="fr-modal__content">
                <h2 id={`${p.id}-titre`} class="fr-modal__title" safe>
                  {p.title}
                </h2>
                {p.children as 'safe'}
              </div>
              {p.footer ? <div class="fr-modal__footer">{p.footer as 'safe'}</div> : ''}
            </div>
          </div>
        </div>
      </div>
    </dialog>
  );
}

/** What a confirmation says, word for word the same in the modal and on the page without JavaScript. */
export interface Confirmation {
  question: string;
  consequence: string;
  confirmLabel: string;
}

/**
 * A destructive action (remove a member, revoke a token, cancel an invitation) asks first. With
 * JavaScript, the button opens a DSFR modal holding the confirming form; without it, the same
 * button is a link to a confirmation page (`confirmUrl`, a GET rendering `ConfirmationPage`), so
 * one click never destroys anything either way.
 */
export function ConfirmationModal(
  p: Confirmation & {
    /** Unique on the page: the modal's id. */
    id: string;
    /** Where the confirming form posts. */
    action: string;
    /** The confirmation page without JavaScript: by default the action's own address, read with GET. */
    confirmUrl?: string;
    csrf: string;
    label: string;
    /** What the button acts on, read after its label by screen readers only. */
    object: string;
  },
) {
  const modal = `confirmation-${p.id}`;
  return (
    <>
      <a class="fr-btn fr-btn--sm fr-btn--secondary psl-sans-js" href={p.confirmUrl ?? p.action}>
        <ActionLabel label={p.label} object={p.object} />
      </a>
      <button
        type="button"
        class="fr-btn fr-btn--sm fr-btn--secondary psl-avec-js"
        data-fr-opened="false"
        aria-controls={modal}
      >
        <ActionLabel label={p.label} object={p.object} />
      </button>
      <Modal
        id={modal}
        title={p.question}
        footer={
          <ConfirmationButtons
            action={p.action}
            csrf={p.csrf}
            confirmLabel={p.confirmLabel}
            cancel={{ modal }}
          />
        }
      >
        <p safe>{p.consequence}</p>
      </Modal>
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
      <ButtonsGroup class="fr-btns-group--inline-md fr-btns-group--right">
        {'modal' in p.cancel ? (
          <button type="button" class="fr-btn fr-btn--secondary" aria-controls={p.cancel.modal}>
            Annuler
          </button>
        ) : (
          <a class="fr-btn fr-btn--secondary" href={p.cancel.href}>
            Annuler
          </a>
        )}
        <button type="submit" class="fr-btn" safe>
          {p.confirmLabel}
        </button>
      </ButtonsGroup>
    </form>
  );
}

/** The confirmation page a `ConfirmationModal` link leads to without JavaScript. */
export function ConfirmationPage(
  p: Confirmation & {
    action: string;
    csrf: string;
    cancelHref: string;
  },
) {
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
