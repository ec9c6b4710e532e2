/**
 * IAE eligibility as data (issue 12 §3): who may make a diagnosis, which administrative criteria an
 * SIAE must find, how long a diagnosis lasts. Sources: Code du travail L5132-3 (the PASS IAE is
 * issued on an authorised prescriber's diagnosis, or on the SIAE's own when it checks the criteria),
 * arrêté du 1er septembre 2021 fixant les critères administratifs d'éligibilité (level 1 / level 2
 * criteria and the number an SIAE must check by kind of structure), and their implementation in
 * gip-inclusion/les-emplois (itou), cited file by file below. No database here: the service calls
 * these functions and stores what they decide.
 */
import { readFileSync } from 'node:fs';
import { addDays, addMonths, compare, within } from './dates.js';

/** The five kinds of SIAE (C. trav. L5132-4): the IAE's employers. */
export type SiaeKind = 'AI' | 'EI' | 'ETTI' | 'ACI' | 'EITI';

/** French labels, as itou's CompanyKind (itou/companies/enums.py). */
export const SIAE_KINDS: Record<SiaeKind, string> = {
  AI: 'Association intermédiaire',
  EI: 'Entreprise d’insertion',
  ETTI: 'Entreprise de travail temporaire d’insertion',
  ACI: 'Atelier et chantier d’insertion',
  EITI: 'Entreprise d’insertion par le travail indépendant',
};

const SIAE_KIND_OF_ORGANISATION: Readonly<Record<string, SiaeKind>> = {
  siae_ai: 'AI',
  siae_ei: 'EI',
  siae_etti: 'ETTI',
  siae_aci: 'ACI',
  siae_eiti: 'EITI',
};

/** The SIAE kind of an organisation kind of the identity module ('siae_ai' → 'AI'); null for others. */
export function siaeKindOf(orgKind: string): SiaeKind | null {
  return SIAE_KIND_OF_ORGANISATION[orgKind] ?? null;
}

export interface Criterion {
  code: string;
  level: 1 | 2;
  label: string;
  description: string;
  proof: string;
  proofValidity: string;
  rank: number;
}

interface FixtureRow {
  fields: {
    kind: string;
    level: string;
    name: string;
    desc: string;
    written_proof: string;
    written_proof_validity: string;
    ui_rank: number;
  };
}

/**
 * The administrative criteria, read once from data/iae/administrative_criteria.json: itou's own
 * fixture (itou/eligibility/data/administrative_criteria.json), so that a new version of the
 * arrêté is a file to replace, not code to change. Ordered by level then rank, as itou shows them.
 */
function loadCriteria(): Criterion[] {
  const file = new URL('../../../data/iae/administrative_criteria.json', import.meta.url);
  const rows = JSON.parse(readFileSync(file, 'utf8')) as FixtureRow[];
  return rows
    .map(({ fields: f }): Criterion => {
      if (f.level !== '1' && f.level !== '2') throw new Error(`Niveau de critère inattendu : ${f.level}`);
      return {
        code: f.kind,
        level: f.level === '1' ? 1 : 2,
        label: f.name,
        description: f.desc,
        proof: f.written_proof,
        proofValidity: f.written_proof_validity,
        rank: f.ui_rank,
      };
    })
    .sort((a, b) => a.level - b.level || a.rank - b.rank);
}

export const CRITERIA: readonly Criterion[] = Object.freeze(loadCriteria());
export const CRITERIA_BY_CODE: ReadonlyMap<string, Criterion> = new Map(CRITERIA.map((c) => [c.code, c]));

/**
 * Criteria that cannot be checked together: one cannot be over 50 and under 26, nor be registered
 * as a job seeker for more than 24 months and for 12 to 24 months at once. Source: itou
 * itou/www/eligibility_views/forms.py (ERROR_SENIOR_JUNIOR, ERROR_LONG_TERM_JOB_SEEKER), applied
 * there before the prescriber/SIAE distinction, so to both.
 */
export const INCOMPATIBLE_PAIRS: readonly (readonly [string, string])[] = [
  ['SENIOR', 'JEUNE'],
  ['DETLD', 'DELD'],
];

/**
 * Level-2 criteria an SIAE must check when it finds no level-1 criterion: 2 for AI and ETTI, 3 for
 * ACI, EI and EITI (arrêté du 1er septembre 2021; itou/eligibility/enums.py
 * ADMINISTRATIVE_CRITERIA_LEVEL_2_REQUIRED_FOR_SIAE_KIND).
 */
export const LEVEL_2_REQUIRED: Readonly<Record<SiaeKind, number>> = {
  AI: 2,
  ETTI: 2,
  ACI: 3,
  EI: 3,
  EITI: 3,
};

export type DiagnosisAuthor = 'prescriber' | 'siae';
export interface DiagnosisProblem {
  field: string;
  message: string;
}

/**
 * Rules (issue 12 §3, C. trav. L5132-3 and arrêté du 1er septembre 2021): an authorised prescriber
 * needs no criterion; an SIAE needs 1 level-1 criterion, or >= 2 level-2 for AI/ETTI, or >= 3
 * level-2 for ACI/EI/EITI; incompatible pairs refused (both for prescribers and SIAE); unknown codes
 * refused; duplicates refused. Messages follow itou's forms (itou/www/eligibility_views/forms.py).
 * An empty list means the diagnosis may be recorded.
 */
export function checkDiagnosis(input: {
  author: DiagnosisAuthor;
  siaeKind: SiaeKind | null;
  criteria: readonly string[];
}): DiagnosisProblem[] {
  const problems: DiagnosisProblem[] = [];
  const seen = new Set<string>();
  const known: Criterion[] = [];
  for (const code of input.criteria) {
    const criterion = CRITERIA_BY_CODE.get(code);
    if (!criterion) {
      problems.push({ field: `criteria.${code}`, message: `Critère administratif inconnu : ${code}.` });
      continue;
    }
    if (seen.has(code)) {
      problems.push({
        field: `criteria.${code}`,
        message: `Le critère « ${criterion.label} » est sélectionné deux fois.`,
      });
      continue;
    }
    seen.add(code);
    known.push(criterion);
  }
  for (const [a, b] of INCOMPATIBLE_PAIRS) {
    if (seen.has(a) && seen.has(b)) {
      problems.push({
        field: 'criteria',
        message: `Vous ne pouvez pas sélectionner en même temps les critères « ${CRITERIA_BY_CODE.get(a)?.label ?? a} » et « ${CRITERIA_BY_CODE.get(b)?.label ?? b} ».`,
      });
    }
  }
  // An authorised prescriber's diagnosis needs no criterion (L5132-3: the prescriber's assessment is
  // the eligibility); itou's form stops here for them too.
  if (input.author === 'prescriber') return problems;

  if (input.siaeKind === null) {
    problems.push({
      field: 'criteria',
      message: 'Seule une SIAE (AI, EI, ETTI, ACI, EITI) peut établir un diagnostic sur critères.',
    });
    return problems;
  }
  if (!siaeHasEnoughCriteria(input.siaeKind, known)) {
    const required = LEVEL_2_REQUIRED[input.siaeKind];
    problems.push({
      field: 'criteria',
      message: `Vous devez sélectionner au moins un critère administratif de niveau 1 ou le cumul d’au moins ${required === 2 ? 'deux' : 'trois'} critères de niveau 2.`,
    });
  }
  return problems;
}

/** itou/eligibility/utils.py iae_has_required_criteria: one level-1, or enough level-2 for the kind. */
function siaeHasEnoughCriteria(kind: SiaeKind, criteria: readonly Criterion[]): boolean {
  if (criteria.some((c) => c.level === 1)) return true;
  return criteria.filter((c) => c.level === 2).length >= LEVEL_2_REQUIRED[kind];
}

/** How long a diagnosis lasts after the day it is made (itou/eligibility/models). */
export const PRESCRIBER_DIAGNOSIS_MONTHS = 6; // AbstractEligibilityDiagnosisModel.EXPIRATION_DELAY_MONTHS
export const SIAE_DIAGNOSIS_DAYS = 92; // EligibilityDiagnosis.EMPLOYER_DIAGNOSIS_VALIDITY_TIMEDELTA: a proof lasts 3 months

/**
 * The last day a diagnosis is valid, INCLUSIVE: 6 months from the diagnosis date for a prescriber,
 * 92 days for an SIAE. itou stores `expires_at = made + 6 months` (or + 92 days) and holds a
 * diagnosis valid while `expires_at > now`, so the day `made + 92 days` is already out; the last
 * valid day is the day before, and that is what is returned here (an SIAE diagnosis of 2026-01-01
 * is valid until 2026-04-02 included, out on 2026-04-03; a prescriber's of 2026-01-31 until
 * 2026-07-30 included).
 */
export function diagnosisExpiresOn(author: DiagnosisAuthor, madeOn: string): string {
  const end =
    author === 'prescriber'
      ? addMonths(madeOn, PRESCRIBER_DIAGNOSIS_MONTHS)
      : addDays(madeOn, SIAE_DIAGNOSIS_DAYS);
  return addDays(end, -1);
}

/**
 * A diagnosis is valid on `on` if made <= on <= expiresOn, or if a PASS issued from it runs on `on`
 * (extended while a PASS runs): itou's EligibilityDiagnosis.is_considered_valid. `runningApprovalEnds`
 * are the effective end dates (approvalEndOn) of the PASS issued from this diagnosis; a PASS runs
 * through its end date included. Never valid before the day it was made.
 */
export function diagnosisValidOn(
  d: { madeOn: string; expiresOn: string },
  on: string,
  runningApprovalEnds: readonly string[] = [],
): boolean {
  if (compare(on, d.madeOn) < 0) return false;
  if (within(on, d.madeOn, d.expiresOn)) return true;
  return runningApprovalEnds.some((end) => compare(on, end) <= 0);
}

/**
 * Organisation kinds whose diagnosis counts as an authorised prescriber's. France Travail, the
 * missions locales and Cap emploi are authorised by law (C. trav. L5132-3: France Travail and the
 * public employment service's members; itou treats the three as authorised prescribers of right).
 * 'region' and 'structure_accompagnement' are here only because the Region authorises them for its
 * territory (issue 12 §3; elsewhere the prefect's habilitation of other organisations plays that
 * part): a data choice of the Region, to change here if its list changes.
 */
export const AUTHORISED_PRESCRIBER_KINDS: ReadonlySet<string> = new Set([
  'france_travail',
  'mission_locale',
  'cap_emploi',
  'region',
  'structure_accompagnement',
]);
