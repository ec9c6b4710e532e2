import type { Db } from '../../db/database.js';
import type { Executor } from './executor.js';

/** Sessions: the cookie's token hash, the person and the organisation it acts for. */
export function sessionRepository(db: Db) {
  return {
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
  };
}
