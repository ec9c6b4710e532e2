import type { AuditAction } from '../../shared/audit.js';
import { forbidden, invalid, notFound } from '../../shared/errors.js';
import { isIsoDate, isUuid } from '../../shared/formats.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { type OfferRepository, offerRepository, type SessionPatch } from './offer-repository.js';
import type { TrainingView } from './repository.js';
import { canManageOffer } from './rights.js';
import type { NewSessionBody, TrainingTextPatch } from './schemas.js';
import { refreshSearchProjection } from './search-repository.js';
import type { ServiceContext } from './service-helpers.js';

/** Session dates, whoever calls (API schema, page form): a date that does not exist never reaches SQL. */
function checkSessionDates(dates: { start?: string; end?: string }) {
  for (const field of ['start', 'end'] as const) {
    const value = dates[field];
    if (value !== undefined && !isIsoDate(value))
      throw invalid(
        field,
        `Date « ${value} » invalide : une date qui existe, au format AAAA-MM-JJ, est attendue.`,
      );
  }
}

/** A training organisation's own offer: its formations, their texts and sessions, and the places left. */
export function offerService({ db, catalogue, changed }: ServiceContext) {
  /**
   * A change of the training offer and its audit line, in one transaction: the line commits or
   * rolls back with the change (issue 8, hole 13: 345 session edits and a text edit left no line).
   */
  function changeOffer<T>(
    actor: Actor,
    trainingId: string,
    fn: (repo: OfferRepository) => Promise<T>,
    audit: (result: T) => {
      action: AuditAction;
      subjectType: string;
      subjectId: string;
      details?: Record<string, unknown>;
    },
  ): Promise<T> {
    return db.transaction().execute(async (tx) => {
      const result = await fn(offerRepository(tx));
      // The search reads its projection: the formation's rows change with it, in its transaction.
      await refreshSearchProjection(tx, { trainingIds: [trainingId] });
      await recordAudit(tx, actor, audit(result));
      return result;
    });
  }

  async function managedSession(actor: Actor, sessionId: string) {
    if (!isUuid(sessionId)) throw notFound('Session introuvable.');
    const owner = await catalogue.sessionOwner(sessionId);
    if (!owner) throw notFound('Session introuvable.');
    if (!canManageOffer(actor, owner.organisation_id))
      throw forbidden('Seul l’organisme de formation responsable peut modifier cette session.');
    return owner;
  }

  async function get(actor: Actor | null, id: string): Promise<TrainingView & { canManage: boolean }> {
    if (!isUuid(id)) throw notFound('Formation introuvable.');
    const [training] = await catalogue.load([id]);
    if (!training) throw notFound('Formation introuvable.');
    return { ...training, canManage: canManageOffer(actor, training.providerOrganisationId) };
  }

  async function checkTrainingRights(actor: Actor, trainingId: string) {
    const training = await get(actor, trainingId);
    if (!training.canManage)
      throw forbidden('Seul l’organisme de formation responsable peut modifier cette formation.');
    return training;
  }

  return {
    get,

    async ownTrainings(actor: Actor, page: number) {
      if (!actor.organisationId) return { total: 0, items: [] };
      return catalogue.ownTrainings(actor.organisationId, 50, (page - 1) * 50);
    },

    /** Checks the right before reading a form, so that a refusal never depends on what was typed. */
    async checkSessionRights(actor: Actor, sessionId: string) {
      await managedSession(actor, sessionId);
    },

    checkTrainingRights,

    async updateSession(actor: Actor, sessionId: string, patch: SessionPatch) {
      checkSessionDates(patch);
      const owner = await managedSession(actor, sessionId);
      const start = patch.start ?? owner.start_date;
      const end = patch.end ?? owner.end_date;
      if (end < start) throw invalid('end', 'La session ne peut pas finir avant de commencer.');
      const total = patch.placesTotal !== undefined ? patch.placesTotal : owner.places_total;
      const remaining = patch.placesRemaining !== undefined ? patch.placesRemaining : owner.places_remaining;
      if (total !== null && remaining !== null && remaining > total)
        throw invalid(
          'placesRemaining',
          `Places restantes (${remaining}) supérieures aux places totales (${total}).`,
        );
      await changeOffer(
        actor,
        owner.training_id,
        (repo) => repo.updateSession(sessionId, owner.training_id, patch),
        () => ({
          action: 'training_session.updated',
          subjectType: 'training_session',
          subjectId: sessionId,
          details: { trainingId: owner.training_id, fields: Object.keys(patch) },
        }),
      );
      changed();
      return owner.training_id;
    },

    async addSession(actor: Actor, trainingId: string, actionId: string, body: NewSessionBody) {
      const training = await get(actor, trainingId);
      if (!training.canManage)
        throw forbidden('Seul l’organisme de formation responsable peut ajouter une session.');
      const action = training.actions.find((a) => a.id === actionId);
      if (!action) throw notFound('Action introuvable.');
      checkSessionDates(body);
      if (body.end < body.start) throw invalid('end', 'La session ne peut pas finir avant de commencer.');
      const total = body.placesTotal ?? null;
      const remaining = body.placesRemaining ?? total;
      if (total !== null && remaining !== null && remaining > total)
        throw invalid('placesRemaining', 'Places restantes supérieures aux places totales.');
      const number = `PSL-${Date.now().toString(36)}`;
      const address = action.sessions[0]?.registrationAddress ?? training.provider.address;
      const created = await changeOffer(
        actor,
        trainingId,
        (repo) =>
          repo.addSession(actionId, trainingId, {
            number,
            start: body.start,
            end: body.end,
            recruitmentState: body.recruitmentState ?? '1',
            placesTotal: total,
            placesRemaining: remaining,
            registrationAddress: address,
            registrationPeriod: null,
            extras: [],
            stamps: { createdOn: null, updatedOn: null },
          }),
        (id) => ({
          action: 'training_session.created',
          subjectType: 'training_session',
          subjectId: id,
          details: { trainingId, actionId, start: body.start, end: body.end },
        }),
      );
      changed();
      return created;
    },

    async updateText(actor: Actor, trainingId: string, patch: TrainingTextPatch) {
      await checkTrainingRights(actor, trainingId);
      await changeOffer(
        actor,
        trainingId,
        (repo) => repo.updateTrainingText(trainingId, patch),
        () => ({
          action: 'training.updated',
          subjectType: 'training',
          subjectId: trainingId,
          details: { fields: Object.keys(patch) },
        }),
      );
      changed();
    },
  };
}
