import type { AppError } from '../../shared/errors.js';
import {
  Alert,
  CheckboxField,
  CheckboxGroup,
  FieldGrid,
  Fieldset,
  InputField,
  RadioGroup,
  SelectField,
  TextareaField,
} from '../../web/components.js';
import { suggested } from '../../web/form.js';
import { CsrfField } from '../../web/layout.js';
import { PAST_SLOTS, WANTED_SLOTS } from './form-values.js';
import {
  BARRIERS,
  CIVILITIES,
  CONTRACT_TYPES,
  DRIVING_LICENCES,
  EDUCATION_LEVELS,
  LEGAL_BASES,
  MOBILITY_MEANS,
  REGISTERED_CATEGORIES,
  SITUATIONS,
  sensitiveBarriers,
  sensitiveSituations,
  WORKING_TIMES,
} from './rules.js';
import type { PersonInput } from './schemas.js';
import { type SkillChoice, SkillsField } from './skills-field.js';

const options = (o: Record<string, string>): [string, string][] => Object.entries(o);
const choices = (o: Record<string, string | { label: string }>, sensitive: readonly string[] = []) =>
  Object.entries(o).map(([value, l]) => ({
    value,
    label: typeof l === 'string' ? l : l.label,
    hint: sensitive.includes(value) ? 'Sensible : vue par votre organisation seulement' : undefined,
  }));

/** The form field a service refusal names: `wantedJobs/0` is the first wanted job's input. */
function formField(field: string | undefined): string | undefined {
  const m = field ? /^(wantedJobs|pastJobs)\/(\d+)/.exec(field) : null;
  if (!m) return field;
  return `${m[1] === 'wantedJobs' ? 'wantedJob' : 'pastJob'}${Number(m[2]) + 1}`;
}

/**
 * The person form, for a creation and an edit (the referent organisation's). A possible duplicate
 * is summarised at the top (a warning naming only the organisations holding it, linking to the
 * confirmation) and confirmed by a box right above the submit button: a counsellor walk found the
 * box, first in the form, forgotten by the time they reached the button.
 */
export function PersonForm(p: {
  action: string;
  csrf: string;
  values: Partial<PersonInput>;
  error: AppError | null;
  version?: number;
  /** The creation was stopped by a possible duplicate: ask for the confirmation. */
  duplicate?: boolean;
  /** The skills offered as boxes (declared ones, core skills of the wanted jobs): skillChoices(). */
  skillChoices: SkillChoice[];
  submitLabel: string;
  /**
   * The saved file's codes in words (commune, appellations): the fields hold codes, which a
   * counsellor cannot read (« 42332 », « 11940 »), so each hint says what its code is.
   */
  known?: Record<string, string>;
}) {
  const v = p.values;
  const now = (code: string | null | undefined) =>
    code && p.known?.[code] ? `Aujourd’hui : ${p.known[code]}.` : undefined;
  const errorOn = (name: string) => (formField(p.error?.field) === name ? p.error?.message : undefined);
  const generalError = p.error && !p.duplicate ? p.error : null;
  return (
    <form method="post" action={p.action}>
      <CsrfField token={p.csrf} />
      {p.version !== undefined ? <input type="hidden" name="version" value={String(p.version)} /> : ''}
      {generalError ? (
        <Alert kind="error" title="Enregistrement impossible" text={generalError.message} focus />
      ) : (
        ''
      )}
      {p.duplicate && p.error ? (
        <div
          class="fr-alert fr-alert--warning fr-mb-3w"
          role="status"
          {...{ id: 'message-erreur', tabindex: '-1', autofocus: true }}
        >
          <h2 class="fr-alert__title">Un dossier existe peut-être déjà</h2>
          <p safe>{p.error.message}</p>
          <p>
            <a href="#confirmation-doublon">Confirmer la création, en bas du formulaire</a>
          </p>
        </div>
      ) : (
        ''
      )}
      <Fieldset id="identite" legend="Identité">
        <RadioGroup
          name="civility"
          legend="Civilité"
          inline
          choices={choices(CIVILITIES)}
          value={v.civility ?? null}
        />
        <FieldGrid col="fr-col-12 fr-col-md-6">
          <InputField
            name="lastName"
            label="Nom"
            value={v.lastName}
            required
            autocomplete="family-name"
            error={errorOn('lastName')}
          />
          <InputField
            name="firstName"
            label="Prénom"
            value={v.firstName}
            required
            autocomplete="given-name"
            error={errorOn('firstName')}
          />
          <InputField
            name="birthDate"
            type="date"
            label="Date de naissance"
            hint="15 ans au moins"
            value={v.birthDate}
            required
            error={errorOn('birthDate')}
          />
          <InputField
            name="franceTravailId"
            label="Identifiant France Travail"
            hint="Facultatif : 7 chiffres et un caractère, ou l’identifiant national de 11 caractères"
            value={v.franceTravailId}
            error={errorOn('franceTravailId')}
          />
          <InputField
            name="email"
            type="email"
            label="Adresse électronique"
            value={v.email}
            autocomplete="email"
            error={errorOn('email')}
          />
          <InputField
            name="phone"
            type="tel"
            label="Téléphone"
            value={v.phone}
            autocomplete="tel"
            error={errorOn('phone')}
          />
          <InputField
            name="communeCode"
            label="Commune de résidence"
            hint={`${now(v.communeCode) ?? ''} Tapez le nom de la commune et choisissez-la dans la liste (son code INSEE est enregistré)`.trim()}
            value={v.communeCode}
            error={errorOn('communeCode')}
            {...suggested('/communes/suggestions', 'communes-suggerees')}
          />
        </FieldGrid>
        <datalist id="communes-suggerees" />
      </Fieldset>
      <Fieldset id="situation" legend="Situation">
        <SelectField
          name="registeredCategory"
          label="Inscription à France Travail"
          placeholder="Aucune inscription connue"
          options={options(REGISTERED_CATEGORIES)}
          value={v.registeredCategory ?? null}
          error={errorOn('registeredCategory')}
        />
        <CheckboxGroup
          name="situations"
          legend="Situations"
          choices={choices(SITUATIONS, sensitiveSituations)}
          values={v.situations ?? []}
          error={errorOn('situations')}
        />
        <SelectField
          name="educationLevel"
          label="Niveau de formation"
          placeholder="Non renseigné"
          options={options(EDUCATION_LEVELS)}
          value={v.educationLevel ?? null}
          error={errorOn('educationLevel')}
        />
      </Fieldset>
      <Fieldset id="mobilite" legend="Mobilité et disponibilité">
        <CheckboxGroup
          name="drivingLicences"
          legend="Permis de conduire"
          inline
          choices={choices(DRIVING_LICENCES)}
          values={v.drivingLicences ?? []}
        />
        <CheckboxField name="hasVehicle" label="Dispose d’un véhicule" checked={v.hasVehicle ?? false} />
        <CheckboxGroup
          name="mobilityMeans"
          legend="Moyens de déplacement"
          inline
          choices={choices(MOBILITY_MEANS)}
          values={v.mobilityMeans ?? []}
        />
        <FieldGrid col="fr-col-12 fr-col-md-4">
          <InputField
            name="mobilityRadiusKm"
            type="number"
            label="Rayon de mobilité (km)"
            value={
              v.mobilityRadiusKm === undefined || v.mobilityRadiusKm === null
                ? ''
                : String(v.mobilityRadiusKm)
            }
            error={errorOn('mobilityRadiusKm')}
            extra={{ min: '0', max: '200' }}
          />
          <InputField
            name="availableFrom"
            type="date"
            label="Disponible à partir du"
            value={v.availableFrom}
            error={errorOn('availableFrom')}
          />
          <SelectField
            name="workingTime"
            label="Temps de travail"
            placeholder="Non précisé"
            options={options(WORKING_TIMES)}
            value={v.workingTime ?? null}
          />
        </FieldGrid>
        <CheckboxGroup
          name="contractTypes"
          legend="Types de contrat acceptés"
          inline
          choices={choices(CONTRACT_TYPES)}
          values={v.contractTypes ?? []}
        />
      </Fieldset>
      <Fieldset
        id="metiers"
        legend="Métiers recherchés (1 à 5) et expériences"
        hint="Tapez un métier (ex. aide-soignant) et choisissez-le dans la liste : son code d’appellation ROME est enregistré"
      >
        <datalist id="appellations-suggerees" />
        <FieldGrid col="fr-col-12 fr-col-md-4">
          {WANTED_SLOTS.map((i) => (
            <InputField
              name={`wantedJob${i}`}
              label={`Métier recherché ${i}`}
              hint={now(v.wantedJobs?.[i - 1])}
              value={v.wantedJobs?.[i - 1]}
              required={i === 1}
              error={errorOn(`wantedJob${i}`) ?? (i === 1 ? errorOn('wantedJobs') : undefined)}
              {...suggested('/appellations/suggestions', 'appellations-suggerees')}
            />
          ))}
        </FieldGrid>
        <FieldGrid col={PAST_SLOTS.flatMap(() => ['fr-col-12 fr-col-md-8', 'fr-col-12 fr-col-md-4'])}>
          {PAST_SLOTS.flatMap((i) => [
            <InputField
              name={`pastJob${i}`}
              label={`Expérience ${i} : métier`}
              hint={now(v.pastJobs?.[i - 1]?.appellationCode)}
              value={v.pastJobs?.[i - 1]?.appellationCode}
              error={errorOn(`pastJob${i}`)}
              {...suggested('/appellations/suggestions', 'appellations-suggerees')}
            />,
            <InputField
              name={`pastJob${i}Months`}
              type="number"
              label={`Expérience ${i} : durée (mois)`}
              value={v.pastJobs?.[i - 1] ? String(v.pastJobs[i - 1]!.months) : ''}
            />,
          ])}
        </FieldGrid>
      </Fieldset>
      <Fieldset
        id="competences-declarees"
        legend="Compétences"
        hint="Savoir-faire, savoir-être et savoirs du ROME 4.0 : leur code est enregistré, leur libellé affiché"
      >
        <SkillsField choices={p.skillChoices} values={v.skills ?? []} error={p.error} />
      </Fieldset>
      <CheckboxGroup
        name="barriers"
        legend="Freins périphériques à l’emploi"
        choices={choices(BARRIERS, sensitiveBarriers)}
        values={v.barriers ?? []}
        error={errorOn('barriers')}
      />
      <TextareaField
        name="notes"
        label="Notes"
        hint="Vues par votre organisation seulement"
        value={v.notes}
        error={errorOn('notes')}
      />
      <Fieldset id="rgpd" legend="Information de la personne (RGPD)">
        <RadioGroup
          name="legalBasis"
          legend="Base légale du traitement"
          choices={choices(LEGAL_BASES)}
          value={v.legalBasis ?? null}
          error={errorOn('legalBasis')}
        />
        <InputField
          name="informedOn"
          type="date"
          label="Date à laquelle la personne a été informée"
          value={v.informedOn}
          required
          error={errorOn('informedOn')}
        />
      </Fieldset>
      {p.duplicate && p.error ? (
        <div id="confirmation-doublon" class="fr-mb-2w">
          <CheckboxField
            name="confirmDuplicate"
            label="Il s’agit d’une autre personne, ou la personne souhaite un nouveau dossier : créer quand même"
            error="Cochez cette case pour créer le dossier malgré l’avertissement."
          />
        </div>
      ) : (
        ''
      )}
      <button type="submit" class="fr-btn" safe>
        {p.submitLabel}
      </button>
    </form>
  );
}
