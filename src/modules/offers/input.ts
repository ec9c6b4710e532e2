import { AppError, invalid } from '../../shared/errors.js';
import { hasUnstorableCharacter, isIsoDate } from '../../shared/formats.js';
import {
  CONTRACT_TYPES,
  DRIVING_LICENCES,
  EDUCATION_LEVELS,
  EXPERIENCE,
  LIMITS,
  MAX_SKILLS,
  SALARY,
  SKILL_REQUIREMENTS,
  WORKING_TIMES,
} from './rules.js';
import type { OfferInput } from './schemas.js';

/** What the checks look up: the referentials' appellations, skills and communes, and the day. */
export interface InputLookups {
  today: string;
  /** The ROME trade of an appellation, or undefined when the code is unknown. */
  appellationTrade(code: string): Promise<string | undefined>;
  skillsExisting(codes: string[]): Promise<Set<string>>;
  communeExists(code: string): Promise<boolean>;
}

/** An offer's columns as the service writes them (the fields an employer fills). */
export interface OfferValues {
  appellation_code: string;
  rome_code: string;
  title: string;
  description: string;
  commune_code: string | null;
  remote: boolean;
  contract_type: string;
  duration_months: number | null;
  working_time: 'full_time' | 'part_time' | null;
  weekly_hours: number | null;
  salary_min_cents: number | null;
  salary_max_cents: number | null;
  positions: number;
  start_date: string | null;
  expires_on: string | null;
  required_skills: string[];
  wished_skills: string[];
  driving_licences: string[];
  experience: 'D' | 'S' | 'E';
  experience_months: number | null;
  education_level: string | null;
  accessible_disability: boolean;
}

/** The whole of an offer's fields, as the API takes them (an edit is merged over the stored offer first). */
export type OfferFields = Omit<OfferInput, 'publish'>;

const text = (field: string, value: string | undefined, max: number, label: string) => {
  const v = (value ?? '').trim();
  if (!v) throw invalid(field, `${label} : à renseigner.`);
  if (v.length > max) throw invalid(field, `${label} : ${max} caractères au plus.`);
  if (hasUnstorableCharacter(v)) throw invalid(field, `${label} : caractère de contrôle refusé.`);
  return v;
};

function date(field: string, value: string | null | undefined, label: string) {
  if (value === null || value === undefined || value === '') return null;
  if (!isIsoDate(value))
    throw invalid(
      field,
      `${label} « ${value} » invalide : une date qui existe, au format AAAA-MM-JJ, est attendue.`,
    );
  return value;
}

function integer(field: string, value: number | null | undefined, min: number, max: number, label: string) {
  if (value === null || value === undefined) return null;
  if (!(Number.isInteger(value) && value >= min && value <= max))
    throw invalid(field, `${label} : un nombre entier de ${min} à ${max}.`);
  return value;
}

/**
 * Checks an offer's fields, whoever sends them (API after its schema, a page's form, an edit merged
 * over the stored offer) and turns them into columns. Each refusal names its field (issue 10, bad
 * input): salary minimum over maximum, positions out of bounds, unknown appellation, skill or commune.
 */
export async function checkOffer(input: OfferFields, lookups: InputLookups): Promise<OfferValues> {
  const appellation = (input.appellationCode ?? '').trim();
  if (!appellation) throw invalid('appellationCode', 'Métier (appellation ROME) : à choisir dans la liste.');
  const rome = /^\d{1,8}$/.test(appellation) ? await lookups.appellationTrade(appellation) : undefined;
  if (!rome)
    throw invalid(
      'appellationCode',
      `Appellation ROME « ${appellation} » inconnue : choisissez le métier dans la liste.`,
    );
  const title = text('title', input.title, LIMITS.title, 'Intitulé');
  const description = text('description', input.description, LIMITS.description, 'Description');

  const remote = input.remote === true;
  const commune = input.communeCode?.trim().toUpperCase() || null;
  if (commune && !(/^[0-9AB]{5}$/.test(commune) && (await lookups.communeExists(commune))))
    throw invalid('communeCode', `Commune « ${commune} » inconnue : choisissez-la dans la liste.`);
  if (!commune && !remote)
    throw invalid(
      'communeCode',
      'Lieu de travail : choisissez une commune, ou cochez « télétravail complet ».',
    );

  const contract = input.contractType;
  if (!contract || !Object.hasOwn(CONTRACT_TYPES, contract))
    throw invalid('contractType', `Type de contrat « ${contract ?? ''} » inconnu.`);
  const duration = integer(
    'durationMonths',
    input.durationMonths,
    LIMITS.durationMonths.min,
    LIMITS.durationMonths.max,
    'Durée du contrat en mois',
  );
  if (duration !== null && !CONTRACT_TYPES[contract as keyof typeof CONTRACT_TYPES].hasDuration)
    throw invalid('durationMonths', `Un contrat ${contract} n’a pas de durée : laissez la durée vide.`);

  const workingTime = input.workingTime ?? null;
  if (workingTime !== null && !Object.hasOwn(WORKING_TIMES, workingTime))
    throw invalid('workingTime', `Temps de travail « ${workingTime} » inconnu.`);
  const hours = input.weeklyHours ?? null;
  if (
    hours !== null &&
    !(Number.isFinite(hours) && hours >= LIMITS.weeklyHours.min && hours <= LIMITS.weeklyHours.max)
  )
    throw invalid(
      'weeklyHours',
      `Heures par semaine : de ${LIMITS.weeklyHours.min} à ${LIMITS.weeklyHours.max} (durée maximale hebdomadaire, C. trav. L3121-20).`,
    );
  const weeklyHours = hours === null ? null : Math.round(hours * 10) / 10;

  const cents = (field: string, value: number | null | undefined, label: string) => {
    const v = integer(field, value, 0, SALARY.maxMonthlyCents, label);
    if (v !== null && v < SALARY.minMonthlyCents)
      throw invalid(
        field,
        `${label} : moins de 100 € par mois, vérifiez le montant (mensuel brut, en centimes).`,
      );
    return v;
  };
  const salaryMin = cents('salaryMinCents', input.salaryMinCents, 'Salaire minimum');
  const salaryMax = cents('salaryMaxCents', input.salaryMaxCents, 'Salaire maximum');
  if (salaryMin !== null && salaryMax !== null && salaryMin > salaryMax)
    throw invalid('salaryMinCents', 'Salaire : le minimum dépasse le maximum.');

  const positions =
    integer(
      'positions',
      input.positions ?? 1,
      LIMITS.positions.min,
      LIMITS.positions.max,
      'Nombre de postes',
    ) ?? 1;
  const startDate = date('startDate', input.startDate, 'Date de début');
  const expiresOn = date('expiresOn', input.expiresOn, 'Date d’expiration');
  if (expiresOn && expiresOn < lookups.today)
    throw invalid('expiresOn', 'Date d’expiration passée : choisissez une date à venir.');

  const skills = input.skills ?? [];
  if (skills.length > MAX_SKILLS) throw invalid('skills', `Compétences : ${MAX_SKILLS} au plus.`);
  skills.forEach((s, i) => {
    if (typeof s.code !== 'string' || !/^\d{1,8}$/.test(s.code))
      throw invalid(
        `skills/${i}/code`,
        `Compétence « ${String(s.code).slice(0, 20)} » : un code ROME 4.0 est attendu.`,
      );
  });
  const known = await lookups.skillsExisting(skills.map((s) => s.code));
  const seen = new Set<string>();
  skills.forEach((s, i) => {
    if (!known.has(s.code))
      throw invalid(
        `skills/${i}/code`,
        `Compétence ROME « ${s.code} » inconnue : choisissez-la dans la liste des compétences ROME 4.0.`,
      );
    if (!Object.hasOwn(SKILL_REQUIREMENTS, s.requirement))
      throw invalid(`skills/${i}/requirement`, 'Compétence : « exigée » ou « souhaitée ».');
    if (seen.has(s.code)) throw invalid(`skills/${i}/code`, `Compétence « ${s.code} » en double.`);
    seen.add(s.code);
  });

  const licences = [...new Set(input.drivingLicences ?? [])];
  licences.forEach((l, i) => {
    if (!Object.hasOwn(DRIVING_LICENCES, l))
      throw invalid(`drivingLicences/${i}`, `Permis « ${l} » inconnu.`);
  });
  const experience = input.experience ?? 'D';
  if (!Object.hasOwn(EXPERIENCE, experience))
    throw invalid('experience', `Expérience « ${experience} » inconnue.`);
  const level = input.educationLevel || null;
  if (level !== null && !Object.hasOwn(EDUCATION_LEVELS, level))
    throw invalid('educationLevel', `Niveau « ${level} » inconnu.`);

  return {
    appellation_code: appellation,
    rome_code: rome,
    title,
    description,
    commune_code: commune,
    remote,
    contract_type: contract,
    duration_months: duration,
    working_time: workingTime,
    weekly_hours: weeklyHours,
    salary_min_cents: salaryMin,
    salary_max_cents: salaryMax,
    positions,
    start_date: startDate,
    expires_on: expiresOn,
    required_skills: skills.filter((s) => s.requirement === 'required').map((s) => s.code),
    wished_skills: skills.filter((s) => s.requirement === 'wished').map((s) => s.code),
    driving_licences: licences,
    experience,
    experience_months: integer('experienceMonths', input.experienceMonths, 0, 600, 'Expérience en mois'),
    education_level: level,
    accessible_disability: input.accessibleDisability === true,
  };
}

/** A stale edit: someone changed the offer since it was read (optimistic concurrency). */
export const staleEdit = (sent: number, current: number) =>
  new AppError(
    'conflict',
    `Cette offre a été modifiée depuis que vous l’avez ouverte (version ${sent}, version actuelle ${current}) : rechargez-la, puis refaites votre modification.`,
    'version',
    { currentVersion: current },
  );
