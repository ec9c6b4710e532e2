import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { markAudited, markAuditWritten } from '../../shared/audit.js';
import type { InvitationStatus, MembershipSummary, OrganisationKind, Role } from './model.js';

export type Executor = Kysely<Database>;
export const PAGE_SIZE = 50;

export interface OrganisationRow {
  id: string;
  name: string;
  kind: OrganisationKind;
  siret: string | null;
  communeCode: string | null;
  communeName: string | null;
  departmentCode: string | null;
  email: string | null;
  phone: string | null;
  memberCount: number;
}

export interface UserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string | null;
  is_super_admin: boolean;
  is_active: boolean;
}

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

type OrganisationFilter = (
  q: SelectQueryBuilder<Database, 'organisation', object>,
) => SelectQueryBuilder<Database, 'organisation', object>;

/**
 * Organisations with their commune and member count. The filtered, paginated organisations are
 * selected first, so the commune lookup stays one index probe per row whatever the planner's
 * estimates (a hash join over the 35,000 communes cost 12 ms a page on unanalysed tables).
 */
function organisationSelect(db: Executor, filter: OrganisationFilter) {
  const page = filter(db.selectFrom('organisation')).selectAll('organisation');
  return db
    .selectFrom(page.as('o'))
    .leftJoin('commune as c', 'c.code', 'o.commune_code')
    .select((eb) => [
      'o.id',
      'o.name',
      sql<OrganisationKind>`o.kind`.as('kind'),
      'o.siret',
      'o.commune_code as communeCode',
      'c.name as communeName',
      'c.department_code as departmentCode',
      'o.email',
      'o.phone',
      eb
        .selectFrom('membership as m')
        .whereRef('m.organisation_id', '=', 'o.id')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('memberCount'),
    ])
    .orderBy('o.name');
}

const UUID_TEXT = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** A text that holds a UUID, as a uuid (null otherwise): compares with a primary key, index and all. */
const uuidOf = (text: RawBuilder<unknown>) =>
  sql`(case when ${text} ~ ${UUID_TEXT} then (${text})::uuid end)`;

export function identityRepository(db: Db) {
  return {
    db,
    transaction: <T>(fn: (tx: Executor) => Promise<T>) => db.transaction().execute(fn),

    // Organisations ---------------------------------------------------------------------------
    async listOrganisations(filter: { q?: string; kind?: string; page: number }) {
      const where: OrganisationFilter = (q) => {
        let query = q;
        if (filter.kind) query = query.where('organisation.kind', '=', filter.kind);
        if (filter.q) {
          const pattern = `%${filter.q.toLowerCase()}%`;
          query = query.where(
            sql<boolean>`lower(f_unaccent(organisation.name)) like lower(f_unaccent(${pattern}))`,
          );
        }
        return query;
      };
      const total = await where(db.selectFrom('organisation'))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      const items = (await organisationSelect(db, (q) =>
        where(q)
          .orderBy('organisation.name')
          .limit(PAGE_SIZE)
          .offset((filter.page - 1) * PAGE_SIZE),
      ).execute()) as OrganisationRow[];
      return { items, total: total.n };
    },

    async findOrganisation(id: string, tx: Executor = db): Promise<OrganisationRow | undefined> {
      return (await organisationSelect(tx, (q) => q.where('organisation.id', '=', id)).executeTakeFirst()) as
        | OrganisationRow
        | undefined;
    },

    async organisationNames() {
      return db.selectFrom('organisation').select(['id', 'name']).orderBy('name').execute();
    },

    async organisationIdBySiret(siret: string, tx: Executor = db) {
      return (await tx.selectFrom('organisation').select('id').where('siret', '=', siret).executeTakeFirst())
        ?.id;
    },

    async insertOrganisation(
      tx: Executor,
      values: Omit<OrganisationRow, 'id' | 'memberCount' | 'communeName' | 'departmentCode'>,
    ) {
      const row = await tx
        .insertInto('organisation')
        .values({
          name: values.name,
          kind: values.kind,
          siret: values.siret,
          commune_code: values.communeCode,
          email: values.email,
          phone: values.phone,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async updateOrganisation(
      tx: Executor,
      id: string,
      values: Partial<Omit<OrganisationRow, 'id' | 'memberCount' | 'communeName' | 'departmentCode'>>,
    ) {
      await tx
        .updateTable('organisation')
        .set({
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.kind !== undefined ? { kind: values.kind } : {}),
          ...(values.siret !== undefined ? { siret: values.siret } : {}),
          ...(values.communeCode !== undefined ? { commune_code: values.communeCode } : {}),
          ...(values.email !== undefined ? { email: values.email } : {}),
          ...(values.phone !== undefined ? { phone: values.phone } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    },

    async communeExists(code: string, tx: Executor = db) {
      return !!(await tx.selectFrom('commune').select('code').where('code', '=', code).executeTakeFirst());
    },

    // Users and memberships -----------------------------------------------------------------------
    async findUserByEmail(email: string, tx: Executor = db): Promise<UserRow | undefined> {
      return tx
        .selectFrom('app_user')
        .select(['id', 'email', 'first_name', 'last_name', 'password_hash', 'is_super_admin', 'is_active'])
        .where(sql<boolean>`lower(email) = lower(${email})`)
        .executeTakeFirst();
    },

    async findUser(id: string, tx: Executor = db): Promise<UserRow | undefined> {
      return tx
        .selectFrom('app_user')
        .select(['id', 'email', 'first_name', 'last_name', 'password_hash', 'is_super_admin', 'is_active'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async insertUser(
      tx: Executor,
      values: {
        email: string;
        firstName: string;
        lastName: string;
        passwordHash: string | null;
        superAdmin?: boolean;
      },
    ) {
      const row = await tx
        .insertInto('app_user')
        .values({
          email: values.email,
          first_name: values.firstName,
          last_name: values.lastName,
          password_hash: values.passwordHash,
          is_super_admin: values.superAdmin ?? false,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async updateUser(
      tx: Executor,
      id: string,
      values: { firstName?: string; lastName?: string; passwordHash?: string },
    ) {
      await tx
        .updateTable('app_user')
        .set({
          ...(values.firstName !== undefined ? { first_name: values.firstName } : {}),
          ...(values.lastName !== undefined ? { last_name: values.lastName } : {}),
          ...(values.passwordHash !== undefined ? { password_hash: values.passwordHash } : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    async touchLogin(id: string) {
      await db.updateTable('app_user').set({ last_login_at: new Date() }).where('id', '=', id).execute();
    },

    async countSuperAdmins() {
      const r = await db
        .selectFrom('app_user')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('is_super_admin', '=', true)
        .executeTakeFirstOrThrow();
      return r.n;
    },

    async membershipsOf(userId: string): Promise<MembershipSummary[]> {
      return (await db
        .selectFrom('membership as m')
        .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
        .select([
          'm.organisation_id as organisationId',
          'o.name as organisationName',
          'o.kind as organisationKind',
          'm.role',
        ])
        .where('m.user_id', '=', userId)
        .orderBy('o.name')
        .execute()) as MembershipSummary[];
    },

    async membership(userId: string, organisationId: string, tx: Executor = db) {
      return tx
        .selectFrom('membership')
        .select(['role'])
        .where('user_id', '=', userId)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst() as Promise<{ role: Role } | undefined>;
    },

    async members(organisationId: string) {
      const rows = await db
        .selectFrom('membership as m')
        .innerJoin('app_user as u', 'u.id', 'm.user_id')
        .select([
          'u.id as userId',
          'u.email',
          'u.first_name as firstName',
          'u.last_name as lastName',
          sql<Role>`m.role`.as('role'),
          'u.is_active as active',
          'u.last_login_at as lastLoginAt',
        ])
        .where('m.organisation_id', '=', organisationId)
        .orderBy('u.last_name')
        .orderBy('u.first_name')
        .execute();
      markAudited('members', 'read', { rows: rows.length });
      return rows;
    },

    async countAdmins(organisationId: string, tx: Executor = db) {
      const r = await tx
        .selectFrom('membership')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('organisation_id', '=', organisationId)
        .where('role', '=', 'administrateur')
        .executeTakeFirstOrThrow();
      return r.n;
    },

    async insertMembership(tx: Executor, userId: string, organisationId: string, role: Role) {
      await tx
        .insertInto('membership')
        .values({ user_id: userId, organisation_id: organisationId, role })
        .execute();
    },

    async updateMembership(tx: Executor, userId: string, organisationId: string, role: Role) {
      await tx
        .updateTable('membership')
        .set({ role })
        .where('user_id', '=', userId)
        .where('organisation_id', '=', organisationId)
        .execute();
    },

    async deleteMembership(tx: Executor, userId: string, organisationId: string) {
      await tx
        .deleteFrom('membership')
        .where('user_id', '=', userId)
        .where('organisation_id', '=', organisationId)
        .execute();
      // The person's sessions stay open but act for no organisation until the person chooses one
      // (issue 8: an acting organisation never changes without its user choosing it).
      await tx
        .updateTable('user_session')
        .set({ organisation_id: null })
        .where('user_id', '=', userId)
        .where('organisation_id', '=', organisationId)
        .execute();
    },

    // Membership invitations ------------------------------------------------------------------------
    async insertInvitation(
      tx: Executor,
      values: {
        organisationId: string;
        userId: string;
        email: string;
        role: Role;
        invitedBy: string;
        expiresAt: Date;
      },
    ) {
      const row = await tx
        .insertInto('membership_invitation')
        .values({
          organisation_id: values.organisationId,
          user_id: values.userId,
          email: values.email,
          role: values.role,
          invited_by: values.invitedBy,
          expires_at: values.expiresAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async findInvitation(id: string, tx: Executor = db) {
      return tx
        .selectFrom('membership_invitation')
        .select([
          'id',
          'organisation_id as organisationId',
          'user_id as userId',
          'email',
          sql<Role>`role`.as('role'),
          sql<InvitationStatus>`status`.as('status'),
          'expires_at as expiresAt',
        ])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** The pending invitation of a person to an organisation, expired or not. */
    async pendingInvitation(userId: string, organisationId: string, tx: Executor = db) {
      return tx
        .selectFrom('membership_invitation')
        .select(['id', 'expires_at as expiresAt'])
        .where('user_id', '=', userId)
        .where('organisation_id', '=', organisationId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
    },

    /**
     * Moves a pending invitation to its final state, once: the update is conditional on the row
     * still being pending (and, unless it is being closed as expired, unexpired), so of two
     * concurrent answers only one wins. Returns false when nothing changed.
     */
    async closeInvitation(tx: Executor, id: string, status: InvitationStatus, answeredBy: string | null) {
      const r = await tx
        .updateTable('membership_invitation')
        .set({ status, answered_at: new Date(), answered_by: answeredBy })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .$if(status !== 'expired', (q) => q.where('expires_at', '>', new Date()))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** A pending invitation valid again until `expiresAt` (a resend). False when no longer pending. */
    async renewInvitation(tx: Executor, id: string, expiresAt: Date) {
      const r = await tx
        .updateTable('membership_invitation')
        .set({ expires_at: expiresAt })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Pending, unexpired invitations: an organisation's (filter by organisation) or a person's. */
    async openInvitations(filter: { organisationId: string } | { userId: string }) {
      const q = db
        .selectFrom('membership_invitation as i')
        .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
        .leftJoin('app_user as by', 'by.id', 'i.invited_by')
        .select([
          'i.id',
          'i.organisation_id as organisationId',
          'o.name as organisationName',
          'i.email',
          sql<Role>`i.role`.as('role'),
          sql<string | null>`by.first_name || ' ' || by.last_name`.as('invitedBy'),
          sql<string>`(select u.first_name || ' ' || u.last_name from app_user u where u.id = i.user_id)`.as(
            'name',
          ),
          'i.invited_at as invitedAt',
          'i.expires_at as expiresAt',
        ])
        .where('i.status', '=', 'pending')
        .where('i.expires_at', '>', new Date());
      if (!('organisationId' in filter))
        return q.where('i.user_id', '=', filter.userId).orderBy('i.invited_at', 'desc').execute();
      const rows = await q
        .where('i.organisation_id', '=', filter.organisationId)
        .orderBy('i.invited_at', 'desc')
        .execute();
      // Other people's e-mails and roles, like the member list (a person's own invitations are not).
      markAudited('members', 'read', { invitations: rows.length });
      return rows;
    },

    // Sessions ------------------------------------------------------------------------------------
    async insertSession(values: {
      id: string;
      userId: string;
      organisationId: string | null;
      expiresAt: Date;
      ip: string | null;
      userAgent: string | null;
    }) {
      await db
        .insertInto('user_session')
        .values({
          id: values.id,
          user_id: values.userId,
          organisation_id: values.organisationId,
          expires_at: values.expiresAt,
          ip: values.ip,
          user_agent: values.userAgent,
        })
        .execute();
    },

    async findSession(id: string) {
      return db
        .selectFrom('user_session as s')
        .innerJoin('app_user as u', 'u.id', 's.user_id')
        .select([
          's.id',
          's.user_id as userId',
          's.organisation_id as organisationId',
          's.expires_at as expiresAt',
          'u.email',
          'u.first_name as firstName',
          'u.last_name as lastName',
          'u.is_super_admin as isSuperAdmin',
          'u.is_active as isActive',
        ])
        .where('s.id', '=', id)
        .where('s.expires_at', '>', new Date())
        .executeTakeFirst();
    },

    async setSessionOrganisation(id: string, organisationId: string | null, tx: Executor = db) {
      await tx
        .updateTable('user_session')
        .set({ organisation_id: organisationId })
        .where('id', '=', id)
        .execute();
    },

    async deleteSession(id: string) {
      await db.deleteFrom('user_session').where('id', '=', id).execute();
    },

    async deleteUserSessions(tx: Executor, userId: string, exceptId?: string) {
      let q = tx.deleteFrom('user_session').where('user_id', '=', userId);
      if (exceptId) q = q.where('id', '!=', exceptId);
      await q.execute();
    },

    async deleteExpiredSessions() {
      await db.deleteFrom('user_session').where('expires_at', '<', new Date()).execute();
    },

    // API tokens ----------------------------------------------------------------------------------
    async insertApiToken(
      tx: Executor,
      values: {
        organisationId: string;
        name: string;
        role: Role;
        hash: string;
        prefix: string;
        createdBy: string | null;
      },
    ) {
      const row = await tx
        .insertInto('api_token')
        .values({
          organisation_id: values.organisationId,
          name: values.name,
          role: values.role,
          token_hash: values.hash,
          token_prefix: values.prefix,
          created_by: values.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async apiTokens(organisationId: string) {
      const rows = await db
        .selectFrom('api_token')
        .select([
          'id',
          'name',
          sql<Role>`role`.as('role'),
          'token_prefix as prefix',
          'created_at as createdAt',
          'last_used_at as lastUsedAt',
          'revoked_at as revokedAt',
        ])
        .where('organisation_id', '=', organisationId)
        .orderBy('created_at', 'desc')
        .execute();
      markAudited('api_tokens', 'read', { rows: rows.length });
      return rows;
    },

    async findActiveApiToken(hash: string) {
      return db
        .selectFrom('api_token as t')
        .innerJoin('organisation as o', 'o.id', 't.organisation_id')
        .select([
          't.id',
          't.name',
          sql<Role>`t.role`.as('role'),
          't.organisation_id as organisationId',
          'o.name as organisationName',
          sql<OrganisationKind>`o.kind`.as('organisationKind'),
        ])
        .where('t.token_hash', '=', hash)
        .where('t.revoked_at', 'is', null)
        .executeTakeFirst();
    },

    /** At most one write a minute per token: partner systems may call many times a second. */
    async touchApiToken(id: string) {
      await db
        .updateTable('api_token')
        .set({ last_used_at: new Date() })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(Date.now() - 60_000))]),
        )
        .execute();
    },

    async revokeApiToken(tx: Executor, organisationId: string, id: string) {
      const r = await tx
        .updateTable('api_token')
        .set({ revoked_at: new Date() })
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    // Audit log and outbox --------------------------------------------------------------------------
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

export type IdentityRepository = ReturnType<typeof identityRepository>;
