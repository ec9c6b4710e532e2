import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited, markAuditWritten } from '../../shared/audit.js';
import { type Executor, PAGE_SIZE } from './executor.js';

export interface AuditRecord {
  actorUserId: string | null;
  actorLabel: string | null;
  actorOrganisationId: string | null;
  action: string;
  subjectType?: string | null;
  subjectId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

const UUID_TEXT = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** A text that holds a UUID, as a uuid (null otherwise): compares with a primary key, index and all. */
const uuidOf = (text: RawBuilder<unknown>) =>
  sql`(case when ${text} ~ ${UUID_TEXT} then (${text})::uuid end)`;

/** The audit log and the outbox of domain events. */
export function auditRepository(db: Db) {
  return {
    async audit(tx: Executor, entry: AuditRecord) {
      await tx
        .insertInto('audit_log')
        .values({
          actor_user_id: entry.actorUserId,
          actor_label: entry.actorLabel,
          actor_organisation_id: entry.actorOrganisationId,
          action: entry.action,
          subject_type: entry.subjectType ?? null,
          subject_id: entry.subjectId ?? null,
          details: JSON.stringify(entry.details ?? {}),
          ip: entry.ip ?? null,
        })
        .execute();
      markAuditWritten(entry.action);
    },

    async recordEvent(
      tx: Executor,
      type: string,
      actorUserId: string | null,
      payload: Record<string, unknown>,
    ) {
      await tx
        .insertInto('domain_event')
        .values({ type, actor_user_id: actorUserId, payload: JSON.stringify(payload) })
        .execute();
    },

    async auditEntries(filter: {
      organisationId?: string;
      action?: string;
      actor?: string;
      from?: string;
      to?: string;
      page: number;
    }) {
      let q = db
        .selectFrom('audit_log as a')
        .leftJoin('organisation as o', 'o.id', 'a.actor_organisation_id');
      if (filter.organisationId) q = q.where('a.actor_organisation_id', '=', filter.organisationId);
      if (filter.action) q = q.where('a.action', 'like', `${filter.action.replace(/[\\%_]/g, '\\$&')}%`);
      if (filter.actor)
        q = q.where(sql<boolean>`lower(a.actor_label) like ${`%${filter.actor.toLowerCase()}%`}`);
      if (filter.from) q = q.where('a.occurred_at', '>=', new Date(`${filter.from}T00:00:00Z`));
      if (filter.to) q = q.where(sql<boolean>`a.occurred_at < ${filter.to}::date + 1`);
      const total = await q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      const items = await q
        .select([
          'a.id',
          'a.occurred_at as occurredAt',
          // The person's name today (a label is their e-mail address at the time), else the label.
          sql<
            string | null
          >`coalesce((select nullif(trim(au.first_name || ' ' || au.last_name), '') from app_user au
            where au.id = a.actor_user_id), a.actor_label)`.as('actorLabel'),
          'o.name as organisationName',
          'a.action',
          'a.subject_type as subjectType',
          'a.subject_id as subjectId',
          // Names, not UUIDs, for the log read as sentences (audit-sentences.ts). The ids are text
          // in the log: cast to uuid only when they are one, so a stray value never fails the page.
          sql<string | null>`case a.subject_type
            when 'user' then (select u.first_name || ' ' || u.last_name from app_user u where u.id = ${uuidOf(sql`a.subject_id`)})
            when 'organisation' then (select so.name from organisation so where so.id = ${uuidOf(sql`a.subject_id`)})
            when 'api_token' then (select t.name from api_token t where t.id = ${uuidOf(sql`a.subject_id`)})
            when 'membership_invitation' then (select u.first_name || ' ' || u.last_name from membership_invitation i
              join app_user u on u.id = i.user_id where i.id = ${uuidOf(sql`a.subject_id`)})
            when 'training' then (select tr.title from training tr where tr.id = ${uuidOf(sql`a.subject_id`)})
            -- A person erased from Passerelle (RGPD art. 17) is named no more: the line keeps its subject id.
            when 'person' then (select p.first_name || ' ' || p.last_name from person p where p.id = ${uuidOf(sql`a.subject_id`)})
            when 'job_offer' then (select jo.title from job_offer jo where jo.id = ${uuidOf(sql`a.subject_id`)})
          end`.as('subjectName'),
          sql<
            string | null
          >`(select d.name from organisation d where d.id = ${uuidOf(sql`a.details->>'organisationId'`)})`.as(
            'organisationNameInDetails',
          ),
          sql<
            string | null
          >`(select tr.title from training tr where tr.id = ${uuidOf(sql`a.details->>'trainingId'`)})`.as(
            'trainingTitle',
          ),
          'a.details',
          'a.ip',
        ])
        .orderBy('a.occurred_at', 'desc')
        .orderBy('a.id', 'desc')
        .limit(PAGE_SIZE)
        .offset((filter.page - 1) * PAGE_SIZE)
        .execute();
      markAudited('audit_log', 'read', { rows: items.length, total: total.n });
      return { items, total: total.n };
    },
  };
}
