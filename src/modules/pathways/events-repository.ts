import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { PathwayEventKind } from './rules.js';

/** One step of a person's pathway, as a module records it (issue 12 §2). */
export interface NewPathwayEvent {
  personId: string;
  occurredOn: string;
  kind: PathwayEventKind;
  organisationId: string | null;
  organisationLabel: string;
  authorLabel: string;
  summary: string;
  refId?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface PathwayEventRow {
  id: number;
  occurredOn: string;
  recordedAt: string;
  kind: PathwayEventKind;
  organisationId: string | null;
  organisationLabel: string;
  authorLabel: string;
  summary: string;
  refId: string | null;
  detail: Record<string, unknown> | null;
}

export interface MemberRow {
  userId: string;
  organisationId: string;
  role: 'referent' | 'co';
  name: string;
  organisationName: string;
  addedAt: string;
}

/**
 * The timeline's SQL (pathway_event, pathway_member): one range scan per page of a person's
 * timeline on (person_id, occurred_on desc, id desc), the outbox beside every change.
 */
export function eventsRepository(db: Db) {
  return {
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),

    async add(tx: Db, e: NewPathwayEvent) {
      markAudited('pathways', 'write');
      await tx
        .insertInto('pathway_event')
        .values({
          person_id: e.personId,
          occurred_on: e.occurredOn,
          kind: e.kind,
          organisation_id: e.organisationId,
          organisation_label: e.organisationLabel,
          author_label: e.authorLabel,
          summary: e.summary,
          ref_id: e.refId ?? null,
          detail: e.detail ? JSON.stringify(e.detail) : null,
        })
        .execute();
    },

    /** The outbox (domain_event, migration 0003): a change's event, in its transaction. */
    async outbox(tx: Db, type: string, actorUserId: string | null, payload: Record<string, unknown>) {
      await tx
        .insertInto('domain_event')
        .values({ type, actor_user_id: actorUserId, payload: JSON.stringify(payload) })
        .execute();
    },

    /** A page of the timeline, newest first; `before` is the last row's (occurredOn, id) of the previous page. */
    async timeline(personId: string, limit: number, before?: { occurredOn: string; id: number }) {
      markAudited('pathways', 'read', { personId });
      const { rows } = await sql<PathwayEventRow>`
        select id, occurred_on::text as "occurredOn", recorded_at::text as "recordedAt", kind,
          organisation_id as "organisationId", organisation_label as "organisationLabel",
          author_label as "authorLabel", summary, ref_id as "refId", detail
        from pathway_event
        where person_id = ${personId}::uuid
          ${before ? sql`and (occurred_on, id) < (${before.occurredOn}::date, ${before.id})` : sql``}
        order by occurred_on desc, id desc
        limit ${limit}`.execute(db);
      return rows;
    },

    async members(personId: string) {
      const { rows } = await sql<MemberRow>`
        select m.user_id as "userId", m.organisation_id as "organisationId", m.role,
          u.first_name || ' ' || u.last_name as name, o.name as "organisationName", m.added_at::text as "addedAt"
        from pathway_member m join app_user u on u.id = m.user_id join organisation o on o.id = m.organisation_id
        where m.person_id = ${personId}::uuid
        order by m.role desc, u.last_name, u.first_name`.execute(db);
      return rows;
    },

    async setMember(
      tx: Db,
      m: { personId: string; userId: string; organisationId: string; role: 'referent' | 'co'; label: string },
    ) {
      markAudited('pathways', 'write');
      if (m.role === 'referent')
        await tx
          .updateTable('pathway_member')
          .set({ role: 'co' })
          .where('person_id', '=', m.personId)
          .where('role', '=', 'referent')
          .where('user_id', '<>', m.userId)
          .execute();
      await tx
        .insertInto('pathway_member')
        .values({
          person_id: m.personId,
          user_id: m.userId,
          organisation_id: m.organisationId,
          role: m.role,
          added_by_label: m.label,
        })
        .onConflict((oc) =>
          oc
            .columns(['person_id', 'user_id'])
            .doUpdateSet({ role: m.role, organisation_id: m.organisationId }),
        )
        .execute();
    },

    async removeMember(tx: Db, personId: string, userId: string) {
      markAudited('pathways', 'write');
      const r = await tx
        .deleteFrom('pathway_member')
        .where('person_id', '=', personId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /** The members of an organisation who may follow people: the choices for referent and co-accompagnants. */
    async organisationCounsellors(organisationId: string) {
      const { rows } = await sql<{ id: string; name: string }>`
        select u.id, u.first_name || ' ' || u.last_name as name
        from membership m join app_user u on u.id = m.user_id
        where m.organisation_id = ${organisationId}::uuid and m.role in ('conseiller', 'administrateur') and u.is_active
        order by u.last_name, u.first_name`.execute(db);
      return rows;
    },

    /** The label of an actor as the timeline shows it: name (organisation), read before a transaction. */
    async actorLabels(userId: string | null, organisationId: string | null) {
      const { rows } = await sql<{ name: string | null; organisation: string | null }>`
        select (select first_name || ' ' || last_name from app_user where id = ${userId}::uuid) as name,
          (select name from organisation where id = ${organisationId}::uuid) as organisation`.execute(db);
      return { name: rows[0]?.name ?? null, organisation: rows[0]?.organisation ?? null };
    },
  };
}
export type EventsRepository = ReturnType<typeof eventsRepository>;
