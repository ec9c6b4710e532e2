import { describe, expect, it } from 'vitest';
import {
  CheckboxField,
  CheckboxGroup,
  FieldGrid,
  Fieldset,
  InputField,
  RadioGroup,
  SelectField,
  TextareaField,
} from './form.js';

const render = async (element: JSX.Element) => String(await element);

describe('form fields', () => {
  it('ties an input to its label, and a refused value to its message', async () => {
    const ok = await render(
      <InputField name="email" label="Adresse électronique" required hint="nom@domaine.fr" />,
    );
    expect(ok).toContain('<label class="fr-label" for="champ-email">');
    expect(ok).toContain('id="champ-email"');
    expect(ok).toContain(' (obligatoire)');
    expect(ok).toContain('<span class="fr-hint-text">nom@domaine.fr</span>');
    expect(ok).not.toContain('aria-describedby');

    const refused = await render(<InputField name="email" label="Adresse" error="Adresse <invalide>" />);
    expect(refused).toContain('fr-input-group--error');
    expect(refused).toContain('class="fr-input fr-input--error"');
    expect(refused).toContain('aria-describedby="champ-email-erreur"');
    expect(refused).toContain('<p id="champ-email-erreur" class="fr-error-text">Adresse &lt;invalide></p>');
  });

  it('lets a page name the control and add words for screen readers only', async () => {
    const html = await render(
      <InputField name="placesRemaining" id="places-1" label="Places" srSuffix=" de la session du 4 mai" />,
    );
    expect(html).toContain('for="places-1"');
    expect(html).toContain('id="places-1"');
    expect(html).toContain('<span class="fr-sr-only"> de la session du 4 mai</span>');
  });

  it('renders a text area with its value escaped', async () => {
    const html = await render(
      <TextareaField name="content" label="Contenu" value="<b>x</b>" error="Trop court" />,
    );
    expect(html).toMatch(
      /<textarea class="fr-input fr-input--error" id="champ-content" name="content" rows="5"/,
    );
    expect(html).toContain('&lt;b>x&lt;/b></textarea>');
    expect(html).toContain('aria-describedby="champ-content-erreur"');
  });

  it('selects the current option, after the placeholder', async () => {
    const html = await render(
      <SelectField
        name="radiusKm"
        label="Rayon"
        value="30"
        placeholder="Tous"
        options={[
          ['10', '10 km'],
          ['30', '30 km'],
        ]}
        error="Rayon invalide"
      />,
    );
    expect(html).toContain('for="champ-radiusKm"');
    expect(html).toMatch(
      /<option value="">Tous<\/option><option value="10">10 km<\/option><option value="30" selected>/,
    );
    expect(html).toContain('fr-select-group--error');
    expect(html).toContain('aria-describedby="champ-radiusKm-erreur"');
  });

  it('renders one checkbox with its message area', async () => {
    const html = await render(
      <CheckboxField name="acknowledge" label="Je confirme" value="oui" checked error="Cochez la case" />,
    );
    expect(html).toContain('fr-checkbox-group fr-checkbox-group--error');
    expect(html).toContain(
      '<input type="checkbox" id="champ-acknowledge" name="acknowledge" value="oui" checked',
    );
    expect(html).toContain('aria-describedby="champ-acknowledge-messages"');
    expect(html).toContain('id="champ-acknowledge-messages" aria-live="assertive"');
    expect(html).toContain('fr-message fr-message--error');
  });

  it('groups fields under a legend, the group described by its error', async () => {
    const html = await render(
      <Fieldset id="session" legend="Ajouter une session" inline error="Dates obligatoires">
        <InputField name="start" label="Début" type="date" />
        {''}
        <InputField name="end" label="Fin" type="date" />
      </Fieldset>,
    );
    expect(html).toContain(
      'class="fr-fieldset fr-fieldset--error" id="session" aria-labelledby="session-legende"',
    );
    expect(html).toContain('aria-describedby="session-messages-erreur"');
    expect(html).toContain('<legend class="fr-fieldset__legend" id="session-legende">');
    expect(html).toContain('<p class="fr-message fr-message--error" id="session-messages-erreur">');
    // Two fields, two elements: the empty child leaves no empty element.
    expect(html.match(/fr-fieldset__element fr-fieldset__element--inline/g)).toHaveLength(2);
  });

  it('renders radio buttons and checkboxes as groups, each input with its label', async () => {
    const choices = [
      { value: 'partial', label: 'Mise à jour' },
      { value: 'full', label: 'Flux complet', hint: 'Retire ce qui manque' },
    ];
    const radios = await render(
      <RadioGroup name="mode" legend="Nature du flux" choices={choices} value="full" />,
    );
    expect(radios).toContain('<input type="radio" id="mode-partial" name="mode" value="partial"/>');
    expect(radios).toContain('<input type="radio" id="mode-full" name="mode" value="full" checked/>');
    expect(radios).toContain('<label class="fr-label" for="mode-full">');
    expect(radios).toContain('<span class="fr-hint-text">Retire ce qui manque</span>');
    expect(radios).toContain('<legend class="fr-fieldset__legend" id="mode-legende">');

    const boxes = await render(
      <CheckboxGroup name="funder" legend="Financeurs" choices={choices} values={['partial']} />,
    );
    expect(boxes).toContain('class="fr-checkbox-group"');
    expect(boxes).toContain(
      '<input type="checkbox" id="funder-partial" name="funder" value="partial" checked/>',
    );
    expect(boxes).not.toContain('value="full" checked');
  });

  it('puts each field in its column of the grid', async () => {
    const html = await render(
      <FieldGrid col={['fr-col-12 fr-col-md-6', 'fr-col-12 fr-col-md-3']}>
        <p>a</p>
        <p>b</p>
        <p>c</p>
      </FieldGrid>,
    );
    expect(html).toBe(
      '<div class="fr-grid-row fr-grid-row--gutters"><div class="fr-col-12 fr-col-md-6"><p>a</p></div>' +
        '<div class="fr-col-12 fr-col-md-3"><p>b</p></div><div class="fr-col-12 fr-col-md-3"><p>c</p></div></div>',
    );
  });
});
