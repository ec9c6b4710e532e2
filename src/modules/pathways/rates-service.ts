import { forbidden, invalid, notFound, unauthenticated } from '../../shared/errors.js';
import { type Actor, currentMembership, ORGANISATION_KINDS } from '../identity/model.js';
import type { PathwaysCore } from './core.js';
import { SIAE_KINDS, type SiaeKind } from './eligibility-rules.js';
import { dynamicExitRate, SMALL_COUNT, shownCount } from './exit-rules.js';
import {
  type CommitmentRow,
  type ExitRateRow,
  type OrganisationCount,
  type Partner,
  ratesRepository,
} from './rates-repository.js';
import {
  COMMITMENT_EDITOR_KINDS,
  COMMITMENT_EDITOR_ROLES,
  type CommitmentProgress,
  CTA_INDICATORS,
  type CtaIndicator,
  commitmentProgress,
  isCtaIndicator,
  RATE_LEVELS,
  type RateLevel,
  rateLevels,
} from './rates-rules.js';

/** What a member may ask of the rates (issue 12 §6). */
export interface RatesQuery {
  year?: number;
  zone?: string;
  department?: string;
  siaeKind?: SiaeKind;
  groupBy: readonly RateLevel[];
}

/**
 * One group's figures as anyone signed in may read them: every count under SMALL_COUNT (5) is
 * null (« < 5 » on the pages), and a rate is null when fewer than 5 exits are examined — a small
 * group could point at a person (statistical secrecy). Rates are fractions from 0 to 1.
 */
export interface ShownRate {
  level: RateLevel;
  year: number;
  key: string | null;
  label: string;
  siaeKind: SiaeKind | null;
  persons: number | null;
  exits: number | null;
  examined: number | null;
  durable: number | null;
  transition: number | null;
  positive: number | null;
  other: number | null;
  withdrawn: number | null;
  notCounted: number | null;
  /** (durable + transition + positive) / examined. */
  rate: number | null;
  examinedExclAci: number | null;
  /** The same with the ACI left out: the seed's headline. */
  rateExclAci: number | null;
}

export interface CommitmentView extends CommitmentRow {
  indicatorLabel: string;
  unit: 'count' | 'percent';
  partnerLabel: string;
  /** What the pathways record (a percent for a rate, null when fewer than 5 exits are examined). */
  measured: number | null;
  progress: CommitmentProgress;
}

export interface CtaBasin {
  zone: { code: string; name: string };
  year: number;
  today: string;
  waiting: OrganisationCount[];
  eligibleWithoutHire: OrganisationCount[];
  passEnding: (OrganisationCount & { firstEndOn: string })[];
  /** The basin's figures: `all`, then per SIAE kind, then per SIAE. */
  rates: ShownRate[];
  commitments: CommitmentView[];
  /** Whether the actor may enter targets, and the partners they may choose (organisations located in the basin). */
  mayEdit: boolean;
  partners: { id: string; name: string; kind: string }[];
}

/** A commitment as the form and the API send it; every field checked here, 400 naming it. */
export interface CommitmentForm {
  year: unknown;
  partnerOrganisationId?: unknown;
  partnerKind?: unknown;
  indicator: unknown;
  target: unknown;
}

const ZONE = /^[0-9]{4}$/;
const DEPARTMENT = /^(?:[0-9]{2,3}|2A|2B)$/;
const isSiaeKind = (v: string): v is SiaeKind => Object.hasOwn(SIAE_KINDS, v);
const percent = (dynamic: number, examined: number) =>
  examined < SMALL_COUNT ? null : Math.round((dynamic / examined) * 1000) / 10;

/** Masks a group's raw figures (exit-rules.ts shownCount, SMALL_COUNT) and names it. */
export function shownRate(r: ExitRateRow): ShownRate {
  const kind = r.siaeKind && isSiaeKind(r.siaeKind) ? r.siaeKind : null;
  const label =
    r.level === 'all'
      ? RATE_LEVELS.all
      : r.level === 'siaeKind'
        ? kind
          ? `${kind} — ${SIAE_KINDS[kind]}`
          : (r.key ?? '—')
        : (r.label ?? (r.level === 'zone' || r.level === 'department' ? 'Non renseigné' : (r.key ?? '—')));
  return {
    level: r.level,
    year: r.year,
    key: r.key,
    label,
    siaeKind: kind,
    persons: shownCount(r.persons),
    exits: shownCount(r.exits),
    examined: shownCount(r.examined),
    durable: shownCount(r.durable),
    transition: shownCount(r.transition),
    positive: shownCount(r.positive),
    other: shownCount(r.other),
    withdrawn: shownCount(r.withdrawn),
    notCounted: shownCount(r.notCounted),
    rate: r.examined < SMALL_COUNT ? null : dynamicExitRate(r),
    examinedExclAci: shownCount(r.examinedExclAci),
    rateExclAci: r.examinedExclAci < SMALL_COUNT ? null : r.dynamicExclAci / r.examinedExclAci,
  };
}

/** Checks a rates query's values (the API's and the pages' parameters), 400 naming the field. */
export function checkRatesQuery(q: RatesQuery): RatesQuery {
  if (q.year !== undefined && !(Number.isInteger(q.year) && q.year >= 2000 && q.year <= 2100))
    throw invalid('year', 'Année invalide : une année de 2000 à 2100 est attendue.');
  if (q.zone !== undefined && !ZONE.test(q.zone))
    throw invalid('zone', 'Zone d’emploi invalide : son code Insee à 4 chiffres est attendu.');
  if (q.department !== undefined && !DEPARTMENT.test(q.department))
    throw invalid('department', 'Département invalide : un code comme 69, 2A ou 974 est attendu.');
  if (q.siaeKind !== undefined && !isSiaeKind(q.siaeKind))
    throw invalid('siaeKind', `Type de SIAE inconnu : ${Object.keys(SIAE_KINDS).join(', ')} attendu.`);
  if (q.groupBy.length === 0 || q.groupBy.some((l) => !rateLevels.includes(l)))
    throw invalid('groupBy', `Regroupement inconnu : ${rateLevels.join(', ')} attendus.`);
  return q;
}

/** Region administrators and analysts, and the super-admin, enter the accord-cadre's targets (rates-rules.ts). */
export function mayEditCommitments(actor: Actor | null): boolean {
  if (!actor) return false;
  if (actor.isSuperAdmin) return true;
  const m = currentMembership(actor);
  return !!m && COMMITMENT_EDITOR_KINDS.has(m.organisationKind) && COMMITMENT_EDITOR_ROLES.has(m.role);
}

/** Dynamic-exit rates and the CTA's steering (issue 12 §6). */
export function ratesUseCases(core: PathwaysCore) {
  const repo = ratesRepository(core.db);
  const signedIn = (actor: Actor | null | undefined): Actor => {
    if (!actor) throw unauthenticated();
    return actor;
  };
  const thisYear = () => Number(core.today().slice(0, 4));
  const zoneOf = async (code: string) => {
    if (!ZONE.test(code))
      throw invalid('zoneCode', 'Zone d’emploi invalide : son code Insee à 4 chiffres est attendu.');
    const zone = await repo.zone(code);
    if (!zone) throw notFound('Zone d’emploi inconnue.');
    return zone;
  };
  const partnerLabel = (c: CommitmentRow) =>
    c.partnerName ??
    (c.partnerKind
      ? `Toutes les organisations « ${ORGANISATION_KINDS[c.partnerKind as keyof typeof ORGANISATION_KINDS] ?? c.partnerKind} » du bassin`
      : '—');
  const partnerOf = (c: CommitmentRow): Partner =>
    c.partnerOrganisationId ? { organisationId: c.partnerOrganisationId } : { kind: c.partnerKind ?? '' };

  return {
    /** Rates for any signed-in member: aggregates only, small counts hidden. */
    async rates(actor: Actor | null, q: RatesQuery): Promise<ShownRate[]> {
      signedIn(actor);
      const query = checkRatesQuery(q);
      const rows = await repo.exitRates({ ...query, levels: query.groupBy, today: core.today() });
      return rows.map(shownRate);
    },

    /** Every SIAE, kind, zone, department and the whole, for one year, unmasked: the benchmark's call (no actor). */
    async ratesAll(year: number): Promise<ExitRateRow[]> {
      return repo.exitRates({ year, levels: rateLevels, today: core.today() });
    },

    /** The basins and their headline rate (ACI excluded) for the year (this year by default). */
    async ctaBasins(
      actor: Actor | null,
      year = thisYear(),
    ): Promise<{ year: number; basins: { code: string; name: string; rate: ShownRate | null }[] }> {
      signedIn(actor);
      checkRatesQuery({ year, groupBy: ['zone'] });
      const [basins, rows] = await Promise.all([
        repo.basins(),
        repo.exitRates({ year, levels: ['zone'], today: core.today() }),
      ]);
      const byZone = new Map(rows.map((r) => [r.key, shownRate(r)]));
      return { year, basins: basins.map((b) => ({ ...b, rate: byZone.get(b.code) ?? null })) };
    },

    /** One basin's CTA page: waiting orientations, eligible people, PASS ending, exits and rates, commitments. */
    async ctaBasin(actor: Actor | null, zoneCode: string, year = thisYear()): Promise<CtaBasin> {
      const a = signedIn(actor);
      checkRatesQuery({ year, groupBy: ['zone'] });
      const zone = await zoneOf(zoneCode);
      const today = core.today();
      // One query at a time: PGlite has a single connection (a Promise.all would queue them anyway).
      const waiting = await repo.waitingOrientations(zone.code);
      const eligibleWithoutHire = await repo.eligibleWithoutHire(zone.code, today);
      const passEnding = await repo.passEnding(zone.code, today);
      const rates = (
        await repo.exitRates({ year, zone: zone.code, levels: ['all', 'siaeKind', 'siae'], today })
      ).map(shownRate);
      const commitments: CommitmentView[] = [];
      for (const c of await repo.commitments(zone.code, year)) {
        const { unit, label } = CTA_INDICATORS[c.indicator];
        const m = await repo.measure(zone.code, year, partnerOf(c), c.indicator);
        const measured = unit === 'percent' ? percent(m.count, m.examined ?? 0) : m.count;
        commitments.push({
          ...c,
          indicatorLabel: label,
          unit,
          partnerLabel: partnerLabel(c),
          measured,
          progress: commitmentProgress({ unit, target: c.target, measured, year }, today),
        });
      }
      const mayEdit = mayEditCommitments(a);
      return {
        zone,
        year,
        today,
        waiting,
        eligibleWithoutHire,
        passEnding,
        rates,
        commitments,
        mayEdit,
        partners: mayEdit ? await repo.organisationsIn(zone.code) : [],
      };
    },

    /**
     * Enters (or replaces) a partner's target for the basin and year. Commitments are no personal
     * data: not in the audit trail (shared/audit.ts), but who entered them is kept on the row and
     * the change goes to the outbox.
     */
    async saveCtaCommitment(
      actor: Actor | null,
      zoneCode: string,
      form: CommitmentForm,
    ): Promise<{ id: string }> {
      const a = signedIn(actor);
      if (!mayEditCommitments(a))
        throw forbidden(
          'Les objectifs de l’accord-cadre sont saisis par les administrateurs et analystes de la Région (la DREETS n’ayant pas de compte d’organisation, la Région les saisit pour elle).',
        );
      const zone = await zoneOf(zoneCode);
      const input = await checkCommitment(form, (id) => repo.organisationExists(id));
      const who = await core.names(a);
      return core.events.transaction(async (tx) => {
        const id = await ratesRepository(tx).saveCommitment({
          ...input,
          zoneCode: zone.code,
          enteredByLabel: who.label,
        });
        await core.events.outbox(tx, 'cta_commitment.saved', a.userId, {
          commitmentId: id,
          zoneCode: zone.code,
          year: input.year,
          indicator: input.indicator,
        });
        return { id };
      });
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** A commitment's fields, each refused with its name (year, partnerOrganisationId, partnerKind, indicator, target). */
export async function checkCommitment(
  form: CommitmentForm,
  organisationExists: (id: string) => Promise<boolean>,
): Promise<{ year: number; partner: Partner; indicator: CtaIndicator; target: number }> {
  const yearText = text(form.year);
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : Number.NaN;
  if (!(year >= 2020 && year <= 2100))
    throw invalid('year', 'Année invalide : une année de 2020 à 2100 est attendue.');
  const org = text(form.partnerOrganisationId);
  const kind = text(form.partnerKind);
  if (!!org === !!kind)
    throw invalid(
      org ? 'partnerKind' : 'partnerOrganisationId',
      'Choisissez un partenaire : une organisation, ou un type d’organisation — l’un ou l’autre.',
    );
  let partner: Partner;
  if (org) {
    if (!UUID.test(org) || !(await organisationExists(org)))
      throw invalid('partnerOrganisationId', 'Organisation partenaire inconnue.');
    partner = { organisationId: org };
  } else {
    if (!Object.hasOwn(ORGANISATION_KINDS, kind))
      throw invalid('partnerKind', 'Type d’organisation inconnu.');
    partner = { kind };
  }
  const indicator = text(form.indicator);
  if (!isCtaIndicator(indicator))
    throw invalid('indicator', `Indicateur inconnu : ${Object.keys(CTA_INDICATORS).join(', ')} attendu.`);
  const targetText = text(form.target).replace(',', '.');
  const target = /^\d{1,9}(\.\d{1,2})?$/.test(targetText) ? Number(targetText) : Number.NaN;
  const unit = CTA_INDICATORS[indicator].unit;
  if (!(target >= 0) || (unit === 'percent' && target > 100))
    throw invalid(
      'target',
      unit === 'percent'
        ? 'Objectif invalide : un pourcentage de 0 à 100 est attendu.'
        : 'Objectif invalide : un nombre positif (deux décimales au plus) est attendu.',
    );
  return { year, partner, indicator, target };
}
