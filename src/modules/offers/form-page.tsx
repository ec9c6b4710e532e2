import type { AppError } from '../../shared/errors.js';
import {
  Alert,
  ButtonsGroup,
  CheckboxField,
  CheckboxGroup,
  FieldGrid,
  Fieldset,
  InputField,
  RadioGroup,
  SelectField,
  TextareaField,
} from '../../web/components.js';
import { formValue, formValues } from '../../web/context.js';
import { suggested } from '../../web/form.js';
import { CsrfField } from '../../web/layout.js';
import type { OfferFields } from './input.js';
import {
  CONTRACT_TYPES,
  DRIVING_LICENCES,
  EDUCATION_LEVELS,
  EXPERIENCE,
  type SkillRequirement,
  WORKING_TIMES,
} from './rules.js';

/** Skill slots of the form: three required, three wished (the API takes up to 30). */
export const SKILL_SLOTS: readonly { name: string; requirement: SkillRequirement; label: string }[] = [
  ...[1, 2, 3].map((i) => ({
    name: `requiredSkill${i}`,
    requirement: 'required' as const,
    label: `Compétence exigée ${i}`,
  })),
  ...[1, 2, 3].map((i) => ({
    name: `wishedSkill${i}`,
    requirement: 'wished' as const,
    label: `Compétence souhaitée ${i}`,
  })),
];

const labels = (o: Record<string, string | { label: string }>): [string, string][] =>
  Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : v.label]);
const choices = (o: Record<string, string>) => Object.entries(o).map(([value, label]) => ({ value, label }));

/** « 1 800,50 » € as cents; a text that is no amount stays NaN, refused by the service naming its field. */
function euros(text: string): number | null {
  const t = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!t) return null;
  return /^\d+(\.\d{1,2})?$/.test(t) ? Math.round(Number(t) * 100) : Number.NaN;
}
function numberOrNull(text: string): number | null {
  const t = text.trim().replace(',', '.');
  return t ? Number(t) : null;
}

/** An offer form as the service's input, the form's field of each skill kept to name it back. */
export function offerFromForm(body: unknown): {
  fields: OfferFields;
  skillSlots: string[];
  publish: boolean;
} {
  const v = (name: string) => formValue(body, name).trim();
  const skills: NonNullable<OfferFields['skills']> = [];
  const skillSlots: string[] = [];
  for (const slot of SKILL_SLOTS) {
    const code = v(slot.name);
    if (code) {
      skills.push({ code, requirement: slot.requirement });
      skillSlots.push(slot.name);
    }
  }
  return {
    fields: {
      appellationCode: v('appellationCode'),
      title: v('title'),
      description: formValue(body, 'description'),
      communeCode: v('communeCode') || null,
      remote: v('remote') === 'true',
      contractType: v('contractType') as OfferFields['contractType'],
      durationMonths: numberOrNull(v('durationMonths')),
      workingTime: (v('workingTime') || null) as OfferFields['workingTime'],
      weeklyHours: numberOrNull(v('weeklyHours')),
      salaryMinCents: euros(v('salaryMin')),
      salaryMaxCents: euros(v('salaryMax')),
      positions: numberOrNull(v('positions')) ?? 1,
      startDate: v('startDate') || null,
      expiresOn: v('expiresOn') || null,
      skills,
      drivingLicences: formValues(body, 'drivingLicences') as OfferFields['drivingLicences'],
      experience: (v('experience') || 'D') as OfferFields['experience'],
      experienceMonths: numberOrNull(v('experienceMonths')),
      educationLevel: (v('educationLevel') || null) as OfferFields['educationLevel'],
      accessibleDisability: v('accessibleDisability') === 'true',
    },
    skillSlots,
    publish: v('publish') === 'true',
  };
}

const FORM_FIELDS: Record<string, string> = { salaryMinCents: 'salaryMin', salaryMaxCents: 'salaryMax' };

const cents = (c: number | null | undefined) =>
  c === null || c === undefined || Number.isNaN(c) ? '' : String(c / 100).replace('.', ',');

/**
 * The offer form, for a creation and an edit. The appellation, the commune and the skills are
 * typed as words and chosen among suggestions (ROME 4.0 labels): the code is what is sent.
 */
export function OfferForm(p: {
  action: string;
  csrf: string;
  values: Partial<OfferFields>;
  error: AppError | null;
  skillSlots?: string[];
  version?: number;
  /** A creation offers « Enregistrer le brouillon » and « Publier ». */
  creation: boolean;
}) {
  const v = p.values;
  const at = p.error?.field ? /^skills\/(\d+)/.exec(p.error.field) : null;
  const errorField = at
    ? p.skillSlots?.[Number(at[1])]
    : p.error?.field
      ? (FORM_FIELDS[p.error.field] ?? p.error.field.split('/')[0])
      : undefined;
  const errorOn = (name: string) => (errorField === name ? p.error?.message : undefined);
  const skillValue = (slot: (typeof SKILL_SLOTS)[number]) => {
    const same = (v.skills ?? []).filter((s) => s.requirement === slot.requirement);
    return same[Number(slot.name.slice(-1)) - 1]?.code;
  };
  return (
    <form method="post" action={p.action}>
      <CsrfField token={p.csrf} />
      {p.version !== undefined ? <input type="hidden" name="version" value={String(p.version)} /> : ''}
      {p.error ? <Alert kind="error" title="Enregistrement impossible" text={p.error.message} focus /> : ''}
      <Fieldset id="poste" legend="Le poste">
        <InputField
          name="appellationCode"
          label="Métier (appellation ROME)"
          hint="Tapez le début du métier puis choisissez, ex. « agent de propreté » ; le métier ROME en est déduit"
          value={v.appellationCode}
          required
          error={errorOn('appellationCode')}
          {...suggested('/appellations/suggestions', 'appellations-suggerees')}
        />
        <datalist id="appellations-suggerees" />
        <InputField
          name="title"
          label="Intitulé de l’offre"
          value={v.title}
          required
          error={errorOn('title')}
        />
        <TextareaField
          name="description"
          label="Description"
          value={v.description}
          rows={8}
          required
          error={errorOn('description')}
        />
      </Fieldset>
      <Fieldset id="lieu" legend="Lieu de travail">
        <InputField
          name="communeCode"
          label="Commune"
          hint="Saisissez le nom ou le code postal puis choisissez ; ou le code INSEE"
          value={v.communeCode}
          error={errorOn('communeCode')}
          {...suggested('/communes/suggestions', 'communes-suggerees')}
        />
        <datalist id="communes-suggerees" />
        <CheckboxField name="remote" value="true" label="Télétravail complet" checked={v.remote === true} />
      </Fieldset>
      <Fieldset id="contrat" legend="Contrat">
        <FieldGrid col="fr-col-12 fr-col-md-4">
          <SelectField
            name="contractType"
            label="Type de contrat"
            options={labels(CONTRACT_TYPES)}
            value={v.contractType ?? 'CDI'}
            error={errorOn('contractType')}
          />
          <InputField
            name="durationMonths"
            type="number"
            label="Durée (mois)"
            hint="Contrats à durée déterminée"
            value={v.durationMonths?.toString()}
            error={errorOn('durationMonths')}
          />
          <InputField
            name="positions"
            type="number"
            label="Nombre de postes"
            value={String(v.positions ?? 1)}
            required
            error={errorOn('positions')}
          />
          <SelectField
            name="workingTime"
            label="Temps de travail"
            placeholder="Non précisé"
            options={labels(WORKING_TIMES)}
            value={v.workingTime ?? null}
            error={errorOn('workingTime')}
          />
          <InputField
            name="weeklyHours"
            label="Heures par semaine"
            value={v.weeklyHours?.toString()}
            error={errorOn('weeklyHours')}
          />
          <InputField
            name="startDate"
            type="date"
            label="Date de début"
            value={v.startDate}
            error={errorOn('startDate')}
          />
          <InputField
            name="salaryMin"
            label="Salaire mensuel brut minimum (€)"
            value={cents(v.salaryMinCents)}
            error={errorOn('salaryMin')}
          />
          <InputField
            name="salaryMax"
            label="Salaire mensuel brut maximum (€)"
            value={cents(v.salaryMaxCents)}
            error={errorOn('salaryMax')}
          />
          <InputField
            name="expiresOn"
            type="date"
            label="Date d’expiration"
            hint="60 jours après la publication si vide"
            value={v.expiresOn}
            error={errorOn('expiresOn')}
          />
        </FieldGrid>
      </Fieldset>
      <Fieldset
        id="competences"
        legend="Compétences (ROME 4.0)"
        hint="Tapez le début d’une compétence puis choisissez dans la liste"
      >
        <FieldGrid col="fr-col-12 fr-col-md-4">
          {SKILL_SLOTS.map((slot) => (
            <InputField
              name={slot.name}
              label={slot.label}
              value={skillValue(slot)}
              error={errorOn(slot.name)}
              {...suggested('/offres/competences-suggerees', `competences-${slot.name}`)}
            />
          ))}
        </FieldGrid>
        {SKILL_SLOTS.map((slot) => (
          <datalist id={`competences-${slot.name}`} />
        ))}
      </Fieldset>
      <Fieldset id="profil" legend="Profil recherché">
        <RadioGroup
          name="experience"
          legend="Expérience"
          inline
          choices={choices(EXPERIENCE)}
          value={v.experience ?? 'D'}
          error={errorOn('experience')}
        />
        <FieldGrid col="fr-col-12 fr-col-md-6">
          <InputField
            name="experienceMonths"
            type="number"
            label="Expérience demandée (mois)"
            value={v.experienceMonths?.toString()}
            error={errorOn('experienceMonths')}
          />
          <SelectField
            name="educationLevel"
            label="Niveau de formation"
            placeholder="Aucun niveau exigé"
            options={labels(EDUCATION_LEVELS)}
            value={v.educationLevel ?? null}
            error={errorOn('educationLevel')}
          />
        </FieldGrid>
        <CheckboxGroup
          name="drivingLicences"
          legend="Permis exigés"
          inline
          choices={choices(DRIVING_LICENCES)}
          values={v.drivingLicences ?? []}
          error={errorOn('drivingLicences')}
        />
        <CheckboxField
          name="accessibleDisability"
          value="true"
          label="Poste accessible aux personnes en situation de handicap"
          checked={v.accessibleDisability === true}
        />
      </Fieldset>
      <ButtonsGroup class="fr-btns-group--inline-md">
        {p.creation ? (
          <>
            <button type="submit" class="fr-btn fr-btn--secondary">
              Enregistrer le brouillon
            </button>
            <button type="submit" class="fr-btn" name="publish" value="true">
              Publier l’offre
            </button>
          </>
        ) : (
          <button type="submit" class="fr-btn">
            Enregistrer
          </button>
        )}
      </ButtonsGroup>
    </form>
  );
}
