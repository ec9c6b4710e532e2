import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { Executor } from './executor.js';
import type { InvitationStatus, Role } from './model.js';

/** Membership invitations: nobody becomes a member without accepting one. */
export function invitationRepository(db: Db) {
  return {
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
  };
}
