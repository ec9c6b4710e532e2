import type { Children } from '@kitajs/html';
import { childList } from './children.js';
/**
 * DSFR form fields (https://www.systeme-de-design.gouv.fr/elements-d-interface/composants/champ-de-saisie,
 * /liste-deroulante, /case-a-cocher, /bouton-radio, /fieldset): a page composes them and writes no
 * field markup itself (STYLE.md, « DSFR markup comes from components in web/ »).
 *
 * Accessibility, the same for every field (RGAA 11.1, 11.2, 11.10): each control has a <label for>
 * (or, in a group, a <legend>); a refused value turns the field red and its message is tied to the
 * control by aria-describedby, so that a screen reader reads it with the field.
 */

/** The id of a field's control: `champ-<name>`, unless the page holds the same name twice. */
export const fieldId = (name: string, id?: string) => id ?? `champ-${name}`;
/** The id of a field's error message, the target of the control's aria-describedby. */
export const errorId = (id: string) => `${id}-erreur`;

const withClass = (base: string, extra?: string) => (extra ? `${base} ${extra}` : base);

/** What the label says: its text, « (obligatoire) », words for screen readers only, a hint. */
function LabelText(p: { label: string; required?: boolean; srSuffix?: string; hint?: string }) {
  return (
    <>
      <span safe>{p.label}</span>
      {p.required ? ' (obligatoire)' : ''}
      {/* Words that tell apart fields repeated on a row of a table (« État de la session du … »). */}
      {p.srSuffix ? (
        <span class="fr-sr-only" safe>
          {p.srSuffix}
        </span>
      ) : (
        ''
      )}
      {p.hint ? (
        <span class="fr-hint-text" safe>
          {p.hint}
        </span>
      ) : (
        ''
      )}
    </>
  );
}

function ErrorText(p: { id: string; error?: string }) {
  return p.error ? (
    <p id={errorId(p.id)} class="fr-error-text" safe>
      {p.error}
    </p>
  ) : (
    ''
  );
}

export interface FieldProps {
  name: string;
  label: string;
  value?: string | null;
  type?: string;
  hint?: string;
  error?: string;
  required?: boolean;
  autocomplete?: string;
  list?: string;
  /** The control's id when `champ-<name>` is not unique on the page. */
  id?: string;
  /** Words added to the label for screen readers only (fields repeated on each row of a table). */
  srSuffix?: string;
  /** More classes on the group (spacing). */
  class?: string;
  /** Other attributes of the control (min, htmx attributes). */
  extra?: Record<string, string>;
}

type GroupProps = Pick<FieldProps, 'label' | 'hint' | 'error' | 'required' | 'srSuffix' | 'class'>;

/** What every field has around its control: the group, the label, the error message under it. */
function FieldGroup(p: GroupProps & { kind: 'input' | 'select'; id: string; children: Children }) {
  return (
    <div class={withClass(`fr-${p.kind}-group${p.error ? ` fr-${p.kind}-group--error` : ''}`, p.class)}>
      <label class="fr-label" for={p.id}>
        <LabelText label={p.label} required={p.required} srSuffix={p.srSuffix} hint={p.hint} />
      </label>
      {p.children as 'safe'}
      <ErrorText id={p.id} error={p.error} />
    </div>
  );
}

/** A DSFR text input (fr-input-group) with its label, hint and error message. */
export function InputField(p: FieldProps) {
  const id = fieldId(p.name, p.id);
  return (
    <FieldGroup {...p} kind="input" id={id}>
      <input
        class={`fr-input${p.error ? ' fr-input--error' : ''}`}
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        required={p.required}
        autocomplete={p.autocomplete}
        list={p.list}
        aria-describedby={p.error ? errorId(id) : undefined}
        {...(p.extra ?? {})}
      />
    </FieldGroup>
  );
}

/** A DSFR text area: an input group whose control is a <textarea>. */
export function TextareaField(p: Omit<FieldProps, 'type' | 'list' | 'autocomplete'> & { rows?: number }) {
  const id = fieldId(p.name, p.id);
  return (
    <FieldGroup {...p} kind="input" id={id}>
      <textarea
        class={`fr-input${p.error ? ' fr-input--error' : ''}`}
        id={id}
        name={p.name}
        rows={String(p.rows ?? 5)}
        required={p.required}
        aria-describedby={p.error ? errorId(id) : undefined}
        {...(p.extra ?? {})}
        safe
      >
        {p.value ?? ''}
      </textarea>
    </FieldGroup>
  );
}

/** A DSFR select (fr-select-group); `placeholder` adds a first option of empty value (« Tous »). */
export function SelectField(
  p: GroupProps & {
    name: string;
    /** [value, label] pairs, in the order shown. */
    options: [string, string][];
    value?: string | null;
    placeholder?: string;
    id?: string;
  },
) {
  const id = fieldId(p.name, p.id);
  return (
    <FieldGroup {...p} kind="select" id={id}>
      <select
        class={`fr-select${p.error ? ' fr-select--error' : ''}`}
        id={id}
        name={p.name}
        required={p.required}
        aria-describedby={p.error ? errorId(id) : undefined}
      >
        {p.placeholder !== undefined ? (
          <option value="" safe>
            {p.placeholder}
          </option>
        ) : (
          ''
        )}
        {p.options.map(([value, label]) => (
          <option value={value} selected={value === p.value} safe>
            {label}
          </option>
        ))}
      </select>
    </FieldGroup>
  );
}

/**
 * The DSFR message area of a checkbox or a group (fr-messages-group, DSFR ≥ 1.12): always present,
 * so that a message appearing in it is announced (aria-live).
 */
function Messages(p: { id: string; error?: string }) {
  return (
    <div class="fr-messages-group" id={p.id} aria-live="assertive">
      {p.error ? (
        <p class="fr-message fr-message--error" id={errorId(p.id)} safe>
          {p.error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

/** One checkbox on its own (a confirmation, a yes/no filter), with its hint and error. */
export function CheckboxField(p: {
  name: string;
  label: string;
  checked?: boolean;
  /** What the form sends when checked. */
  value?: string;
  hint?: string;
  error?: string;
  required?: boolean;
  id?: string;
  class?: string;
}) {
  const id = fieldId(p.name, p.id);
  return (
    <div class={withClass(`fr-checkbox-group${p.error ? ' fr-checkbox-group--error' : ''}`, p.class)}>
      <input
        type="checkbox"
        id={id}
        name={p.name}
        value={p.value ?? 'true'}
        checked={p.checked}
        required={p.required}
        aria-describedby={`${id}-messages`}
      />
      <label class="fr-label" for={id}>
        <LabelText label={p.label} required={p.required} hint={p.hint} />
      </label>
      <Messages id={`${id}-messages`} error={p.error} />
    </div>
  );
}

/**
 * A DSFR fieldset: a legend over related fields, each child in its fr-fieldset__element. A refusal
 * that concerns the group (none chosen) is said under it, and the fieldset is described by it.
 */
export function Fieldset(p: {
  /** The fieldset's id; its legend and message ids derive from it. */
  id: string;
  legend: string;
  hint?: string;
  error?: string;
  /** Elements side by side (short fields, radio buttons of a few words). */
  inline?: boolean;
  class?: string;
  children?: Children;
}) {
  const children = childList(p.children);
  const element = `fr-fieldset__element${p.inline ? ' fr-fieldset__element--inline' : ''}`;
  return (
    <fieldset
      class={withClass(`fr-fieldset${p.error ? ' fr-fieldset--error' : ''}`, p.class)}
      id={p.id}
      aria-labelledby={`${p.id}-legende`}
      aria-describedby={p.error ? errorId(`${p.id}-messages`) : undefined}
    >
      <legend class="fr-fieldset__legend" id={`${p.id}-legende`}>
        <LabelText label={p.legend} hint={p.hint} />
      </legend>
      {children.map((c) => (
        <div class={element}>{c as 'safe'}</div>
      ))}
      <Messages id={`${p.id}-messages`} error={p.error} />
    </fieldset>
  );
}

/** A choice of a group: what the form sends, what the person reads, and an optional hint. */
export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

interface ChoiceGroupProps {
  name: string;
  legend: string;
  choices: Choice[];
  hint?: string;
  error?: string;
  inline?: boolean;
  /** The fieldset's id and the prefix of its inputs' ids (`<id>-<value>`); the name by default. */
  id?: string;
  class?: string;
}

/** Radio buttons or checkboxes in a fieldset, each input with its label (`<id>-<value>`). */
function ChoiceGroup(
  p: ChoiceGroupProps & { type: 'radio' | 'checkbox'; isChecked: (value: string) => boolean },
) {
  const id = p.id ?? p.name;
  return (
    <Fieldset id={id} legend={p.legend} hint={p.hint} error={p.error} inline={p.inline} class={p.class}>
      {p.choices.map((c) => (
        <div class={`fr-${p.type}-group`}>
          <input
            type={p.type}
            id={`${id}-${c.value}`}
            name={p.name}
            value={c.value}
            checked={p.isChecked(c.value)}
          />
          <label class="fr-label" for={`${id}-${c.value}`}>
            <LabelText label={c.label} hint={c.hint} />
          </label>
        </div>
      ))}
    </Fieldset>
  );
}

/** Radio buttons in a fieldset: one choice among a few (DSFR « bouton radio »). */
export function RadioGroup(p: ChoiceGroupProps & { value?: string | null }) {
  return <ChoiceGroup {...p} type="radio" isChecked={(value) => value === p.value} />;
}

/** Checkboxes in a fieldset: any number of choices among a few (DSFR « case à cocher »). */
export function CheckboxGroup(p: ChoiceGroupProps & { values?: readonly string[] }) {
  return <ChoiceGroup {...p} type="checkbox" isChecked={(value) => p.values?.includes(value) ?? false} />;
}

/**
 * Fields on the DSFR grid (fr-grid-row--gutters), each child in its column. `col` is the column
 * class of every child, or one per child in order (the last one serving for the rest).
 */
export function FieldGrid(p: { col: string | string[]; class?: string; children?: Children }) {
  const children = childList(p.children);
  const cols = Array.isArray(p.col) ? p.col : [p.col];
  return (
    <div class={withClass('fr-grid-row fr-grid-row--gutters', p.class)}>
      {children.map((c, i) => (
        <div class={cols[Math.min(i, cols.length - 1)]}>{c as 'safe'}</div>
      ))}
    </div>
  );
}

/**
 * A field suggested as it is typed: htmx asks `url` for the <option>s of what is typed (the field
 * sends its own name and value) and fills the <datalist id={list}> the page renders once; the label
 * is shown, the code sent. Spread into InputField: `<InputField … {...suggested(url, list)} />`.
 */
export function suggested(url: string, list: string) {
  return {
    list,
    extra: {
      'hx-get': url,
      'hx-trigger': 'input changed delay:250ms',
      'hx-target': `#${list}`,
      'hx-swap': 'innerHTML',
      autocomplete: 'off',
    },
  };
}
