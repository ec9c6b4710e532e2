import type { SiaeKind } from './eligibility-rules.js';

/**
 * IAE contract kinds by SIAE kind (C. trav. L5132-5 to L5132-16): the contract a structure signs
 * with the person it hires, as data. CDI inclusion: since the law 2020-1577 of 14 December 2020
 * (art. 6), an EI, an AI or an ACI may hire a person of 57 or more on an open-ended contract.
 */
export const CONTRACT_KINDS = {
  CDDI: {
    label: 'CDDI (contrat à durée déterminée d’insertion)',
    siaeKinds: ['ACI', 'EI'],
  },
  CTTI: {
    label: 'CTTI (contrat de travail temporaire d’insertion)',
    siaeKinds: ['ETTI'],
  },
  MAD: {
    label: 'Mise à disposition (contrat de l’association intermédiaire)',
    siaeKinds: ['AI'],
  },
  CDDU: {
    label: 'CDD d’usage (association intermédiaire)',
    siaeKinds: ['AI'],
  },
  EITI: {
    label: 'Contrat d’accompagnement EITI (travailleur indépendant)',
    siaeKinds: ['EITI'],
  },
  CDI_INCLUSION: {
    label: 'CDI inclusion (57 ans et plus)',
    siaeKinds: ['EI', 'AI', 'ACI'],
  },
} as const satisfies Record<string, { label: string; siaeKinds: readonly SiaeKind[] }>;
export type ContractKind = keyof typeof CONTRACT_KINDS;

/** Age from which a CDI inclusion may be signed (law 2020-1577, art. 6). */
export const CDI_INCLUSION_MIN_AGE = 57;

export const contractKindsFor = (kind: SiaeKind): ContractKind[] =>
  (Object.keys(CONTRACT_KINDS) as ContractKind[]).filter((k) =>
    (CONTRACT_KINDS[k].siaeKinds as readonly SiaeKind[]).includes(kind),
  );

/**
 * Kinds whose hours are recorded month by month (issue 12 §5): an AI's or an ETTI's employee
 * works by missions of varying length, so the hours worked are what the exit counting rule reads
 * (>= 150 hours, exit-rules.ts).
 */
export const MONTHLY_HOURS_KINDS: readonly SiaeKind[] = ['AI', 'ETTI'];

/**
 * Weekly hours assumed for a contract recorded without them, when the hours worked of an ACI, EI
 * or EITI exit are estimated (hours per week × weeks): 20 hours, the CDDI's weekly minimum
 * (C. trav. L5132-11-1 for the ACI, L5132-5 for the EI). An estimate, said so in the exit's
 * record; the ASP's own hours, when imported, replace it.
 */
export const DEFAULT_WEEKLY_HOURS = 20;

/**
 * Prefix of the PASS IAE numbers Passerelle issues. itou numbers its own approvals 99999 + 7
 * digits (ASP « numéro d’agrément » issued by the platform, itou/approvals/models.py
 * Approval.ASP_ITOU_PREFIX): Passerelle uses the same shape with its own prefix 99998 so that
 * its numbers never collide with the platform's.
 */
export const PASSERELLE_APPROVAL_PREFIX = '99998';

/** Largest hours of one month (iae_contract_hours.hours check). */
export const MONTH_HOURS_MAX = 300;

export const REASON_MAX = 1000;
