import { type Insertable, type SelectQueryBuilder, sql, type Updateable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database, OrganisationTable } from '../../db/schema.js';
import { markAudited } from '../../shared/audit.js';
import { type Executor, PAGE_SIZE } from './executor.js';
import type { MembershipSummary, OrganisationKind, Role } from './model.js';

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

/** What a person enters about an organisation (the rest is computed). */
type OrganisationFields = Omit<OrganisationRow, 'id' | 'memberCount' | 'communeName' | 'departmentCode'>;

/** The organisation table's columns for these fields, one mapping for the insert and the update. */
function organisationColumns(values: OrganisationFields): Insertable<OrganisationTable>;
function organisationColumns(values: Partial<OrganisationFields>): Updateable<OrganisationTable>;
function organisationColumns(values: Partial<OrganisationFields>): Updateable<OrganisationTable> {
  return {
    name: values.name,
    kind: values.kind,
    siret: values.siret,
    commune_code: values.communeCode,
    email: values.email,
    phone: values.phone,
  };
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

/** Organisations, their members and the members' roles. */
export function organisationRepository(db: Db) {
  return {
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

    async insertOrganisation(tx: Executor, values: OrganisationFields) {
      const row = await tx
        .insertInto('organisation')
        .values(organisationColumns(values))
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async updateOrganisation(tx: Executor, id: string, values: Partial<OrganisationFields>) {
      await tx
        .updateTable('organisation')
        // Kysely leaves undefined values out of the SET list: a field absent here is not changed.
        .set({ ...organisationColumns(values), updated_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    async communeExists(code: string, tx: Executor = db) {
      return !!(await tx.selectFrom('commune').select('code').where('code', '=', code).executeTakeFirst());
    },

    // Memberships ---------------------------------------------------------------------------------
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
  };
}
