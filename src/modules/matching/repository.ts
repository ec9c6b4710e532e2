import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import {
  ACCEPTED_CONTRACTS,
  AVAILABILITY_SLACK_DAYS,
  DEFAULT_RADIUS_KM,
  FIT,
  JOB_VALUES,
  LICENCE_SATISFIED_BY,
  MAX_CANDIDATE_RADIUS_KM,
  PERSON_LEVEL,
  PRESETS,
  type PresetName,
  TERM_KEYS,
  type Term,
  type Weights,
} from './rules.js';
import {
  acceptedContracts,
  addDays,
  holdsLicence,
  type Match,
  type MatchFacts,
  type OfferFeatures,
  type PersonFeatures,
} from './score.js';

/**
 * The matching's SQL (issue 11). topOffers and candidates compute in one statement what score.ts
 * computes in process: the same hard filters, terms, weighted mean, rounding to 6 digits and order
 * (score, then offer id / person id). brute-force.test.ts and bench/matching.ts check they agree.
 *
 * Where the speed comes from: match_offer is indexed (metier_code, latitude), so a person's
 * candidates are one range scan per target métier inside the latitude band of their radius (the
 * longitude band and the exact distance are then filters), plus the remote offers of those métiers
 * (a partial index). The reverse (an offer's candidates) scans match_person_target the same way.
 */

const KM_PER_DEGREE = 111.2;

/** The latitude and longitude half-widths of a radius around a point (a box holding the circle). */
export function box(latitude: number, radiusKm: number) {
  const dLat = radiusKm / KM_PER_DEGREE + 0.01;
  const cos = Math.max(0.05, Math.cos((Math.abs(latitude) * Math.PI) / 180));
  return { dLat, dLon: dLat / cos };
}

/** Haversine in SQL, as score.ts's distanceKm. */
const haversine = (
  lat1: RawBuilder<unknown>,
  lon1: RawBuilder<unknown>,
  lat2: RawBuilder<unknown>,
  lon2: RawBuilder<unknown>,
) =>
  sql`2 * 6371 * asin(least(1, sqrt(power(sin((${lat2} - ${lat1}) * pi() / 180 / 2), 2)
    + cos(${lat1} * pi() / 180) * cos(${lat2} * pi() / 180) * power(sin((${lon2} - ${lon1}) * pi() / 180 / 2), 2))))`;

/** The weighted mean of the terms in TERM_KEYS order (as score.ts's weighted: same float operations). */
function weightedSql(weights: Weights) {
  const used = TERM_KEYS.filter((k) => weights[k] !== 0);
  if (used.length === 0) return sql`0::float8`;
  const num = sql.join(
    used.map((k) => sql`coalesce(${sql.lit(weights[k])}::float8 * ${sql.ref(`t_${k}`)}, 0)`),
    sql` + `,
  );
  const den = sql.join(
    used.map(
      (k) => sql`case when ${sql.ref(`t_${k}`)} is null then 0 else ${sql.lit(weights[k])}::float8 end`,
    ),
    sql` + `,
  );
  // floor(x·10⁶ + 0.5) / 10⁶ is bit for bit score.ts's Math.round(x·1e6) / 1e6; round(numeric, 6)
  // rounded a halfway value (0.5040625) up where the float product rounds it down (bench: 1 in 50).
  return sql`coalesce(floor((${num}) / nullif(${den}, 0) * 1000000::float8 + 0.5) / 1000000::float8, 0)`;
}

/** The terms shared by both directions, over a row with the offer's (o.) and the person's (p.) columns. */
function termColumns(preset: PresetName) {
  const close = PRESETS[preset].closeMetierValue;
  return sql`
    case when t.via = 'wanted' and o.appellation_code = any(p.wanted_appellations) then ${sql.lit(JOB_VALUES.appellation)}::float8
      when t.via = 'wanted' then ${sql.lit(JOB_VALUES.wanted)}::float8
      when t.via = 'past' then ${sql.lit(JOB_VALUES.past)}::float8
      else greatest(${sql.lit(JOB_VALUES.closeFloor)}::float8, ${sql.lit(close)}::float8 - ${sql.lit(JOB_VALUES.closeRankStep)}::float8 * (t.rank - 1)) end as t_job,
    case when cardinality(o.skills) > 0 then shared::float8 / cardinality(o.skills) end as t_skills,
    case when o.remote then 1::float8 else greatest(0::float8, 1 - d / p.radius_km) end as t_distance,
    ((case when cardinality(p.contract_types) = 0 then ${sql.lit(FIT.noContractPreference)}::float8 else 1::float8 end)
      + (case when p.working_time is null or p.working_time = 'any' then 1::float8
          when o.working_time is null then ${sql.lit(FIT.hoursUnknown)}::float8
          when o.working_time = p.working_time then 1::float8 else ${sql.lit(FIT.hoursMismatch)}::float8 end)) / 2 as t_conditions,
    case when o.experience = 'D' then 1::float8
      when o.experience = 'S' then ${sql.lit(FIT.experienceWishedFloor)}::float8 + ${sql.lit(1 - FIT.experienceWishedFloor)}::float8 * least(1::float8, months / coalesce(nullif(o.experience_months, 0), ${sql.lit(FIT.defaultExperienceMonths)})::float8)
      else least(1::float8, months / coalesce(nullif(o.experience_months, 0), ${sql.lit(FIT.defaultExperienceMonths)})::float8) end as t_experience,
    case when o.education_level is null then 1::float8
      when p.level is null then ${sql.lit(FIT.levelUnknown)}::float8
      when p.level >= o.education_level::int then 1::float8
      when p.level = o.education_level::int - 1 then ${sql.lit(FIT.levelOneBelow)}::float8 else 0::float8 end as t_level,
    case when tz.zone_code is not null then tz.offers::float8 / coalesce(nullif(tz.offers + tz.seekers, 0), 1) end as t_tension`;
}

interface ScoredRow {
  person_id: string;
  offer_id: string;
  score: number;
  via: string;
  rank: number;
  appellation_match: boolean;
  d: number | null;
  remote: boolean;
  radius_km: number;
  contract_stated: boolean;
  shared: number;
  offer_skills: number;
  months: number;
  tension_offers: number | null;
  tension_seekers: number | null;
  t_job: number;
  t_skills: number | null;
  t_distance: number;
  t_conditions: number;
  t_experience: number;
  t_level: number;
  t_tension: number | null;
}

function toMatch(r: ScoredRow): Match {
  const terms = Object.fromEntries(TERM_KEYS.map((k) => [k, r[`t_${k}`]])) as Record<Term, number | null>;
  const facts: MatchFacts = {
    via: r.appellation_match ? 'appellation' : (r.via as MatchFacts['via']),
    closeRank: Number(r.rank),
    distanceKm: r.d,
    remote: r.remote,
    radiusKm: Number(r.radius_km),
    contractStated: r.contract_stated,
    sharedSkills: Number(r.shared),
    offerSkills: Number(r.offer_skills),
    experienceMonths: Number(r.months),
    tensionOffers: r.tension_offers === null ? null : Number(r.tension_offers),
    tensionSeekers: r.tension_seekers === null ? null : Number(r.tension_seekers),
  };
  return { offerId: r.offer_id, score: Number(r.score), terms, facts };
}

/** The person's parameters the SQL needs, derived from their features by rules.ts. */
function personParams(p: PersonFeatures, today: string) {
  const { dLat, dLon } = box(p.latitude ?? 0, p.radiusKm);
  return {
    person_id: p.personId,
    latitude: p.latitude,
    longitude: p.longitude,
    dlat: dLat,
    dlon: dLon,
    radius_km: p.radiusKm,
    contracts: acceptedContracts(p.contractTypes),
    contract_types: p.contractTypes,
    licences: Object.keys(LICENCE_SATISFIED_BY).filter((l) => holdsLicence(p.drivingLicences, l)),
    // Available at most 30 days after the start: the start must be on or after available_from - 30.
    start_from: p.availableFrom ? addDays(p.availableFrom, -AVAILABILITY_SLACK_DAYS) : null,
    today_ok: p.availableFrom === null || p.availableFrom <= addDays(today, AVAILABILITY_SLACK_DAYS),
    level: p.educationLevel === null ? null : (PERSON_LEVEL[p.educationLevel] ?? null),
    working_time: p.workingTime,
    wanted_appellations: p.wantedAppellations,
    skills: p.skills,
    experience: p.experience,
  };
}

export interface Candidate {
  personId: string;
  score: number;
  terms: Record<Term, number | null>;
  facts: MatchFacts;
}

export type CandidateVisibility = { employer: true } | { organisationId: string };

export function matchRepository(db: Db) {
  return {
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),

    /** The persons' features (match_person and their target métiers), in the order of the ids. */
    async personFeatures(personIds: string[]): Promise<PersonFeatures[]> {
      if (personIds.length === 0) return [];
      const { rows } = await sql<{
        person_id: string;
        latitude: number | null;
        longitude: number | null;
        radius_km: number;
        contract_types: string[];
        working_time: string | null;
        driving_licences: string[];
        available_from: string | null;
        education_level: string | null;
        wanted_appellations: string[];
        skills: string[];
        experience: Record<string, number>;
        targets: { m: string; v: 'wanted' | 'past' | 'close'; r: number }[] | null;
      }>`
        select p.person_id, p.latitude, p.longitude, p.radius_km, p.contract_types, p.working_time,
          p.driving_licences, p.available_from::text as available_from, p.education_level,
          p.wanted_appellations, p.skills, p.experience,
          (select json_agg(json_build_object('m', t.metier_code, 'v', t.via, 'r', t.rank))
            from match_person_target t where t.person_id = p.person_id) as targets
        from match_person p where p.person_id = any(${personIds}::uuid[])`.execute(db);
      markAudited('persons', 'read', { matchedPersons: rows.length });
      const byId = new Map(
        rows.map((r) => [
          r.person_id,
          {
            personId: r.person_id,
            latitude: r.latitude,
            longitude: r.longitude,
            radiusKm: r.radius_km ?? DEFAULT_RADIUS_KM,
            contractTypes: r.contract_types,
            workingTime: r.working_time,
            drivingLicences: r.driving_licences,
            availableFrom: r.available_from,
            educationLevel: r.education_level,
            wantedAppellations: r.wanted_appellations,
            skills: r.skills,
            experience: typeof r.experience === 'string' ? JSON.parse(r.experience) : r.experience,
            targets: new Map((r.targets ?? []).map((t) => [t.m, { via: t.v, rank: Number(t.r) }])),
          } satisfies PersonFeatures,
        ]),
      );
      return personIds.flatMap((id) => byId.get(id) ?? []);
    },

    /**
     * Each person's top offers: the hard filters of issue 11 §1 (target métier, radius or remote,
     * contract accepted, licences held, availability, not expired), then the score. One statement
     * for the whole batch (a lateral join per person). `skipDismissed` leaves out what a counsellor
     * excluded or the person said « pas pour moi » of (the lists shown); the check against the
     * in-process scorer and the stored suggestions' measure use it too, so that both agree.
     */
    async topOffers(
      persons: PersonFeatures[],
      preset: PresetName,
      weights: Weights,
      limit: number,
      today: string,
      options: { skipDismissed?: boolean; presets?: ReadonlyMap<string, PresetName> } = {},
    ): Promise<Map<string, Match[]>> {
      const result = new Map<string, Match[]>(persons.map((p) => [p.personId, []]));
      const located = persons.filter((p) => p.targets.size > 0);
      if (located.length === 0) return result;
      // What was dismissed (a counsellor's exclusion, the person's « pas pour moi »), read once for the
      // batch and passed with each person: a look-up per candidate offer cost a sixth of the ranking.
      const dismissedBy = new Map<string, string[]>();
      if (options.skipDismissed) {
        const { rows } = await sql<{ person_id: string; offers: string[] }>`
          select person_id, array_agg(offer_id) as offers from match_feedback
          where person_id = any(${located.map((p) => p.personId)}::uuid[])
            and ((party = 'counsellor' and verdict = 'excluded') or (party = 'person' and verdict = 'not_for_me'))
          group by person_id`.execute(db);
        for (const r of rows) dismissedBy.set(r.person_id, r.offers);
      }
      const params = JSON.stringify(
        located.map((p) => ({ ...personParams(p, today), dismissed: dismissedBy.get(p.personId) ?? [] })),
      );
      const near = (remote: boolean) => sql`
        select o.*, ${remote ? sql`null::float8` : haversine(sql`p.latitude`, sql`p.longitude`, sql`o.latitude`, sql`o.longitude`)} as d
        from match_offer o
        where o.metier_code = t.metier_code
          ${
            remote
              ? sql`and o.remote`
              : sql`and not o.remote and p.latitude is not null
                and o.latitude between p.latitude - p.dlat and p.latitude + p.dlat
                and o.longitude between p.longitude - p.dlon and p.longitude + p.dlon`
          }`;
      const { rows } = await sql<ScoredRow>`
        with p as (
          select * from jsonb_to_recordset(${params}::jsonb) as x(person_id uuid, latitude float8, longitude float8,
            dlat float8, dlon float8, radius_km float8, contracts text[], contract_types text[], licences text[],
            start_from date, today_ok boolean, level int, working_time text, wanted_appellations text[],
            skills text[], experience jsonb, dismissed uuid[])
        )
        select p.person_id, s.* from p cross join lateral (
          select c.*, ${weightedSql(weights)} as score from (
            select o.offer_id, t.via, t.rank, (t.via = 'wanted' and o.appellation_code = any(p.wanted_appellations)) as appellation_match,
              o.d, o.remote, p.radius_km, cardinality(p.contract_types) > 0 as contract_stated, shared, cardinality(o.skills) as offer_skills, months,
              tz.offers as tension_offers, tz.seekers as tension_seekers,
              ${termColumns(preset)}
            from match_person_target t
            cross join lateral (${near(false)} union all ${near(true)}) o
            -- The intersection only where the arrays overlap (&&, cheap): most candidates share no skill.
            cross join lateral (select case when o.skills && p.skills
                then cardinality(array(select unnest(o.skills) intersect select unnest(p.skills))) else 0 end as shared,
              coalesce((p.experience ->> o.metier_code)::float8, 0) as months) k
            left join match_tension tz on tz.zone_code = o.zone_code and tz.metier_code = o.metier_code
            where t.person_id = p.person_id
              and (o.remote or o.d <= p.radius_km)
              and (o.expires_on is null or o.expires_on >= ${today}::date)
              and (cardinality(p.contracts) = 0 or o.contract_type = any(p.contracts))
              and o.driving_licences <@ p.licences
              and (case when o.start_date is null then p.today_ok else p.start_from is null or o.start_date >= p.start_from end)
              and not (o.offer_id = any(p.dismissed))
            -- A fence: without it the planner inlines the terms into the score, computing each twice
            -- (numerator and denominator), the skills' intersection included (EXPLAIN, bench).
            offset 0
          ) c
          order by score desc, c.offer_id
          limit ${limit}
        ) s`.execute(db);
      for (const r of rows) result.get(r.person_id)?.push(toMatch(r));
      return result;
    },

    /** Every offer's features, in batches (the brute-force scorer's input). */
    async *allOffers(batch = 50_000): AsyncIterable<OfferFeatures[]> {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const { rows } = await sql<OfferFeatures>`
          select offer_id as "offerId", metier_code as "metierCode", appellation_code as "appellationCode",
            latitude, longitude, zone_code as "zoneCode", remote, contract_type as "contractType",
            working_time as "workingTime", start_date::text as "startDate", expires_on::text as "expiresOn",
            driving_licences as "drivingLicences", skills, experience, experience_months as "experienceMonths",
            education_level as "educationLevel"
          from match_offer where offer_id > ${after}::uuid order by offer_id limit ${batch}`.execute(db);
        if (rows.length === 0) return;
        yield rows;
        after = rows[rows.length - 1]!.offerId;
      }
    },

    async tensions(): Promise<Map<string, { offers: number; seekers: number }>> {
      const rows = await db
        .selectFrom('match_tension')
        .select(['zone_code', 'metier_code', 'offers', 'seekers'])
        .execute();
      return new Map(
        rows.map((r) => [`${r.zone_code}|${r.metier_code}`, { offers: r.offers, seekers: r.seekers }]),
      );
    },

    /**
     * An offer's candidates: the persons whose target métiers hold the offer's, within their radius
     * of it (or any place for a remote offer), who accept its contract, hold its licences and are
     * available; among those the actor may see (the employer: persons who made their profile
     * visible; a counsellor: the files their organisation may list).
     */
    async candidates(
      offerId: string,
      options: {
        visibility: CandidateVisibility;
        preset: PresetName;
        weights: Weights;
        limit: number;
        today: string;
      },
    ): Promise<Candidate[]> {
      // Looking for an offer's candidates is a read of persons' data even when none comes out: the
      // route's audit line says who looked, whatever the answer (the matrix on PostgreSQL found an
      // offer outside the projection leaving no line).
      markAudited('persons', 'read', { candidates: 0 });
      const offer = await db
        .selectFrom('match_offer')
        .selectAll()
        .where('offer_id', '=', offerId)
        .executeTakeFirst();
      if (!offer) return [];
      if (offer.expires_on !== null && offer.expires_on < options.today) return [];
      const personContracts = Object.entries(ACCEPTED_CONTRACTS)
        .filter(([, offerTypes]) => offerTypes.includes(offer.contract_type))
        .map(([personType]) => personType);
      const licenceNeeds = offer.driving_licences.map((l) => LICENCE_SATISFIED_BY[l] ?? [l]);
      const start = offer.start_date ?? options.today;
      const availableBy = addDays(start, AVAILABILITY_SLACK_DAYS);
      const visible =
        'employer' in options.visibility
          ? sql`p.employer_visible`
          : sql`exists (select 1 from person_access a where a.organisation_id = ${options.visibility.organisationId}::uuid and a.person_id = p.person_id)`;
      // The box holds the largest radius among the métier's persons (an index-only look-up), not the
      // 200 km any radius may reach: most radii are 10–50 km, and the box is what the scan reads.
      const widest = await sql<{ r: number | null }>`
        select max(radius_km) as r from match_person_target where metier_code = ${offer.metier_code}`.execute(
        db,
      );
      const radius = Math.min(MAX_CANDIDATE_RADIUS_KM, Number(widest.rows[0]?.r ?? 0));
      const { dLat, dLon } = box(offer.latitude ?? 0, radius);
      const place = offer.remote
        ? sql``
        : sql`and t.latitude between ${offer.latitude}::float8 - ${dLat}::float8 and ${offer.latitude}::float8 + ${dLat}::float8
            and t.longitude between ${offer.longitude}::float8 - ${dLon}::float8 and ${offer.longitude}::float8 + ${dLon}::float8`;
      const levelOf = sql.join(
        Object.entries(PERSON_LEVEL).map(([code, level]) => sql`when ${code} then ${sql.lit(level)}`),
        sql` `,
      );
      const { rows } = await sql<ScoredRow>`
        select c.*, ${weightedSql(options.weights)} as score from (
          select p.person_id, o.offer_id, t.via, t.rank, (t.via = 'wanted' and o.appellation_code = any(p.wanted_appellations)) as appellation_match,
            d, o.remote, p.radius_km, cardinality(p.contract_types) > 0 as contract_stated, shared, cardinality(o.skills) as offer_skills, months,
            tz.offers as tension_offers, tz.seekers as tension_seekers,
            ${termColumns(options.preset)}
          from match_person_target t
          join match_offer o on o.offer_id = ${offerId}::uuid
          join lateral (select mp.*, case mp.education_level ${levelOf} end as level from match_person mp where mp.person_id = t.person_id) p on true
          cross join lateral (select
            case when t.latitude is null or o.latitude is null then null::float8
              else ${haversine(sql`t.latitude`, sql`t.longitude`, sql`o.latitude`, sql`o.longitude`)} end as d,
            case when o.skills && p.skills
              then cardinality(array(select unnest(o.skills) intersect select unnest(p.skills))) else 0 end as shared,
            coalesce((p.experience ->> o.metier_code)::float8, 0) as months) k
          left join match_tension tz on tz.zone_code = o.zone_code and tz.metier_code = o.metier_code
          where t.metier_code = ${offer.metier_code} ${place}
            and (o.remote or d <= p.radius_km)
            and (cardinality(p.contract_types) = 0 or p.contract_types && ${personContracts}::text[])
            and ${
              licenceNeeds.length === 0
                ? sql`true`
                : sql.join(
                    licenceNeeds.map((any) => sql`p.driving_licences && ${any}::text[]`),
                    sql` and `,
                  )
            }
            and (p.available_from is null or p.available_from <= ${availableBy}::date)
            and ${visible}
            and not exists (select 1 from match_feedback f where f.person_id = p.person_id and f.offer_id = o.offer_id
              and ((f.party = 'counsellor' and f.verdict = 'excluded') or (f.party = 'person' and f.verdict = 'not_for_me')))
          offset 0
        ) c
        order by score desc, c.person_id
        limit ${options.limit}`.execute(db);
      markAudited('persons', 'read', { candidates: rows.length });
      return rows.map((r) => {
        const m = toMatch(r);
        return { personId: r.person_id, score: m.score, terms: m.terms, facts: m.facts };
      });
    },
  };
}

export type MatchRepository = ReturnType<typeof matchRepository>;
