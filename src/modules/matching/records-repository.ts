import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import { actorName } from '../persons/service-core.js';

/** What a list shows of an offer (public: published offers only). */
export interface OfferSummary {
  id: string;
  title: string;
  employer: string | null;
  place: string | null;
  contractType: string;
  workingTime: string | null;
  publishedAt: Date | null;
  remote: boolean;
  organisationId: string | null;
}

export interface FeedbackRow {
  offerId: string;
  personId: string;
  party: 'counsellor' | 'person' | 'employer';
  verdict: string;
  reason: string | null;
  actorLabel: string;
  recordedAt: Date;
}

const FEEDBACK_COLUMNS = [
  'offer_id as offerId',
  'person_id as personId',
  'party',
  'verdict',
  'reason',
  'actor_label as actorLabel',
  'recorded_at as recordedAt',
] as const;

/** The matching's own records: settings, feedback, outcomes, stored suggestions (migration 0020). */
export function recordsRepository(db: Db) {
  return {
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),

    /**
     * How an actor is named on what they recorded: their name and organisation, never their e-mail
     * address (a counsellor reads it on the file; persons' history does the same: actorName).
     */
    async actorLabel(actor: { userId: string | null; label: string; organisationId: string | null }) {
      const { rows } = await sql<{ first_name: string | null; last_name: string | null; org: string | null }>`
        select u.first_name, u.last_name, (select name from organisation where id = ${actor.organisationId}::uuid) as org
        from (select 1) x left join app_user u on u.id = ${actor.userId}::uuid`.execute(db);
      const r = rows[0];
      const name = actorName(r?.first_name ?? null, r?.last_name ?? null, actor.label);
      return r?.org ? `${name} (${r.org})` : name;
    },

    async offerSummaries(ids: string[]): Promise<Map<string, OfferSummary>> {
      if (ids.length === 0) return new Map();
      const { rows } = await sql<OfferSummary>`
        select o.id, o.title, coalesce(o.employer_name, org.name) as employer,
          coalesce(c.name, o.place_label) as place, o.contract_type as "contractType",
          o.working_time as "workingTime", o.published_at as "publishedAt", o.remote,
          o.organisation_id as "organisationId"
        from job_offer o
        left join organisation org on org.id = o.organisation_id
        left join commune c on c.code = o.commune_code
        where o.id = any(${ids}::uuid[])`.execute(db);
      return new Map(rows.map((r) => [r.id, r]));
    },

    async preset(personId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('match_setting')
        .select('preset')
        .where('person_id', '=', personId)
        .executeTakeFirst();
      return row?.preset;
    },

    async presets(personIds: string[]): Promise<Map<string, string>> {
      if (personIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('match_setting')
        .select(['person_id', 'preset'])
        .where('person_id', 'in', personIds)
        .execute();
      return new Map(rows.map((r) => [r.person_id, r.preset]));
    },

    async setPreset(tx: Db, personId: string, preset: string, label: string) {
      markAudited('persons', 'write', { matchSetting: preset });
      await tx
        .insertInto('match_setting')
        .values({ person_id: personId, preset, updated_by_label: label })
        .onConflict((oc) =>
          oc
            .column('person_id')
            .doUpdateSet({ preset, updated_by_label: label, updated_at: sql`now()` } as never),
        )
        .execute();
    },

    async feedback(personId: string, offerIds?: string[]): Promise<FeedbackRow[]> {
      let q = db.selectFrom('match_feedback').select(FEEDBACK_COLUMNS).where('person_id', '=', personId);
      if (offerIds) {
        if (offerIds.length === 0) return [];
        q = q.where('offer_id', 'in', offerIds);
      }
      return q.orderBy('recorded_at', 'desc').execute();
    },

    async offerFeedback(offerId: string, personIds: string[]): Promise<FeedbackRow[]> {
      if (personIds.length === 0) return [];
      return db
        .selectFrom('match_feedback')
        .select(FEEDBACK_COLUMNS)
        .where('offer_id', '=', offerId)
        .where('person_id', 'in', personIds)
        .execute();
    },

    async setFeedback(
      tx: Db,
      row: {
        personId: string;
        offerId: string;
        party: 'counsellor' | 'person' | 'employer';
        verdict: string;
        reason: string | null;
        actorLabel: string;
        organisationId: string | null;
      },
    ) {
      markAudited('persons', 'write', { matchFeedback: row.verdict });
      const values = {
        person_id: row.personId,
        offer_id: row.offerId,
        party: row.party,
        verdict: row.verdict,
        reason: row.reason,
        actor_label: row.actorLabel,
        organisation_id: row.organisationId,
      };
      await tx
        .insertInto('match_feedback')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['person_id', 'offer_id', 'party']).doUpdateSet({
            verdict: row.verdict,
            reason: row.reason,
            actor_label: row.actorLabel,
            organisation_id: row.organisationId,
            recorded_at: sql`now()`,
          } as never),
        )
        .execute();
    },

    async removeFeedback(
      tx: Db,
      personId: string,
      offerId: string,
      party: 'counsellor' | 'person' | 'employer',
    ) {
      markAudited('persons', 'write', { matchFeedback: 'removed' });
      const r = await tx
        .deleteFrom('match_feedback')
        .where('person_id', '=', personId)
        .where('offer_id', '=', offerId)
        .where('party', '=', party)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async outcomes(personId: string) {
      return db
        .selectFrom('match_outcome')
        .select([
          'offer_id as offerId',
          'outcome',
          'recorded_at as recordedAt',
          'recorded_by_label as recordedBy',
        ])
        .where('person_id', '=', personId)
        .orderBy('recorded_at')
        .execute();
    },

    /** The rank and preset the offer had among the person's stored suggestions, if it was one. */
    async storedSuggestion(personId: string, offerId: string) {
      return db
        .selectFrom('match_suggestion')
        .select(['rank', 'preset'])
        .where('person_id', '=', personId)
        .where('offer_id', '=', offerId)
        .executeTakeFirst();
    },

    async addOutcome(
      tx: Db,
      row: {
        personId: string;
        offerId: string;
        outcome: string;
        suggestedRank: number | null;
        suggestedPreset: string | null;
        actorLabel: string;
        organisationId: string | null;
      },
    ) {
      markAudited('persons', 'write', { matchOutcome: row.outcome });
      const r = await tx
        .insertInto('match_outcome')
        .values({
          person_id: row.personId,
          offer_id: row.offerId,
          outcome: row.outcome,
          suggested_rank: row.suggestedRank,
          suggested_preset: row.suggestedPreset,
          department_code: sql<string>`(select department_code from match_person where person_id = ${row.personId}::uuid)`,
          recorded_by_label: row.actorLabel,
          organisation_id: row.organisationId,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('outcome')
        .executeTakeFirst();
      return r !== undefined;
    },

    /** The outbox (domain_event, migration 0003): a change's event, in its transaction. */
    async recordEvent(tx: Db, type: string, actorUserId: string | null, payload: Record<string, unknown>) {
      await tx
        .insertInto('domain_event')
        .values({ type, actor_user_id: actorUserId, payload: JSON.stringify(payload) })
        .execute();
    },

    /** Names of the persons a counsellor's organisation may list (the candidates' list). */
    async personNames(organisationId: string, ids: string[]) {
      if (ids.length === 0) return new Map<string, { firstName: string; lastName: string }>();
      const rows = await db
        .selectFrom('person_access')
        .select(['person_id', 'first_name', 'last_name'])
        .where('organisation_id', '=', organisationId)
        .where('person_id', 'in', ids)
        .execute();
      markAudited('persons', 'read', { names: rows.length });
      return new Map(rows.map((r) => [r.person_id, { firstName: r.first_name, lastName: r.last_name }]));
    },

    /** What an employer sees of a visible candidate: no name, no contact (persons' « sans le nom »). */
    async candidateProfiles(ids: string[]) {
      if (ids.length === 0)
        return new Map<
          string,
          {
            id: string;
            commune: string | null;
            wanted: string[];
            level: string | null;
            referentOrganisation: string;
          }
        >();
      const { rows } = await sql<{
        id: string;
        commune: string | null;
        wanted: string[];
        level: string | null;
        referentOrganisation: string;
      }>`
        select p.id, c.name as commune,
          array(select a.label from rome_appellation a where a.code = any(p.wanted_jobs) order by a.label) as wanted,
          p.education_level as level, org.name as "referentOrganisation"
        from person p
        left join commune c on c.code = p.commune_code
        join organisation org on org.id = p.referent_organisation_id
        where p.id = any(${ids}::uuid[])`.execute(db);
      markAudited('persons', 'read', { profiles: rows.length });
      return new Map(rows.map((r) => [r.id, r]));
    },
  };
}

export type RecordsRepository = ReturnType<typeof recordsRepository>;
