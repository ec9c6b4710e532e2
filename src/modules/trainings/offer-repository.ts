import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { LheoSession } from './lheo/model.js';

/** What an OF may change on a session from the UI or the API. */
export interface SessionPatch {
  start?: string;
  end?: string;
  recruitmentState?: '1' | '2' | '3';
  placesTotal?: number | null;
  placesRemaining?: number | null;
}

/** Edits of the offer by its training organisation (offer-service.ts opens their transaction). */
export function offerRepository(db: Db) {
  return {
    /**
     * An edit from the UI marks the formation so that the next feed import rewrites it in full.
     * The writes below run on this repository's executor: the service opens the transaction,
     * which also holds the change's audit line.
     */
    async updateSession(sessionId: string, trainingId: string, patch: SessionPatch) {
      markAudited('training_offer', 'write');
      await db
        .updateTable('training_session')
        .set({
          ...(patch.start !== undefined ? { start_date: patch.start } : {}),
          ...(patch.end !== undefined ? { end_date: patch.end } : {}),
          ...(patch.recruitmentState !== undefined ? { recruitment_state: patch.recruitmentState } : {}),
          ...(patch.placesTotal !== undefined ? { places_total: patch.placesTotal } : {}),
          ...(patch.placesRemaining !== undefined ? { places_remaining: patch.placesRemaining } : {}),
        })
        .where('id', '=', sessionId)
        .execute();
      await db
        .updateTable('training')
        .set({ content_hash: 'modifiée-dans-passerelle', updated_at: new Date() })
        .where('id', '=', trainingId)
        .execute();
    },

    async addSession(actionId: string, trainingId: string, session: LheoSession) {
      markAudited('training_offer', 'write');
      const row = await db
        .insertInto('training_session')
        .values({
          action_id: actionId,
          lheo_number: session.number,
          start_date: session.start,
          end_date: session.end,
          recruitment_state: session.recruitmentState,
          places_total: session.placesTotal,
          places_remaining: session.placesRemaining,
          registration_address: JSON.stringify(session.registrationAddress),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('training')
        .set({ content_hash: 'modifiée-dans-passerelle', updated_at: new Date() })
        .where('id', '=', trainingId)
        .execute();
      return row.id;
    },

    async updateTrainingText(
      trainingId: string,
      patch: { title?: string; objective?: string; expectedResults?: string; content?: string },
    ) {
      markAudited('training_offer', 'write');
      await db
        .updateTable('training')
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.objective !== undefined ? { objective: patch.objective } : {}),
          ...(patch.expectedResults !== undefined ? { expected_results: patch.expectedResults } : {}),
          ...(patch.content !== undefined ? { content: patch.content } : {}),
          content_hash: 'modifiée-dans-passerelle',
          updated_at: new Date(),
        })
        .where('id', '=', trainingId)
        .execute();
    },
  };
}

export type OfferRepository = ReturnType<typeof offerRepository>;
