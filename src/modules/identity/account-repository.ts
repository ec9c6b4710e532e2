import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Executor } from './executor.js';

export interface UserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string | null;
  is_super_admin: boolean;
  is_active: boolean;
}

/** User accounts: identity, password, last login. */
export function accountRepository(db: Db) {
  return {
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
        // Kysely leaves undefined values out of the SET list: a field absent here is not changed.
        .set({ first_name: values.firstName, last_name: values.lastName, password_hash: values.passwordHash })
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
  };
}
