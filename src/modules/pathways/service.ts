import type { Db } from '../../db/database.js';
import { type Mailer, memoryMailer } from '../../shared/mailer.js';
import type { Actor } from '../identity/model.js';
import type { ActorNames, PathwaysCore } from './core.js';
import { eventsRepository } from './events-repository.js';
import { iaeUseCases } from './iae-service.js';
import type { PathwaysNeeds } from './needs.js';
import { sendOrientationNotices } from './notifications.js';
import { orientationUseCases } from './orientation-service.js';
import { ratesUseCases } from './rates-service.js';
import { orientationRepository } from './repository.js';
import { DEFAULT_EXPIRY_DAYS } from './rules.js';
import { timelineUseCases } from './timeline-service.js';

export interface PathwaysOptions {
  /** Today's ISO date (tests fix it). */
  today?: () => string;
  /** Days before an unanswered orientation expires (ORIENTATION_EXPIRY_DAYS, 60 by default). */
  expiryDays?: number;
  mailer?: Mailer;
  publicUrl?: string;
}

/** Pathways (issue 12): orientations, the person's timeline, IAE eligibility, PASS IAE, exits and rates. */
export function pathwaysService(db: Db, needs: PathwaysNeeds, options: PathwaysOptions = {}) {
  const events = eventsRepository(db);
  const core: PathwaysCore = {
    db,
    needs,
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
    expiryDays: options.expiryDays ?? DEFAULT_EXPIRY_DAYS,
    events,
    orientations: orientationRepository(db),
    async names(actor: Actor): Promise<ActorNames> {
      const { name, organisation } = await events.actorLabels(actor.userId, actor.organisationId);
      const person = name ?? actor.label;
      return {
        userId: actor.userId,
        organisationId: actor.organisationId,
        label: organisation ? `${person} (${organisation})` : person,
        organisation: organisation ?? '—',
      };
    },
  };
  return {
    ...orientationUseCases(core),
    ...timelineUseCases(core),
    ...iaeUseCases(core),
    ...ratesUseCases(core),
    /** The outbox's mail digest of orientations (nightly and every few minutes: npm run expire:orientations). */
    sendNotices: () => sendOrientationNotices(db, options.mailer ?? memoryMailer(), options.publicUrl ?? ''),
  };
}
export type PathwaysService = ReturnType<typeof pathwaysService>;
