import { forbidden } from '../../shared/errors.js';
import { auditRepository } from './audit-repository.js';
import type { Actor } from './model.js';
import { type AuditRecord, type Executor, PAGE_SIZE } from './repository.js';
import type { AuditQuery } from './schemas.js';
import { actorAudit, type IdentityContext, iso } from './service-context.js';

/**
 * One audit line for what the actor did, written with `tx` so that it commits or rolls back with
 * the change it records. Other modules write their audit lines through this (the audit log is the
 * identity module's table); the app writes the audited reads with it (see shared/audit.ts).
 */
export async function recordAudit(
  tx: Executor,
  actor: Actor | null,
  entry: Omit<AuditRecord, keyof ReturnType<typeof actorAudit>>,
) {
  const who = actor
    ? actorAudit(actor)
    : { actorUserId: null, actorLabel: 'anonyme', actorOrganisationId: null, ip: null };
  await auditRepository(tx).audit(tx, { ...who, ...entry });
}

/** The audit log: its pages for administrators, the reads of a person's file that it records. */
export function auditService({ deps, repo }: IdentityContext) {
  return {
    /** Every organisation's name, for the super-admin's filters. */
    async organisationChoices(actor: Actor) {
      if (!actor.isSuperAdmin) throw forbidden();
      return repo.organisationNames();
    },

    async listAudit(actor: Actor, query: AuditQuery) {
      let organisationId = query.organisationId;
      if (!actor.isSuperAdmin) {
        if (!actor.organisationId && actor.memberships.length > 0)
          throw forbidden(
            'Choisissez d’abord, sur la page d’accueil, l’organisation pour laquelle vous agissez.',
          );
        if (actor.role !== 'administrateur' || !actor.organisationId) {
          throw forbidden('Le journal est réservé aux administrateurs.');
        }
        if (organisationId && organisationId !== actor.organisationId)
          throw forbidden('Vous ne voyez que le journal de votre organisation.');
        organisationId = actor.organisationId;
      }
      const page = query.page ?? 1;
      const { items, total } = await repo.auditEntries({ ...query, organisationId, page });
      return {
        items: items.map((e) => ({ ...e, occurredAt: iso(e.occurredAt)! })),
        total,
        page,
        pageSize: PAGE_SIZE,
      };
    },

    /** Every module calls this when a person's file is read (RGPD accountability). */
    async recordRead(
      actor: Actor,
      subjectType: string,
      subjectId: string,
      details: Record<string, unknown> = {},
    ) {
      await repo.audit(deps.db, {
        ...actorAudit(actor),
        action: 'person.read',
        subjectType,
        subjectId,
        details,
      });
    },
  };
}
