import type { Db } from '../../db/database.js';
import { invalid } from '../../shared/errors.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { personRepository } from './repository.js';
import { requireRgpdHandler } from './rights.js';
import { LEGAL_BASES } from './rules.js';
import { actorName, type ServiceCore } from './service-core.js';
import { spaceRepository } from './space-repository.js';

/**
 * What an erasure keeps, and why (RGPD art. 17.3): shown on the erasure page and in the export.
 * - the audit lines (who read or changed the file, when): the controller must be able to show how
 *   the data was processed (art. 5.2, accountability; CNIL délibération 2021-122 on logging). They
 *   name the actors and the file's id, never the person: once erased, the audit page names no one.
 * - a line of erasure: the file's former id, its referent organisation, its creation, last contact
 *   and erasure dates, who erased it and why (request or retention): proof that the right was
 *   honoured (art. 17 and 19) without keeping anything that identifies the person.
 * - the outbox events (ids and field names only, no values).
 * Everything else goes: identity, contact, situation, jobs, notes, shares, history, the space.
 */
export const ERASURE_KEEPS = [
  'Le journal d’audit : qui a consulté ou modifié le dossier, et quand, sans le nom de la personne (RGPD art. 5.2, responsabilité ; CNIL, délibération 2021-122).',
  'Une ligne d’effacement : l’identifiant technique du dossier, l’organisation référente, les dates de création, de dernier contact et d’effacement, l’auteur et le motif — la preuve que la demande a été traitée (RGPD art. 17 et 19).',
] as const;

const erasedBy = {
  request: (actor: Actor) => actor.label,
  retention: 'Purge automatique (durée de conservation)',
};

/** The RGPD rights over a file (issue 10 §1): access (export of the whole file) and erasure. */
export function rgpdUseCases(core: ServiceCore) {
  /** The whole file, as the person has the right to receive it (RGPD art. 15 and 20). */
  async function wholeFile(personId: string) {
    const file = await core.readFile(personId, 'referent');
    const history = await core.repo.history(personId);
    const rgpd = await core.space.rgpd(personId);
    const account = await core.space.account(personId);
    const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
    return {
      exportedAt: new Date().toISOString(),
      about:
        'Vos données personnelles enregistrées dans Passerelle (RGPD, article 15 : droit d’accès ; article 20 : portabilité).',
      controller: file.referentOrganisation.name,
      legalBasis: { code: file.legalBasis, label: LEGAL_BASES[file.legalBasis] },
      file,
      history: history.map((h) => ({
        occurredAt: iso(h.occurred_at),
        action: h.action,
        by: actorName(h.actor_first_name, h.actor_last_name, h.actor_label),
        organisation: h.organisation_name,
        details: h.details,
      })),
      space: {
        invitedAt: iso(account?.invited_at),
        firstSignInAt: iso(account?.activated_at),
        lastSignInAt: iso(account?.last_sign_in_at),
        employerVisible: rgpd?.employer_visible ?? false,
      },
      registeredBy: rgpd?.registered_by_name
        ? { organisation: rgpd.registered_by_name, handoverConsentOn: rgpd.handover_consent_on }
        : null,
      lastContactAt: iso(rgpd?.last_activity_at),
    };
  }

  return {
    /** The referent's export of a file for the person (right of access): everything, audited. */
    async exportFile(actor: Actor, personId: string) {
      requireRgpdHandler((await core.accessFor(actor, personId)).relation);
      return wholeFile(personId);
    },

    /** The person's own download, from their space. */
    exportOwn: (personId: string) => wholeFile(personId),

    /**
     * Erases a file at the person's request (RGPD art. 17), by its referent organisation, in one
     * transaction with its audit line and its event. `confirm` must repeat the person's last name
     * (a guard against erasing the wrong file: an erasure cannot be undone).
     */
    async erase(actor: Actor, personId: string, confirm: string) {
      const { access, relation } = await core.accessFor(actor, personId);
      requireRgpdHandler(relation);
      if (confirm.trim().toLocaleLowerCase('fr') !== access.lastName.trim().toLocaleLowerCase('fr'))
        throw invalid('confirm', 'Pour confirmer, recopiez le nom de famille de la personne.');
      await core.repo.transaction(async (tx) => {
        await eraseOne(tx, personId, 'request', erasedBy.request(actor), actor);
      });
    },
  };
}

async function eraseOne(
  tx: Db,
  personId: string,
  reason: 'request' | 'retention',
  label: string,
  actor: Actor | null,
) {
  const erased = await spaceRepository(tx).erase(tx, personId, reason, label);
  if (!erased) return false;
  const action = reason === 'request' ? 'person.erased' : 'person.purged';
  await recordAudit(tx, actor, { action, subjectType: 'person', subjectId: personId, details: { reason } });
  await personRepository(tx).recordEvent(tx, action, actor?.userId ?? null, { personId, reason });
  return true;
}

export interface PurgeOptions {
  /** Files with no contact for this many months are erased (config.personRetentionMonths). */
  months: number;
  /** Count and list, erase nothing. */
  dryRun: boolean;
  now?: Date;
  /** Files erased per transaction. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The day `months` months before `now` (the retention limit). */
export function retentionLimit(now: Date, months: number): Date {
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() - months);
  return limit;
}

/**
 * The retention purge (RGPD art. 5.1.e): erases the files with no contact since the retention
 * period (each with its erasure line, audit line and event), by batches, each batch one
 * transaction. Re-runnable: a run stopped half-way leaves whole batches erased and the rest for
 * the next run; a second run finds nothing more to do.
 */
export async function purgeInactiveFiles(db: Db, options: PurgeOptions) {
  const limit = retentionLimit(options.now ?? new Date(), options.months);
  const space = spaceRepository(db);
  const total = await space.countInactiveSince(limit);
  if (options.dryRun) return { limit, total, erased: 0 };
  let erased = 0;
  const batchSize = options.batchSize ?? 200;
  for (;;) {
    const batch = await space.inactiveSince(limit, batchSize);
    if (!batch.length) break;
    await db.transaction().execute(async (tx) => {
      for (const row of batch)
        if (await eraseOne(tx, row.id, 'retention', erasedBy.retention, null)) erased++;
    });
    options.onProgress?.(erased, total);
  }
  return { limit, total, erased };
}
