import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { OrientationState, OrientationTarget } from './rules.js';

/** An orientation as the pages and the API read it, with its organisations' and person's names. */
export interface OrientationRow {
  id: string;
  personId: string;
  personFirstName: string;
  personLastName: string;
  personBirthDate: string;
  personCommune: string | null;
  prescriberOrganisationId: string;
  prescriberOrganisationName: string;
  prescriberLabel: string;
  targetKind: OrientationTarget;
  targetOrganisationId: string;
  targetOrganisationName: string;
  targetOrganisationKind: string;
  targetRef: string | null;
  targetLabel: string;
  immersionHost: string | null;
  immersionStartOn: string | null;
  immersionEndOn: string | null;
  immersionObjective: string | null;
  message: string;
  diagnosisId: string | null;
  diagnosisExpiresOn: string | null;
  diagnosisAuthor: string | null;
  state: OrientationState;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresOn: string;
  acceptedOn: string | null;
  startOn: string | null;
  refusalReason: string | null;
  decisionComment: string | null;
}

export interface TransitionRow {
  occurredAt: string;
  fromState: OrientationState | null;
  toState: OrientationState;
  actorLabel: string;
  organisationName: string | null;
  reason: string | null;
  comment: string | null;
}

/** What an orientation targets, as its own module holds it: who receives it and whether it is open. */
export interface TargetInfo {
  organisationId: string | null;
  organisationKind: string | null;
  label: string;
  /** Places left (a session's, a position's); null when not counted. */
  placesLeft: number | null;
  open: boolean;
}

const SELECT = sql`
  select o.id, o.person_id as "personId", p.first_name as "personFirstName", p.last_name as "personLastName",
    p.birth_date::text as "personBirthDate", c.name as "personCommune",
    o.prescriber_organisation_id as "prescriberOrganisationId", po.name as "prescriberOrganisationName",
    o.prescriber_label as "prescriberLabel", o.target_kind as "targetKind",
    o.target_organisation_id as "targetOrganisationId", tor.name as "targetOrganisationName",
    tor.kind as "targetOrganisationKind", o.target_ref as "targetRef", o.target_label as "targetLabel",
    o.immersion_host as "immersionHost", o.immersion_start_on::text as "immersionStartOn",
    o.immersion_end_on::text as "immersionEndOn", o.immersion_objective as "immersionObjective",
    o.message, o.diagnosis_id as "diagnosisId", d.expires_on::text as "diagnosisExpiresOn",
    d.author_label as "diagnosisAuthor", o.state, o.version, o.created_at::text as "createdAt",
    o.updated_at::text as "updatedAt", o.expires_on::text as "expiresOn", o.accepted_on::text as "acceptedOn",
    o.start_on::text as "startOn", o.refusal_reason as "refusalReason", o.decision_comment as "decisionComment"
  from orientation o
  join person p on p.id = o.person_id
  left join commune c on c.code = p.commune_code
  join organisation po on po.id = o.prescriber_organisation_id
  join organisation tor on tor.id = o.target_organisation_id
  left join eligibility_diagnosis d on d.id = o.diagnosis_id`;

export type OrientationSide = 'received' | 'sent';

/** The orientations' SQL (orientation, orientation_transition) and the targets' lookups. */
export function orientationRepository(db: Db) {
  return {
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),

    async insert(
      tx: Db,
      o: {
        personId: string;
        prescriberOrganisationId: string;
        prescriberUserId: string | null;
        prescriberLabel: string;
        targetKind: OrientationTarget;
        targetOrganisationId: string;
        targetRef: string | null;
        targetLabel: string;
        immersion: { host: string; startOn: string; endOn: string; objective: string } | null;
        message: string;
        diagnosisId: string | null;
        expiresOn: string;
      },
    ) {
      markAudited('pathways', 'write');
      const row = await tx
        .insertInto('orientation')
        .values({
          person_id: o.personId,
          prescriber_organisation_id: o.prescriberOrganisationId,
          prescriber_user_id: o.prescriberUserId,
          prescriber_label: o.prescriberLabel,
          target_kind: o.targetKind,
          target_organisation_id: o.targetOrganisationId,
          target_ref: o.targetRef,
          target_label: o.targetLabel,
          immersion_host: o.immersion?.host ?? null,
          immersion_start_on: o.immersion?.startOn ?? null,
          immersion_end_on: o.immersion?.endOn ?? null,
          immersion_objective: o.immersion?.objective ?? null,
          message: o.message,
          diagnosis_id: o.diagnosisId,
          expires_on: o.expiresOn,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** The orientation, not audited: the service decides who may see it, then marks the read. */
    async get(id: string, tx: Db = db) {
      const { rows } = await sql<OrientationRow>`${SELECT} where o.id = ${id}::uuid`.execute(tx);
      return rows[0];
    },

    markRead(personId: string) {
      markAudited('pathways', 'read', { personId });
    },

    /**
     * Moves the state if the version is still the one the actor saw (optimistic concurrency): the
     * new version, or null when someone else changed it first.
     */
    async move(
      tx: Db,
      id: string,
      version: number,
      from: OrientationState,
      to: OrientationState,
      patch: {
        acceptedOn?: string;
        startOn?: string;
        refusalReason?: string | null;
        comment?: string | null;
      },
    ) {
      markAudited('pathways', 'write');
      const row = await tx
        .updateTable('orientation')
        .set({
          state: to,
          version: sql`version + 1`,
          updated_at: sql`now()`,
          ...(patch.acceptedOn !== undefined ? { accepted_on: patch.acceptedOn } : {}),
          ...(patch.startOn !== undefined ? { start_on: patch.startOn } : {}),
          ...(patch.refusalReason !== undefined ? { refusal_reason: patch.refusalReason } : {}),
          ...(patch.comment !== undefined ? { decision_comment: patch.comment } : {}),
        })
        .where('id', '=', id)
        .where('version', '=', version)
        .where('state', '=', from)
        .returning('version')
        .executeTakeFirst();
      return row?.version ?? null;
    },

    async logTransition(
      tx: Db,
      t: {
        orientationId: string;
        from: OrientationState | null;
        to: OrientationState;
        actorUserId: string | null;
        actorLabel: string;
        organisationId: string | null;
        reason?: string | null;
        comment?: string | null;
      },
    ) {
      await tx
        .insertInto('orientation_transition')
        .values({
          orientation_id: t.orientationId,
          from_state: t.from,
          to_state: t.to,
          actor_user_id: t.actorUserId,
          actor_label: t.actorLabel,
          organisation_id: t.organisationId,
          reason: t.reason ?? null,
          comment: t.comment ?? null,
        })
        .execute();
    },

    async transitions(id: string) {
      const { rows } = await sql<TransitionRow>`
        select t.occurred_at::text as "occurredAt", t.from_state as "fromState", t.to_state as "toState",
          t.actor_label as "actorLabel", o.name as "organisationName", t.reason, t.comment
        from orientation_transition t left join organisation o on o.id = t.organisation_id
        where t.orientation_id = ${id}::uuid order by t.id`.execute(db);
      return rows;
    },

    /** An organisation's orientations, received or sent, filtered by state, newest first. */
    async list(
      organisationId: string,
      side: OrientationSide,
      filter: { states?: readonly OrientationState[]; limit: number; offset: number },
    ) {
      markAudited('pathways', 'read');
      const column = side === 'received' ? sql`o.target_organisation_id` : sql`o.prescriber_organisation_id`;
      const states = filter.states?.length ? sql`and o.state in (${sql.join(filter.states)})` : sql``;
      const [{ rows }, count] = await Promise.all([
        sql<OrientationRow>`${SELECT} where ${column} = ${organisationId}::uuid ${states}
          order by o.created_at desc, o.id limit ${filter.limit} offset ${filter.offset}`.execute(db),
        sql<{ n: number }>`select count(*)::int as n from orientation o
          where ${column} = ${organisationId}::uuid ${states}`.execute(db),
      ]);
      return { rows, total: count.rows[0]?.n ?? 0 };
    },

    /** A person's orientations (for the readers of the file). */
    async forPerson(personId: string) {
      markAudited('pathways', 'read', { personId });
      const { rows } = await sql<OrientationRow>`${SELECT} where o.person_id = ${personId}::uuid
        order by o.created_at desc`.execute(db);
      return rows;
    },

    /** Whether the organisation received an orientation of the person: the receiver's reason to see it. */
    async receivedFor(personId: string, organisationId: string) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from orientation
        where person_id = ${personId}::uuid and target_organisation_id = ${organisationId}::uuid`.execute(db);
      return (rows[0]?.n ?? 0) > 0;
    },

    /** Open orientations of the same person to the same target (a second one is refused). */
    async openDuplicate(
      personId: string,
      kind: OrientationTarget,
      organisationId: string,
      ref: string | null,
    ) {
      const { rows } = await sql<{ id: string }>`select id from orientation
        where person_id = ${personId}::uuid and target_kind = ${kind} and target_organisation_id = ${organisationId}::uuid
          and target_ref is not distinct from ${ref} and state in ('sent', 'studying', 'on_hold') limit 1`.execute(
        db,
      );
      return rows[0]?.id ?? null;
    },

    /** The prescriber's latest IAE diagnosis of the person still valid: joined to an orientation to an SIAE. */
    async latestDiagnosis(personId: string, organisationId: string, today: string) {
      const { rows } = await sql<{ id: string }>`select id from eligibility_diagnosis
        where person_id = ${personId}::uuid and author_organisation_id = ${organisationId}::uuid
          and expires_on >= ${today}::date
        order by made_on desc, created_at desc limit 1`.execute(db);
      return rows[0]?.id ?? null;
    },

    /** Open requests whose answer is overdue. */
    async overdue(today: string, limit: number) {
      const { rows } = await sql<{ id: string; version: number; state: OrientationState }>`
        select id, version, state from orientation
        where state in ('sent', 'studying', 'on_hold') and expires_on < ${today}::date
        order by expires_on, id limit ${limit}`.execute(db);
      return rows;
    },

    async organisation(id: string) {
      return db
        .selectFrom('organisation')
        .select(['id', 'name', 'kind', 'commune_code'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** A training session as an orientation target: its organisation on Passerelle, its places. */
    async sessionTarget(id: string, today: string): Promise<TargetInfo | undefined> {
      const { rows } = await sql<TargetInfo & { kind: string | null }>`
        select pr.organisation_id as "organisationId", org.kind as "organisationKind",
          t.title || ' — session du ' || to_char(s.start_date, 'DD/MM/YYYY') as label,
          s.places_remaining as "placesLeft",
          (s.status = 'active' and s.end_date >= ${today}::date and s.recruitment_state <> '3') as open
        from training_session s join training_action a on a.id = s.action_id join training t on t.id = a.training_id
        join training_provider pr on pr.id = t.provider_id left join organisation org on org.id = pr.organisation_id
        where s.id = ${id}::uuid`.execute(db);
      return rows[0];
    },

    async positionTarget(id: string): Promise<TargetInfo | undefined> {
      const { rows } = await sql<TargetInfo>`
        select p.organisation_id as "organisationId", o.kind as "organisationKind", p.title as label,
          p.open_places as "placesLeft", p.active as open
        from siae_position p join organisation o on o.id = p.organisation_id where p.id = ${id}::uuid`.execute(
        db,
      );
      return rows[0];
    },

    async offerTarget(id: string): Promise<TargetInfo | undefined> {
      const { rows } = await sql<TargetInfo>`
        select j.organisation_id as "organisationId", o.kind as "organisationKind",
          j.title || coalesce(' — ' || j.employer_name, '') as label, null::int as "placesLeft", j.state = 'published' as open
        from job_offer j left join organisation o on o.id = j.organisation_id where j.id = ${id}::uuid`.execute(
        db,
      );
      return rows[0];
    },

    /**
     * Places a position's accepted requests still hold: accepted and not yet hired, or hired and not
     * yet out (a place frees when the person leaves: the demo's three years of hires measured 23 of
     * 30 positions « complets » when every acceptance of all time counted).
     */
    async acceptedFor(kind: OrientationTarget, ref: string) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from orientation o
        where o.target_kind = ${kind} and o.target_ref = ${ref} and o.state = 'accepted'
          and (not exists (select 1 from iae_contract c where c.orientation_id = o.id)
            or exists (select 1 from iae_contract c where c.orientation_id = o.id
              and not exists (select 1 from iae_exit x where x.contract_id = c.id)))`.execute(db);
      return rows[0]?.n ?? 0;
    },

    /** An SIAE's open positions (the orientation form's choices). */
    async positions(organisationId?: string) {
      const { rows } = await sql<{
        id: string;
        organisationId: string;
        organisationName: string;
        title: string;
        openPlaces: number;
        communeName: string | null;
      }>`
        select p.id, p.organisation_id as "organisationId", o.name as "organisationName", p.title,
          p.open_places as "openPlaces", c.name as "communeName"
        from siae_position p join organisation o on o.id = p.organisation_id left join commune c on c.code = p.commune_code
        where p.active ${organisationId ? sql`and p.organisation_id = ${organisationId}::uuid` : sql``}
        order by o.name, p.title limit 500`.execute(db);
      return rows;
    },

    /** Organisations that receive a kind of orientation (the form's choices for services, immersions, workshops). */
    async receivers(kinds: readonly string[]) {
      if (!kinds.length) return [];
      return db
        .selectFrom('organisation')
        .select(['id', 'name', 'kind'])
        .where('kind', 'in', [...kinds])
        .orderBy('name')
        .limit(500)
        .execute();
    },
  };
}
export type OrientationRepository = ReturnType<typeof orientationRepository>;
