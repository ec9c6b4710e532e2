import { formValue, formValues } from '../../web/context.js';
import { DECLARED_SKILLS } from './rules.js';
import type { PersonInput } from './schemas.js';

/** Slots of the form: wanted jobs (issue 10: 1 to 5) and past jobs. */
export const WANTED_SLOTS = [1, 2, 3, 4, 5] as const;
export const PAST_SLOTS = [1, 2, 3] as const;

/** Empty fields of the form for skills not offered as boxes: typed in words, chosen in the list. */
export const SKILL_SLOTS = [1, 2, 3, 4] as const;

/**
 * The declared skills of a form: the boxes ticked (`skills`, codes the page rendered) then the
 * typed fields (`skill1`…), in that order, so that a refusal `skills/N` names a field back
 * (SkillsField). A form shown again may have more fields than SKILL_SLOTS (all the codes it could
 * not offer as boxes): up to DECLARED_SKILLS.max are read.
 */
export function skillsFromForm(body: unknown): string[] {
  const typed = Array.from({ length: DECLARED_SKILLS.max }, (_, i) => formValue(body, `skill${i + 1}`));
  return [...new Set([...formValues(body, 'skills'), ...typed.filter(Boolean)])];
}

const orNull = (v: string) => (v === '' ? null : v);

/**
 * A person form as the service's input. Values are passed as typed: the service checks them and
 * names the faulty field (a number that is not one stays a text, refused there).
 */
export function personFromForm(body: unknown): PersonInput {
  const v = (name: string) => formValue(body, name);
  const radius = v('mobilityRadiusKm');
  return {
    civility: orNull(v('civility')) as PersonInput['civility'],
    lastName: v('lastName'),
    firstName: v('firstName'),
    birthDate: v('birthDate'),
    email: orNull(v('email')),
    phone: orNull(v('phone')),
    franceTravailId: orNull(v('franceTravailId')),
    communeCode: orNull(v('communeCode')),
    registeredCategory: orNull(v('registeredCategory')) as PersonInput['registeredCategory'],
    situations: formValues(body, 'situations') as PersonInput['situations'],
    educationLevel: orNull(v('educationLevel')) as PersonInput['educationLevel'],
    drivingLicences: formValues(body, 'drivingLicences') as PersonInput['drivingLicences'],
    hasVehicle: v('hasVehicle') === 'true',
    mobilityRadiusKm: radius === '' ? null : /^\d{1,4}$/.test(radius) ? Number(radius) : -1,
    mobilityMeans: formValues(body, 'mobilityMeans') as PersonInput['mobilityMeans'],
    availableFrom: orNull(v('availableFrom')),
    workingTime: orNull(v('workingTime')) as PersonInput['workingTime'],
    contractTypes: formValues(body, 'contractTypes') as PersonInput['contractTypes'],
    wantedJobs: WANTED_SLOTS.map((i) => v(`wantedJob${i}`)).filter(Boolean),
    pastJobs: PAST_SLOTS.flatMap((i) => {
      const code = v(`pastJob${i}`);
      const months = v(`pastJob${i}Months`);
      return code ? [{ appellationCode: code, months: /^\d{1,4}$/.test(months) ? Number(months) : 0 }] : [];
    }),
    skills: skillsFromForm(body),
    barriers: formValues(body, 'barriers') as PersonInput['barriers'],
    notes: orNull(v('notes')),
    legalBasis: v('legalBasis') as PersonInput['legalBasis'],
    informedOn: v('informedOn'),
    confirmDuplicate: v('confirmDuplicate') === 'true',
  };
}
