import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';

/**
 * The SQL of the person's own space (issue 10 §2) and of the RGPD rights (§1): invitations and
 * sign-in links, the space's sessions, the erasure and what stays of it, the retention candidates.
 * Links and sessions are stored as the SHA-256 of their token, never the token itself.
 */
export function spaceRepository(db: Db) {
  return {
    /** The person's account (invited, activated, last sign-in), or undefined if never invited. */
    async account(personId: string) {
      return db.selectFrom('person_account').selectAll().where('person_id', '=', personId).executeTakeFirst();
    },

    /** The address an invitation goes to (the person's own: no audited read of the file). */
    async contact(personId: string) {
      return db
        .selectFrom('person')
        .select(['email', 'first_name as firstName'])
        .where('id', '=', personId)
        .executeTakeFirst();
    },

    async invite(tx: Db, personId: string, invitedByLabel: string) {
      await tx
        .insertInto('person_account')
        .values({ person_id: personId, invited_by_label: invitedByLabel })
        .onConflict((oc) =>
          oc.column('person_id').doUpdateSet({ invited_at: new Date(), invited_by_label: invitedByLabel }),
        )
        .execute();
    },

    async addLink(
      tx: Db,
      link: { tokenHash: string; personId: string; purpose: 'invitation' | 'sign_in'; expiresAt: Date },
    ) {
      await tx
        .insertInto('person_link')
        .values({
          token_hash: link.tokenHash,
          person_id: link.personId,
          purpose: link.purpose,
          expires_at: link.expiresAt,
        })
        .execute();
    },

    /** Files with a space whose e-mail is this one (a person may be held twice: one link each). */
    async accountsByEmail(email: string) {
      const rows = await db
        .selectFrom('person as p')
        .innerJoin('person_account as a', 'a.person_id', 'p.id')
        .select(['p.id', 'p.email', 'p.first_name'])
        .where(sql<boolean>`lower(p.email) = lower(${email})`)
        .limit(5)
        .execute();
      return rows;
    },

    /**
     * Uses a link once: marks it used if it is unused and unexpired, in the same statement, so
     * that two clicks cannot both open a session. Returns the person and the link's purpose.
     */
    async useLink(tx: Db, tokenHash: string) {
      return tx
        .updateTable('person_link')
        .set({ used_at: new Date() })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', new Date())
        .returning(['person_id', 'purpose'])
        .executeTakeFirst();
    },

    async openSession(tx: Db, session: { tokenHash: string; personId: string; expiresAt: Date }) {
      markAudited('persons', 'write');
      await tx
        .insertInto('person_session')
        .values({ token_hash: session.tokenHash, person_id: session.personId, expires_at: session.expiresAt })
        .execute();
      const now = new Date();
      await tx
        .updateTable('person_account')
        .set({ last_sign_in_at: now, activated_at: sql`coalesce(activated_at, ${now})` })
        .where('person_id', '=', session.personId)
        .execute();
      await tx
        .updateTable('person')
        .set({ last_activity_at: now })
        .where('id', '=', session.personId)
        .execute();
    },

    async session(tokenHash: string) {
      return db
        .selectFrom('person_session')
        .select(['person_id', 'token_hash'])
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', new Date())
        .executeTakeFirst();
    },

    async closeSession(tokenHash: string) {
      await db.deleteFrom('person_session').where('token_hash', '=', tokenHash).execute();
    },

    async setEmployerVisible(tx: Db, personId: string, visible: boolean) {
      markAudited('persons', 'write');
      await tx
        .updateTable('person')
        .set({ employer_visible: visible, last_activity_at: new Date(), updated_at: new Date() })
        .where('id', '=', personId)
        .execute();
    },

    /** A file registered by a town hall and handed to its referent, with the person's consent. */
    async markHandedOver(tx: Db, personId: string, byOrganisationId: string, consentOn: string) {
      await tx
        .updateTable('person')
        .set({ registered_by_organisation_id: byOrganisationId, handover_consent_on: consentOn })
        .where('id', '=', personId)
        .execute();
    },

    /** The last contact: the retention period runs from it. */
    async touch(tx: Db, personId: string) {
      await tx
        .updateTable('person')
        .set({ last_activity_at: new Date() })
        .where('id', '=', personId)
        .execute();
    },

    /** What the RGPD columns of a file say (the export and the space show them). */
    async rgpd(personId: string) {
      return db
        .selectFrom('person as p')
        .leftJoin('organisation as o', 'o.id', 'p.registered_by_organisation_id')
        .select([
          'p.employer_visible',
          'p.last_activity_at',
          'p.handover_consent_on',
          'o.name as registered_by_name',
        ])
        .where('p.id', '=', personId)
        .executeTakeFirst();
    },

    /**
     * Erases a file (RGPD art. 17) in the caller's transaction: what stays is a line of
     * person_erasure (no name, no contact, no facet) and, outside this module, the audit lines that
     * name the actors and the file's id only. The shares, history, account, links and sessions go
     * with the file (on delete cascade, migrations 0014 and 0016).
     */
    async erase(tx: Db, personId: string, reason: 'request' | 'retention', erasedByLabel: string) {
      markAudited('persons', 'write');
      const row = await tx
        .deleteFrom('person')
        .where('id', '=', personId)
        .returning(['referent_organisation_id', 'created_at', 'last_activity_at'])
        .executeTakeFirst();
      if (!row) return false;
      await tx
        .insertInto('person_erasure')
        .values({
          person_id: personId,
          referent_organisation_id: row.referent_organisation_id,
          reason,
          file_created_at: row.created_at,
          last_activity_at: row.last_activity_at,
          erased_by_label: erasedByLabel,
        })
        .execute();
      return true;
    },

    /** Files with no contact since `before`, oldest first (the purge job's batch). */
    async inactiveSince(before: Date, limit: number) {
      const rows = await db
        .selectFrom('person')
        .select(['id', 'referent_organisation_id', 'last_activity_at'])
        .where('last_activity_at', '<', before)
        .orderBy('last_activity_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows;
    },

    async countInactiveSince(before: Date) {
      const row = await db
        .selectFrom('person')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('last_activity_at', '<', before)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type SpaceRepository = ReturnType<typeof spaceRepository>;
