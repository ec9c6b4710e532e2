import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { Executor } from './executor.js';
import type { OrganisationKind, Role } from './model.js';

/** API tokens of partner systems: only their hash and prefix are stored. */
export function tokenRepository(db: Db) {
  return {
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
  };
}
