import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { CtaIndicator, RateLevel } from './rates-rules.js';
import { PASS_ENDING_MONTHS, WAITING_STATES } from './rates-rules.js';

/**
 * The rates and the CTA's figures (issue 12 §6): aggregates only, no person's name or id leaves
 * this file. Nothing here reads audited data (shared/audit.ts): counts are not personal data.
 */

/** What the rates are filtered on; `levels` are the groupings asked for, each per year. */
export interface ExitRateFilter {
  /** Calendar year of the exit (and of the contracts' overlap); all years when absent. */
  year?: number;
  /** INSEE employment zone (the exit's `zone_code`, the SIAE's commune for the people in pathway). */
  zone?: string;
  department?: string;
  siaeKind?: string;
  siaeId?: string;
  levels: readonly RateLevel[];
  /** Open contracts run until this ISO date (today); the database's current date when absent. */
  today?: string;
}

/** One group's raw figures (no small-count masking: the service masks before showing). */
export interface ExitRateRow {
  level: RateLevel;
  year: number;
  /** The group's code: the SIAE's id, its kind, the zone or department code; null for `all` and for an unknown zone. */
  key: string | null;
  /** The SIAE's, zone's or department's name (the kind's label is exit-rules' business). */
  label: string | null;
  /** The SIAE's kind for `siae` and `siaeKind` rows. */
  siaeKind: string | null;
  /** Distinct persons with an IAE contract overlapping the year in the group's SIAE (the cohort). */
  persons: number;
  /** Exits recorded in the year, counted or not. */
  exits: number;
  /** Counted exits, `withdrawn` left out: the rate's denominator (DGEFP « sorties examinées »). */
  examined: number;
  durable: number;
  transition: number;
  positive: number;
  other: number;
  /** Counted exits in the « retrait des sorties constatées » category: in no rate. */
  withdrawn: number;
  /** Exits below the counting thresholds (exit-rules.ts exitCounts): in no rate. */
  notCounted: number;
  /** The same two figures with the ACI left out (the seed's headline rate excludes them). */
  examinedExclAci: number;
  dynamicExclAci: number;
}

/**
 * The grouping bits of each level over (siae, kind, zone, department), siae most significant: a
 * bit is 1 where the column is rolled up (as PostgreSQL's GROUPING).
 */
const GROUPING_COLUMNS = ['siae', 'kind', 'zone', 'department'] as const;
const LEVEL_SETS: Record<
  RateLevel,
  { set: RawBuilder<unknown>; bits: number; columns: readonly (typeof GROUPING_COLUMNS)[number][] }
> = {
  all: { set: sql`(year)`, bits: 0b1111, columns: [] },
  siae: { set: sql`(year, siae, kind)`, bits: 0b0011, columns: ['siae', 'kind'] },
  siaeKind: { set: sql`(year, kind)`, bits: 0b1011, columns: ['kind'] },
  zone: { set: sql`(year, zone)`, bits: 0b1101, columns: ['zone'] },
  department: { set: sql`(year, department)`, bits: 0b1110, columns: ['department'] },
};
const LEVEL_OF_BITS = new Map(Object.entries(LEVEL_SETS).map(([level, v]) => [v.bits, level as RateLevel]));

/** The zone of an organisation's commune (INSEE zonage 2020, migration 0012). */
const ORG_ZONE = sql`commune_employment_zone`;

/** A commitment's partner: one organisation, or every organisation of a kind. */
export type Partner = { organisationId: string } | { kind: string };
const partnerIs = (column: RawBuilder<unknown>, p: Partner) =>
  'organisationId' in p
    ? sql`${column} = ${p.organisationId}::uuid`
    : sql`exists (select 1 from organisation p where p.id = ${column} and p.kind = ${p.kind})`;
/** The calendar year of a date column, as a range an index can use. */
const inYear = (column: RawBuilder<unknown>, year: number) =>
  sql`${column} >= make_date(${year}::int, 1, 1) and ${column} < make_date(${year}::int + 1, 1, 1)`;

export interface OrganisationCount {
  organisationId: string;
  name: string;
  kind: string;
  count: number;
}
export interface CommitmentRow {
  id: string;
  zoneCode: string;
  year: number;
  partnerOrganisationId: string | null;
  partnerName: string | null;
  partnerKind: string | null;
  indicator: CtaIndicator;
  target: number;
  enteredByLabel: string;
  enteredAt: string;
}
export interface CommitmentInput {
  zoneCode: string;
  year: number;
  partner: Partner;
  indicator: CtaIndicator;
  target: number;
  enteredByLabel: string;
}

export function ratesRepository(db: Db) {
  return {
    /**
     * Dynamic-exit rates, every level asked for in ONE grouped scan (GROUPING SETS, the same SQL on
     * PostgreSQL and PGlite): the people in pathway (contracts overlapping each year, located by
     * their SIAE's commune) and the exits (located by the zone and department stored at write) are
     * one relation, grouped once.
     */
    async exitRates(f: ExitRateFilter): Promise<ExitRateRow[]> {
      const levels = [...new Set(f.levels)];
      if (levels.length === 0) return [];
      const today = f.today ? sql`${f.today}::date` : sql`current_date`;
      const firstYear = sql`extract(year from c.start_on)::int`;
      const lastYear = sql`extract(year from coalesce(c.end_on, ${today}))::int`;
      const years =
        f.year === undefined
          ? sql`generate_series(${firstYear}, ${lastYear})`
          : sql`generate_series(greatest(${firstYear}, ${f.year}::int), least(${lastYear}, ${f.year}::int))`;
      const contractWhere = [
        f.year === undefined
          ? sql`true`
          : sql`c.start_on < make_date(${f.year}::int + 1, 1, 1) and coalesce(c.end_on, ${today}) >= make_date(${f.year}::int, 1, 1)`,
        f.zone === undefined ? sql`true` : sql`cz.zone_code = ${f.zone}`,
        f.department === undefined ? sql`true` : sql`cm.department_code = ${f.department}`,
        f.siaeKind === undefined ? sql`true` : sql`c.siae_kind = ${f.siaeKind}`,
        f.siaeId === undefined ? sql`true` : sql`c.siae_organisation_id = ${f.siaeId}::uuid`,
      ];
      const exitWhere = [
        f.year === undefined ? sql`true` : inYear(sql`e.exit_on`, f.year),
        f.zone === undefined ? sql`true` : sql`e.zone_code = ${f.zone}`,
        f.department === undefined ? sql`true` : sql`e.department_code = ${f.department}`,
        f.siaeKind === undefined ? sql`true` : sql`e.siae_kind = ${f.siaeKind}`,
        f.siaeId === undefined ? sql`true` : sql`e.siae_organisation_id = ${f.siaeId}::uuid`,
      ];
      const sets = sql.join(levels.map((l) => LEVEL_SETS[l].set));
      // GROUPING() only takes columns of the grouping sets asked for; a column in none is rolled up (1).
      const grouped = new Set(levels.flatMap((l) => LEVEL_SETS[l].columns));
      const bits = sql.join(
        GROUPING_COLUMNS.map((c, i) =>
          grouped.has(c) ? sql`(grouping(${sql.ref(c)}) << ${sql.lit(3 - i)})` : sql.lit(1 << (3 - i)),
        ),
        sql` + `,
      );
      const keys = sql.join(
        GROUPING_COLUMNS.map((c) =>
          grouped.has(c)
            ? sql.ref(c)
            : sql`null::${sql.raw(c === 'siae' ? 'uuid' : 'text')} as ${sql.ref(c)}`,
        ),
      );
      // The distinct people of five grouping sets sort ~120,000 contract-year rows each: at the default
      // 4 MB of sort memory they spilled to disk (bench/pathways.ts, EXPLAIN ANALYZE); 64 MB for this
      // statement only (set local, in its own transaction) keeps them in memory.
      const { rows } = await db.transaction().execute(async (tx) => {
        await sql`set local work_mem = '64MB'`.execute(tx);
        return sql<{
          bits: number;
          year: number;
          siae: string | null;
          kind: string | null;
          zone: string | null;
          department: string | null;
          label: string | null;
          persons: number;
          exits: number;
          examined: number;
          durable: number;
          transition: number;
          positive: number;
          other: number;
          withdrawn: number;
          not_counted: number;
          examined_excl_aci: number;
          dynamic_excl_aci: number;
        }>`
        with facts as (
          select y.year::int as year, c.siae_organisation_id as siae, c.siae_kind as kind, cz.zone_code as zone,
            cm.department_code as department, c.person_id as person, false as is_exit, null::text as category, false as counted,
            0 as n
          from iae_contract c
          join organisation o on o.id = c.siae_organisation_id
          left join commune cm on cm.code = o.commune_code
          left join ${ORG_ZONE} cz on cz.commune_code = o.commune_code
          cross join lateral ${years} as y(year)
          where ${sql.join(contractWhere, sql` and `)}
          union all
          -- The exits come pre-counted (a hash aggregate to a few thousand rows): only the people in
          -- pathway need a DISTINCT, which sorts. Measured side by side on a loaded 2-core machine
          -- (390,000 contracts, 128,000 exits, one year, every level): 2.7 s -> 2.5 s; 594 ms before
          -- this change when the machine was quieter. bench/pathways.ts gives the reference figure.
          select extract(year from e.exit_on)::int, e.siae_organisation_id, e.siae_kind, e.zone_code, e.department_code,
            null::uuid, true, e.category, e.counted, count(*)::int
          from iae_exit e
          where ${sql.join(exitWhere, sql` and `)}
          group by 1, 2, 3, 4, 5, 8, 9
        ), g as (
          select ${bits} as bits, year, ${keys},
            count(distinct person)::int as persons,
            coalesce(sum(n) filter (where is_exit), 0)::int as exits,
            coalesce(sum(n) filter (where counted and category <> 'withdrawn'), 0)::int as examined,
            coalesce(sum(n) filter (where counted and category = 'durable'), 0)::int as durable,
            coalesce(sum(n) filter (where counted and category = 'transition'), 0)::int as transition,
            coalesce(sum(n) filter (where counted and category = 'positive'), 0)::int as positive,
            coalesce(sum(n) filter (where counted and category = 'other'), 0)::int as other,
            coalesce(sum(n) filter (where counted and category = 'withdrawn'), 0)::int as withdrawn,
            coalesce(sum(n) filter (where is_exit and not counted), 0)::int as not_counted,
            coalesce(sum(n) filter (where counted and category <> 'withdrawn' and kind <> 'ACI'), 0)::int as examined_excl_aci,
            coalesce(sum(n) filter (where counted and category in ('durable', 'transition', 'positive') and kind <> 'ACI'), 0)::int
              as dynamic_excl_aci
          from facts
          group by grouping sets (${sets})
        )
        select g.*, coalesce(o.name, z.name, d.name) as label
        from g
        left join organisation o on g.bits = ${LEVEL_SETS.siae.bits} and o.id = g.siae
        left join employment_zone z on g.bits = ${LEVEL_SETS.zone.bits} and z.code = g.zone
        left join department d on g.bits = ${LEVEL_SETS.department.bits} and d.code = g.department
        order by g.bits, g.year, label, g.kind, g.zone, g.department`.execute(tx);
      });
      return rows.map((r) => {
        const level = LEVEL_OF_BITS.get(r.bits)!;
        return {
          level,
          year: r.year,
          key:
            level === 'siae'
              ? r.siae
              : level === 'siaeKind'
                ? r.kind
                : level === 'zone'
                  ? r.zone
                  : level === 'department'
                    ? r.department
                    : null,
          label: r.label,
          siaeKind: level === 'siae' || level === 'siaeKind' ? r.kind : null,
          persons: r.persons,
          exits: r.exits,
          examined: r.examined,
          durable: r.durable,
          transition: r.transition,
          positive: r.positive,
          other: r.other,
          withdrawn: r.withdrawn,
          notCounted: r.not_counted,
          examinedExclAci: r.examined_excl_aci,
          dynamicExclAci: r.dynamic_excl_aci,
        };
      });
    },

    async zone(code: string): Promise<{ code: string; name: string } | undefined> {
      return db
        .selectFrom('employment_zone')
        .select(['code', 'name'])
        .where('code', '=', code)
        .executeTakeFirst();
    },

    /**
     * The basins the platform works in: employment zones where a partner organisation is located
     * or an exit was recorded (the pathways service is given no region code: the partners'
     * communes say where the region's work is).
     */
    async basins(): Promise<{ code: string; name: string }[]> {
      const { rows } = await sql<{ code: string; name: string }>`
        select z.code, z.name from employment_zone z
        where exists (select 1 from organisation o join ${ORG_ZONE} cz on cz.commune_code = o.commune_code where cz.zone_code = z.code)
          or exists (select 1 from iae_exit e where e.zone_code = z.code)
        order by z.name, z.code`.execute(db);
      return rows;
    },

    /** Organisations located in the zone (the commitment form's partners). */
    async organisationsIn(zone: string): Promise<{ id: string; name: string; kind: string }[]> {
      const { rows } = await sql<{ id: string; name: string; kind: string }>`
        select o.id, o.name, o.kind from organisation o join ${ORG_ZONE} cz on cz.commune_code = o.commune_code
        where cz.zone_code = ${zone} order by o.name, o.id`.execute(db);
      return rows;
    },

    async organisationExists(id: string): Promise<boolean> {
      return !!(await db.selectFrom('organisation').select('id').where('id', '=', id).executeTakeFirst());
    },

    /** Orientations still waiting for an answer, per receiving organisation located in the zone. */
    async waitingOrientations(zone: string): Promise<OrganisationCount[]> {
      const { rows } = await sql<OrganisationCount>`
        select t.id as "organisationId", t.name, t.kind, count(*)::int as count
        from orientation o
        join organisation t on t.id = o.target_organisation_id
        join ${ORG_ZONE} cz on cz.commune_code = t.commune_code
        where cz.zone_code = ${zone} and o.state in (${sql.join(WAITING_STATES.map((s) => sql`${s}`))})
        group by t.id, t.name, t.kind
        order by count desc, t.name`.execute(db);
      return rows;
    },

    /**
     * People with a diagnosis valid today and no IAE contract started since it, per organisation
     * that made the diagnosis (located in the zone): eligible, not yet hired.
     */
    async eligibleWithoutHire(zone: string, today: string): Promise<OrganisationCount[]> {
      const { rows } = await sql<OrganisationCount>`
        select a.id as "organisationId", a.name, a.kind, count(distinct d.person_id)::int as count
        from eligibility_diagnosis d
        join organisation a on a.id = d.author_organisation_id
        join ${ORG_ZONE} cz on cz.commune_code = a.commune_code
        where cz.zone_code = ${zone} and d.made_on <= ${today}::date and d.expires_on >= ${today}::date
          and not exists (select 1 from iae_contract c where c.person_id = d.person_id and c.start_on >= d.made_on)
        group by a.id, a.name, a.kind
        order by count desc, a.name`.execute(db);
      return rows;
    },

    /** PASS IAE running today whose effective end falls within PASS_ENDING_MONTHS, per SIAE of the zone. */
    async passEnding(zone: string, today: string): Promise<(OrganisationCount & { firstEndOn: string })[]> {
      const { rows } = await sql<OrganisationCount & { firstEndOn: string }>`
        select s.id as "organisationId", s.name, s.kind, count(*)::int as count, min(a.end_on)::text as "firstEndOn"
        from approval a
        join organisation s on s.id = a.siae_organisation_id
        join ${ORG_ZONE} cz on cz.commune_code = s.commune_code
        where cz.zone_code = ${zone} and a.start_on <= ${today}::date and a.end_on >= ${today}::date
          and a.end_on <= (${today}::date + make_interval(months => ${PASS_ENDING_MONTHS}))::date
        group by s.id, s.name, s.kind
        order by min(a.end_on), s.name`.execute(db);
      return rows;
    },

    async commitments(zone: string, year: number): Promise<CommitmentRow[]> {
      const { rows } = await sql<CommitmentRow>`
        select c.id, c.zone_code as "zoneCode", c.year, c.partner_organisation_id as "partnerOrganisationId",
          o.name as "partnerName", c.partner_kind as "partnerKind", c.indicator, c.target::float8 as target,
          c.entered_by_label as "enteredByLabel", c.entered_at::text as "enteredAt"
        from cta_commitment c left join organisation o on o.id = c.partner_organisation_id
        where c.zone_code = ${zone} and c.year = ${year}
        order by coalesce(o.name, c.partner_kind), c.indicator`.execute(db);
      return rows;
    },

    /** One target per basin, year, partner and indicator (migration 0021's unique index): a new entry replaces it. */
    async saveCommitment(c: CommitmentInput): Promise<string> {
      const org = 'organisationId' in c.partner ? c.partner.organisationId : null;
      const kind = 'kind' in c.partner ? c.partner.kind : null;
      const { rows } = await sql<{ id: string }>`
        insert into cta_commitment (zone_code, year, partner_organisation_id, partner_kind, indicator, target, entered_by_label)
        values (${c.zoneCode}, ${c.year}, ${org}::uuid, ${kind}, ${c.indicator}, ${c.target}, ${c.enteredByLabel})
        on conflict (zone_code, year, coalesce(partner_organisation_id::text, partner_kind), indicator)
        do update set target = excluded.target, entered_by_label = excluded.entered_by_label, entered_at = now()
        returning id`.execute(db);
      return rows[0]!.id;
    },

    /**
     * What a commitment's indicator measures in the basin and year (rates-rules.ts CTA_INDICATORS
     * says how). The rate comes back as its two terms so that the service can hide a small one.
     */
    async measure(
      zone: string,
      year: number,
      partner: Partner,
      indicator: CtaIndicator,
    ): Promise<{ count: number; examined?: number }> {
      const one = async (query: RawBuilder<{ count: number; examined?: number }>) =>
        (await query.execute(db)).rows[0] ?? { count: 0 };
      switch (indicator) {
        case 'orientations':
          return one(sql`
            select count(*)::int as count from orientation o
            join organisation t on t.id = o.target_organisation_id
            join ${ORG_ZONE} cz on cz.commune_code = t.commune_code
            where cz.zone_code = ${zone} and ${partnerIs(sql`o.prescriber_organisation_id`, partner)}
              and ${inYear(sql`(o.created_at at time zone 'Europe/Paris')::date`, year)}`);
        case 'hires':
          return one(sql`
            select count(*)::int as count from iae_contract c
            join orientation o on o.id = c.orientation_id
            join organisation s on s.id = c.siae_organisation_id
            join ${ORG_ZONE} cz on cz.commune_code = s.commune_code
            where cz.zone_code = ${zone} and ${partnerIs(sql`o.prescriber_organisation_id`, partner)}
              and ${inYear(sql`c.start_on`, year)}`);
        case 'dynamic_rate_excl_aci':
          return one(sql`
            select count(*) filter (where e.category in ('durable', 'transition', 'positive'))::int as count,
              count(*)::int as examined
            from iae_exit e
            join iae_contract c on c.id = e.contract_id
            left join orientation o on o.id = c.orientation_id
            where e.zone_code = ${zone} and ${inYear(sql`e.exit_on`, year)}
              and e.counted and e.category <> 'withdrawn' and e.siae_kind <> 'ACI'
              and (${partnerIs(sql`e.siae_organisation_id`, partner)}
                or (o.id is not null and ${partnerIs(sql`o.prescriber_organisation_id`, partner)}))`);
        case 'diagnoses':
          return one(sql`
            select count(*)::int as count from eligibility_diagnosis d
            join organisation a on a.id = d.author_organisation_id
            join ${ORG_ZONE} cz on cz.commune_code = a.commune_code
            where cz.zone_code = ${zone} and ${partnerIs(sql`d.author_organisation_id`, partner)}
              and ${inYear(sql`d.made_on`, year)}`);
      }
    },
  };
}
export type RatesRepository = ReturnType<typeof ratesRepository>;

/** The rates without an actor (the benchmark, bench/pathways.ts): `exitRates(db, filter)`. */
export const exitRates = (db: Db, filter: ExitRateFilter) => ratesRepository(db).exitRates(filter);
