import { sql } from 'kysely';
import { type Db, PLANNED_PER_CALL } from '../../db/database.js';
import type { SkillKind } from '../../db/schema.js';
import { DISTANCE_LEARNING_MODES } from './gap-rules.js';

/** The target job as the gap reads it: its ROME 4.0 métier and that métier's v3 trade. */
export interface GapTargetRow {
  appellationCode: string | null;
  appellationLabel: string | null;
  offerId: string | null;
  offerTitle: string | null;
  /** null: an appellation the loaded ROME 4.0 does not attach to a métier (its v3 trade is used). */
  metierCode: string | null;
  metierLabel: string | null;
  tradeCode: string;
}

export interface GapSkillRow {
  code: string;
  kind: SkillKind;
  label: string;
}

/** What the gap needs of the person: where they live, how far they go, the skills they hold. */
export interface GapPersonRow {
  latitude: number | null;
  longitude: number | null;
  radiusKm: number;
  skills: string[];
}

/** One action of the catalogue (trainings module's projection catalogue_search) and its next sessions. */
export interface GapTrainingRow {
  actionId: string;
  trainingId: string;
  title: string;
  providerName: string;
  communeName: string | null;
  postalCode: string | null;
  teachingMode: string;
  romeCodes: string[];
  funderCodes: string[];
  certifying: boolean;
  entryLevel: string;
  hoursCentre: number | null;
  hoursCompany: number | null;
  distanceKm: number | null;
  /** The first active session starting today or later. */
  nextStart: string;
  sessions: number;
  /** The first session starting today or later that recruits (open, places left or not given). */
  openStart: string | null;
  openPlaces: number | null;
}

/**
 * A session recruits when it is open (dict-etat-recrutement 1) with places left or not given: the
 * rule of the catalogue search (trainings/search-repository.ts OPEN_SESSION) and of its projection's
 * open_starts, written again here because this module reads that projection in SQL.
 */
const OPEN_SESSION = sql.raw(`s.recruitment_state = '1' and coalesce(s.places_remaining, 1) > 0`);
const METRES_PER_KM = 1000;

/**
 * The SQL of « se former » (issue 11 §2): the target job, its core skills, the person's place and
 * skills (match_person, migration 0020), and the catalogue's actions that lead to a trade near them,
 * read from the trainings module's search projection (catalogue_search, migration 0011: ROME codes,
 * funders, point, start dates) as its search does.
 */
export function gapRepository(db: Db) {
  return {
    async appellationTarget(code: string): Promise<GapTargetRow | null> {
      const { rows } = await sql<GapTargetRow>`
        select a.code as "appellationCode", a.label as "appellationLabel", null as "offerId", null as "offerTitle",
          m.code as "metierCode", m.label as "metierLabel", coalesce(m.trade_code, a.rome_code) as "tradeCode"
        from rome_appellation a left join rome_metier m on m.code = a.metier_code
        where a.code = ${code}`.execute(db);
      return rows[0] ?? null;
    },

    /** A published offer whose métier is known (the matching's projection match_offer holds only those). */
    async offerTarget(offerId: string): Promise<GapTargetRow | null> {
      const { rows } = await sql<GapTargetRow>`
        select mo.appellation_code as "appellationCode", a.label as "appellationLabel", mo.offer_id as "offerId",
          o.title as "offerTitle", m.code as "metierCode", m.label as "metierLabel", m.trade_code as "tradeCode"
        from match_offer mo
        join job_offer o on o.id = mo.offer_id
        join rome_metier m on m.code = mo.metier_code
        left join rome_appellation a on a.code = mo.appellation_code
        where mo.offer_id = ${offerId}::uuid and o.state = 'published'`.execute(db);
      return rows[0] ?? null;
    },

    /** The core skills (coeur_metier « Principale ») of a ROME 4.0 métier, by kind then label. */
    async coreSkills(metierCode: string): Promise<GapSkillRow[]> {
      const { rows } = await sql<GapSkillRow>`
        select s.code, s.kind, s.label from rome_metier_skill ms join rome_skill s on s.code = ms.skill_code
        where ms.metier_code = ${metierCode} and ms.core = 'principale'
        order by s.kind, s.label, s.code`.execute(db);
      return rows;
    },

    /** The person's place, radius and skills (declared ∪ core skills of past jobs' métiers), kept by triggers. */
    async person(personId: string): Promise<GapPersonRow | null> {
      const { rows } = await sql<GapPersonRow>`
        select latitude, longitude, radius_km as "radiusKm", skills from match_person where person_id = ${personId}::uuid`.execute(
        db,
      );
      return rows[0] ?? null;
    },

    /**
     * Actions with a session starting today or later whose formation's ROME codes meet `romeCodes`,
     * within `radiusKm` of the point or taught at a distance (gap-rules.ts), the nearest first, at
     * most `limit`. With `actionId`, that one action whatever its codes and place (the prepared sheet).
     */
    async trainings(f: {
      romeCodes: string[];
      point: { latitude: number; longitude: number } | null;
      radiusKm: number;
      today: string;
      limit: number;
      actionId?: string;
    }): Promise<GapTrainingRow[]> {
      const origin = f.point ? sql`ll_to_earth(${f.point.latitude}, ${f.point.longitude})` : null;
      const metres = f.radiusKm * METRES_PER_KM;
      const remote = sql`p.teaching_mode = any(${[...DISTANCE_LEARNING_MODES]}::text[])`;
      // The box uses the projection's GiST index on earth; the distance then trims its corners.
      const near = origin
        ? sql`(${remote} or (earth_box(${origin}, ${metres}) @> p.earth and earth_distance(${origin}, p.earth) <= ${metres}))`
        : remote;
      const which = f.actionId
        ? sql`p.action_id = ${f.actionId}::uuid`
        : sql`p.rome_codes && ${f.romeCodes}::text[] and ${near}`;
      const distance = origin
        ? sql`case when p.earth is not null then round((earth_distance(${origin}, p.earth) / 1000)::numeric, 1)::float8 end`
        : sql`null::float8`;
      const { rows } = await sql<GapTrainingRow>`${PLANNED_PER_CALL}
        select p.action_id as "actionId", p.training_id as "trainingId", t.title, pr.name as "providerName",
          c.name as "communeName", a.place->>'postalCode' as "postalCode", p.teaching_mode as "teachingMode",
          p.rome_codes as "romeCodes", p.funder_codes as "funderCodes", p.certifying, p.entry_level as "entryLevel",
          a.hours_centre as "hoursCentre", a.hours_company as "hoursCompany", ${distance} as "distanceKm",
          to_char(ns.next_start, 'YYYY-MM-DD') as "nextStart", ns.sessions,
          to_char(os.start_date, 'YYYY-MM-DD') as "openStart", os.places_remaining as "openPlaces"
        from catalogue_search p
        join training t on t.id = p.training_id
        join training_action a on a.id = p.action_id
        join training_provider pr on pr.id = t.provider_id
        left join commune c on c.code = a.commune_code
        cross join lateral (
          select min(d) as next_start, count(*)::int as sessions from unnest(p.starts) d where d >= ${f.today}::date
        ) ns
        left join lateral (
          select s.start_date, s.places_remaining from training_session s
          where s.action_id = p.action_id and s.status = 'active' and s.start_date >= ${f.today}::date and ${OPEN_SESSION}
          order by s.start_date, s.lheo_number limit 1
        ) os on true
        where p.last_start >= ${f.today}::date and ns.sessions > 0 and ${which}
        order by "distanceKm" nulls first, p.source_key collate "C", p.training_key collate "C", p.action_key collate "C"
        limit ${f.limit}`.execute(db);
      return rows;
    },

    /** The formation an active action belongs to (the prepared sheet opens from an action). */
    async trainingOfAction(actionId: string): Promise<string | null> {
      const { rows } = await sql<{ id: string }>`
        select training_id as id from training_action where id = ${actionId}::uuid and status = 'active'`.execute(
        db,
      );
      return rows[0]?.id ?? null;
    },
  };
}

export type GapRepository = ReturnType<typeof gapRepository>;
