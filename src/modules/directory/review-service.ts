import { sql } from 'kysely';
import { frenchText } from '../../web/typography.js';
import type { Actor } from '../identity/model.js';
import type { DirectoryCore } from './core.js';
import { canPublish, PUBLISHER_ROLES } from './rights.js';
import { REVIEW_REMINDER_EVERY_DAYS, STALE_AFTER_MONTHS, staleBefore } from './rules.js';

/** A stale record of an organisation, as a reminder lists it. */
interface StaleRow {
  organisation_id: string;
  kind: 'structure' | 'service';
  nom: string;
}

/** The ISO date `days` before `on`. */
function daysBefore(on: string, days: number): string {
  const d = new Date(`${on}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** Freshness of the directory (issue 13 §5): stale records counted, their organisations reminded. */
export function reviewUseCases(core: DirectoryCore) {
  const { db, needs, today, mailer, publicUrl } = core;

  /** Every stale record (date_maj before staleBefore(today)) of the organisations' structures, with its organisation. */
  async function staleRecords(organisationId?: string): Promise<StaleRow[]> {
    const before = staleBefore(today());
    const only = organisationId ? sql`and s.organisation_id = ${organisationId}` : sql``;
    const { rows } = await sql<StaleRow>`
      select s.organisation_id, 'structure' as kind, s.nom from directory_structure s
      where s.organisation_id is not null and s.date_maj < ${before}::date ${only}
      union all
      select s.organisation_id, 'service' as kind, v.nom from directory_service v
      join directory_structure s on s.id = v.structure_id
      where s.organisation_id is not null and v.date_maj < ${before}::date ${only}
      order by 1, 2 desc, 3`.execute(db);
    return rows;
  }

  return {
    /** How many of the actor's organisation's records are to review (0 for who does not publish). */
    async staleCount(actor: Actor): Promise<number> {
      if (!canPublish(actor)) return 0;
      return (await staleRecords(actor.organisationId)).length;
    },

    /**
     * The nightly reminder (issue 13 §5, `npm run remind:directory`): each organisation having
     * records not reviewed for STALE_AFTER_MONTHS months, and not reminded in the last
     * REVIEW_REMINDER_EVERY_DAYS days, gets one mail to its administrators and gestionnaires (who
     * keep its records, rights.ts) listing them, and a directory_review_notice row: re-run the same
     * day, it sends nothing more. An organisation without an active publisher is not marked, so it
     * is reminded once someone can act.
     */
    async sendReviewReminders() {
      const counts = { organisations: 0, mails: 0, records: 0, withoutRecipient: 0, failed: 0 };
      const on = today();
      const since = daysBefore(on, REVIEW_REMINDER_EVERY_DAYS - 1);
      const stale = await staleRecords();
      const recent = new Set(
        (
          await db
            .selectFrom('directory_review_notice')
            .select('organisation_id')
            .where(sql<boolean>`sent_at::date >= ${since}::date`)
            .execute()
        ).map((r) => r.organisation_id),
      );
      const byOrganisation = new Map<string, StaleRow[]>();
      for (const r of stale) {
        if (recent.has(r.organisation_id)) continue;
        byOrganisation.set(r.organisation_id, [...(byOrganisation.get(r.organisation_id) ?? []), r]);
      }
      for (const [organisationId, rows] of byOrganisation) {
        counts.organisations++;
        const members = (await needs.identity.repo.members(organisationId)).filter(
          (m) => m.active && PUBLISHER_ROLES[m.role],
        );
        if (!members.length) {
          counts.withoutRecipient++;
          continue;
        }
        const link = `${publicUrl}/annuaire/ma-structure`;
        const lines = rows.map((r) => `- ${r.kind === 'structure' ? 'Structure' : 'Service'} « ${r.nom} »`);
        try {
          await mailer.send({
            to: members.map((m) => m.email).join(', '),
            subject: frenchText(`Passerelle : ${rows.length} fiche(s) de l’annuaire à mettre à jour`),
            text: frenchText(
              [
                'Bonjour,',
                '',
                `Ces fiches de votre organisation dans l’annuaire des partenaires n’ont pas été revues depuis plus de ${STALE_AFTER_MONTHS} mois :`,
                ...lines,
                '',
                `Vérifiez-les et mettez-les à jour, ou confirmez qu’il n’y a rien à changer : ${link}`,
                '',
                'Des fiches à jour, ce sont des orientations qui aboutissent.',
                '',
                'Passerelle',
              ].join('\n'),
            ),
          });
        } catch {
          // Not marked: the next run tries again.
          counts.failed++;
          continue;
        }
        counts.mails++;
        counts.records += rows.length;
        await db
          .insertInto('directory_review_notice')
          .values({ organisation_id: organisationId, sent_at: sql`now()`, stale_count: rows.length })
          .onConflict((oc) =>
            oc.column('organisation_id').doUpdateSet({ sent_at: sql`now()`, stale_count: rows.length }),
          )
          .execute();
      }
      return counts;
    },
  };
}
