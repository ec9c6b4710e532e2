import { AppError, invalid } from '../../shared/errors.js';
import { hasUnstorableCharacter, isIsoDate, looksLikeEmail } from '../../shared/formats.js';
import type { PersonValues } from './repository.js';
import {
  AGE_RULES,
  ageOn,
  BARRIERS,
  CIVILITIES,
  CONTRACT_TYPES,
  DECLARED_SKILLS,
  DRIVING_LICENCES,
  EDUCATION_LEVELS,
  FRANCE_TRAVAIL_ID,
  LEGAL_BASES,
  MAX_MOBILITY_KM,
  MOBILITY_MEANS,
  nameKey,
  PAST_JOBS,
  REGISTERED_CATEGORIES,
  SITUATIONS,
  WANTED_JOBS,
  WORKING_TIMES,
} from './rules.js';
import type { PersonInput, PersonPatch } from './schemas.js';

/** What the checks look up: the referentials' appellations and communes, and the day. */
export interface InputLookups {
  today: string;
  appellationsExisting(codes: string[]): Promise<Set<string>>;
  /** The ROME 4.0 skill codes among `codes` that are loaded (rome_skill). */
  skillsExisting(codes: string[]): Promise<Set<string>>;
  communeExists(code: string): Promise<boolean>;
}

type Profile = Partial<Omit<PersonInput, 'confirmDuplicate'>>;

const text = (field: string, value: string, max: number, label: string) => {
  const v = value.trim();
  if (!v) throw invalid(field, `${label} : à renseigner.`);
  if (v.length > max) throw invalid(field, `${label} : ${max} caractères au plus.`);
  if (hasUnstorableCharacter(v)) throw invalid(field, `${label} : caractère de contrôle refusé.`);
  return v;
};

function date(field: string, value: string, label: string) {
  if (!isIsoDate(value))
    throw invalid(
      field,
      `${label} « ${value} » invalide : une date qui existe, au format AAAA-MM-JJ, est attendue.`,
    );
  return value;
}

function oneOf(field: string, value: string | null | undefined, dictionary: object, label: string) {
  if (value === null || value === undefined || value === '') return null;
  if (!(value in dictionary)) throw invalid(field, `${label} « ${value} » inconnu.`);
  return value;
}

function codesOf(field: string, values: readonly string[] | undefined, dictionary: object, label: string) {
  if (values === undefined) return undefined;
  values.forEach((v, i) => {
    if (!(v in dictionary)) throw invalid(`${field}/${i}`, `${label} « ${v} » inconnu.`);
  });
  return [...new Set(values)];
}

/**
 * Checks a file's fields, whoever sends them (API after its schema, a page's form), and turns them
 * into columns. Only the fields present are checked and returned (an edit); a creation passes all.
 * Each refusal names its field (issue 10, bad input): impossible birth dates (future, under 15),
 * unknown appellations or communes.
 */
export async function checkProfile(input: Profile, lookups: InputLookups): Promise<Partial<PersonValues>> {
  const out: Partial<PersonValues> = {};
  const { today } = lookups;
  if (input.civility !== undefined)
    out.civility = oneOf('civility', input.civility, CIVILITIES, 'Civilité') as never;
  if (input.lastName !== undefined) out.last_name = text('lastName', input.lastName, 100, 'Nom');
  if (input.firstName !== undefined) out.first_name = text('firstName', input.firstName, 100, 'Prénom');
  if (input.birthDate !== undefined) {
    const birth = date('birthDate', input.birthDate, 'Date de naissance');
    if (birth > today) throw invalid('birthDate', 'Date de naissance dans le futur : vérifiez l’année.');
    if (ageOn(birth, today) < AGE_RULES.minimum)
      throw invalid(
        'birthDate',
        `Date de naissance : la personne aurait moins de ${AGE_RULES.minimum} ans, âge minimum d’un dossier (apprentissage, C. trav. L6222-1).`,
      );
    out.birth_date = birth;
  }
  if (input.email !== undefined) {
    const email = input.email?.trim() || null;
    if (email && (!looksLikeEmail(email) || email.length > 254))
      throw invalid('email', `Adresse électronique « ${email} » invalide.`);
    out.email = email;
  }
  if (input.phone !== undefined) {
    const phone = input.phone?.trim() || null;
    if (phone && !/^[0-9 +().-]{6,20}$/.test(phone))
      throw invalid('phone', `Téléphone « ${phone} » invalide.`);
    out.phone = phone;
  }
  if (input.franceTravailId !== undefined) {
    const id = input.franceTravailId?.replace(/\s+/g, '').toUpperCase() || null;
    if (id && !FRANCE_TRAVAIL_ID.test(id))
      throw invalid(
        'franceTravailId',
        `Identifiant France Travail « ${id} » invalide : 7 chiffres et un caractère (ou l’identifiant national de 11 caractères).`,
      );
    out.france_travail_id = id;
  }
  if (input.communeCode !== undefined) {
    const code = input.communeCode?.trim().toUpperCase() || null;
    if (code && !(/^[0-9AB]{5}$/.test(code) && (await lookups.communeExists(code))))
      throw invalid('communeCode', `Commune « ${code} » inconnue : choisissez-la dans la liste.`);
    out.commune_code = code;
  }
  if (input.registeredCategory !== undefined)
    out.registered_category = oneOf(
      'registeredCategory',
      input.registeredCategory,
      REGISTERED_CATEGORIES,
      'Catégorie',
    ) as never;
  out.situations = codesOf('situations', input.situations, SITUATIONS, 'Situation');
  if (input.educationLevel !== undefined)
    out.education_level = oneOf(
      'educationLevel',
      input.educationLevel,
      EDUCATION_LEVELS,
      'Niveau de formation',
    );
  out.driving_licences = codesOf('drivingLicences', input.drivingLicences, DRIVING_LICENCES, 'Permis');
  if (input.hasVehicle !== undefined) out.has_vehicle = input.hasVehicle;
  if (input.mobilityRadiusKm !== undefined) {
    const km = input.mobilityRadiusKm;
    if (km !== null && !(Number.isInteger(km) && km >= 0 && km <= MAX_MOBILITY_KM))
      throw invalid('mobilityRadiusKm', `Rayon de mobilité : un nombre entier de 0 à ${MAX_MOBILITY_KM} km.`);
    out.mobility_radius_km = km;
  }
  out.mobility_means = codesOf('mobilityMeans', input.mobilityMeans, MOBILITY_MEANS, 'Moyen de déplacement');
  if (input.availableFrom !== undefined)
    out.available_from = input.availableFrom
      ? date('availableFrom', input.availableFrom, 'Date de disponibilité')
      : null;
  if (input.workingTime !== undefined)
    out.working_time = oneOf('workingTime', input.workingTime, WORKING_TIMES, 'Temps de travail') as never;
  out.contract_types = codesOf('contractTypes', input.contractTypes, CONTRACT_TYPES, 'Type de contrat');
  out.barriers = codesOf('barriers', input.barriers, BARRIERS, 'Frein');
  if (input.wantedJobs !== undefined) {
    const jobs = [...new Set(input.wantedJobs.map((c) => c.trim()).filter(Boolean))];
    if (jobs.length < WANTED_JOBS.min || jobs.length > WANTED_JOBS.max)
      throw invalid(
        'wantedJobs',
        `Métiers recherchés : de ${WANTED_JOBS.min} à ${WANTED_JOBS.max} appellations ROME.`,
      );
    const known = await lookups.appellationsExisting(jobs);
    jobs.forEach((code, i) => {
      if (!known.has(code))
        throw invalid(
          `wantedJobs/${i}`,
          `Appellation ROME « ${code} » inconnue : choisissez le métier dans la liste.`,
        );
    });
    out.wanted_jobs = jobs;
  }
  if (input.pastJobs !== undefined) {
    if (input.pastJobs.length > PAST_JOBS.max)
      throw invalid('pastJobs', `Expériences : ${PAST_JOBS.max} au plus.`);
    const known = await lookups.appellationsExisting(input.pastJobs.map((j) => j.appellationCode));
    input.pastJobs.forEach((job, i) => {
      if (!known.has(job.appellationCode))
        throw invalid(
          `pastJobs/${i}/appellationCode`,
          `Appellation ROME « ${job.appellationCode} » inconnue : choisissez le métier dans la liste.`,
        );
      if (!(Number.isInteger(job.months) && job.months >= 1 && job.months <= PAST_JOBS.maxMonths))
        throw invalid(
          `pastJobs/${i}/months`,
          `Durée : un nombre entier de mois, de 1 à ${PAST_JOBS.maxMonths}.`,
        );
    });
    out.past_jobs = input.pastJobs.map((j) => ({ appellationCode: j.appellationCode, months: j.months }));
  }
  if (input.skills !== undefined) {
    const skills = input.skills.map((c) => (typeof c === 'string' ? c.trim() : ''));
    if (skills.length > DECLARED_SKILLS.max)
      throw invalid('skills', `Compétences : ${DECLARED_SKILLS.max} au plus.`);
    skills.forEach((code, i) => {
      if (!/^\d{1,8}$/.test(code))
        throw invalid(
          `skills/${i}`,
          `Compétence « ${code.slice(0, 40)} » : choisissez-la dans la liste des compétences ROME 4.0.`,
        );
    });
    const known = await lookups.skillsExisting(skills);
    skills.forEach((code, i) => {
      if (!known.has(code))
        throw invalid(
          `skills/${i}`,
          `Compétence ROME 4.0 « ${code} » inconnue : choisissez-la dans la liste des compétences.`,
        );
    });
    out.skills = [...new Set(skills)];
  }
  if (input.notes !== undefined) {
    const notes = input.notes?.trim() || null;
    if (notes && notes.length > 5000) throw invalid('notes', 'Notes : 5 000 caractères au plus.');
    if (notes && hasUnstorableCharacter(notes))
      throw invalid('notes', 'Notes : caractère de contrôle refusé.');
    out.notes = notes;
  }
  if (input.legalBasis !== undefined) {
    if (!(input.legalBasis in LEGAL_BASES))
      throw invalid('legalBasis', 'Base légale du traitement à choisir.');
    out.legal_basis = input.legalBasis;
  }
  if (input.informedOn !== undefined) {
    const on = date('informedOn', input.informedOn, 'Date d’information de la personne');
    if (on > today)
      throw invalid('informedOn', 'La personne ne peut pas avoir été informée à une date future.');
    out.informed_on = on;
  }
  for (const key of Object.keys(out) as (keyof PersonValues)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** A creation's fields, all required ones present (the API schema says so; a page's form may not). */
export async function checkNewProfile(input: PersonInput, lookups: InputLookups): Promise<PersonValues> {
  for (const [field, label] of [
    ['lastName', 'Nom'],
    ['firstName', 'Prénom'],
    ['birthDate', 'Date de naissance'],
    ['legalBasis', 'Base légale'],
    ['informedOn', 'Date d’information'],
  ] as const)
    if (!input[field]) throw invalid(field, `${label} : à renseigner.`);
  if (!input.wantedJobs?.length)
    throw invalid(
      'wantedJobs',
      `Métiers recherchés : de ${WANTED_JOBS.min} à ${WANTED_JOBS.max} appellations ROME.`,
    );
  const values = await checkProfile(input, lookups);
  return {
    civility: null,
    email: null,
    phone: null,
    france_travail_id: null,
    commune_code: null,
    registered_category: null,
    situations: [],
    education_level: null,
    driving_licences: [],
    has_vehicle: false,
    mobility_radius_km: null,
    mobility_means: [],
    available_from: null,
    working_time: null,
    contract_types: [],
    past_jobs: [],
    skills: [],
    barriers: [],
    notes: null,
    ...values,
    name_key: nameKey(values.last_name!, values.first_name!),
  } as PersonValues;
}

/** A stale edit: someone changed the file since it was read (optimistic concurrency). */
export const staleEdit = (sent: number, current: number) =>
  new AppError(
    'conflict',
    `Ce dossier a été modifié depuis que vous l’avez ouvert (version ${sent}, version actuelle ${current}) : rechargez-le, puis refaites votre modification.`,
    'version',
    { currentVersion: current },
  );

export type { PersonPatch };
