import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Mailer } from '../../shared/mailer.js';
import { frenchText } from '../../web/typography.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';

/** The outbox events this digest consumes (orientation-service.ts). */
export const NOTIFIED_EVENTS = ['orientation.sent', 'orientation.answered', 'orientation.expired'] as const;
const CHUNK = 5_000;

const NIGHTLY: Actor = {
  via: 'token',
  userId: null,
  label: 'Passerelle (envoi des notifications)',
  isSuperAdmin: false,
  organisationId: null,
  role: null,
  memberships: [],
  ip: null,
};

interface Row {
  event_id: string;
  type: (typeof NOTIFIED_EVENTS)[number];
  to_state: string | null;
  orientation_id: string;
  first_name: string;
  last_name: string;
  prescriber: string;
  receiver: string;
  user_id: string | null;
  email: string | null;
  recipient_first_name: string | null;
}

const STATE_WORDS: Record<string, string> = {
  studying: 'mise à l’étude',
  on_hold: 'mise en attente',
  accepted: 'acceptée',
  refused: 'refusée',
  cancelled: 'annulée par le prescripteur',
};

/** « Camille D. »: enough to know whom, nothing more in a mail (no situation, no barrier). */
const shortName = (first: string, last: string) => `${first} ${last.trim().charAt(0).toUpperCase()}.`;

/**
 * The orientations' notices (issue 12 §1 « notifications through the outbox (mail digest) »): one
 * mail per person to tell, grouping their pending events. A new request goes to the receiving
 * organisation's counsellors and administrators; an answer to the prescriber who sent it (or, if
 * they left, their organisation's counsellors); a cancellation to the receiver; an expiry to both.
 * Locked (skip locked), mailed and marked processed in one transaction with the audit line of each
 * mail; a mail the mailer refuses leaves its events pending (sent again next time).
 */
export async function sendOrientationNotices(db: Db, mailer: Mailer, publicUrl: string) {
  const counts = { events: 0, mails: 0, failed: 0 };
  for (;;) {
    const size = await db.transaction().execute(async (tx) => {
      const { rows } = await sql<Row>`
        with ev as (
          select id, type, payload from domain_event
          where processed_at is null and type in (${sql.join(NOTIFIED_EVENTS)})
          order by id limit ${CHUNK} for update skip locked
        )
        select ev.id::text as event_id, ev.type, ev.payload ->> 'to' as to_state, o.id as orientation_id,
          p.first_name, p.last_name, po.name as prescriber, ro.name as receiver,
          r.user_id, r.email, r.first_name as recipient_first_name
        from ev
        join orientation o on o.id = (ev.payload ->> 'orientationId')::uuid
        join person p on p.id = o.person_id
        join organisation po on po.id = o.prescriber_organisation_id
        join organisation ro on ro.id = o.target_organisation_id
        left join lateral (
          -- The receiver: a new request, a cancellation, an expiry.
          select u.id as user_id, u.email, u.first_name from membership m join app_user u on u.id = m.user_id
          where m.organisation_id = o.target_organisation_id and m.role in ('conseiller', 'administrateur') and u.is_active
            and (ev.type in ('orientation.sent', 'orientation.expired') or ev.payload ->> 'to' = 'cancelled')
          union
          -- The prescriber: an answer, an expiry; their organisation's counsellors if they left it.
          select u.id, u.email, u.first_name from app_user u
          where (ev.type = 'orientation.expired' or (ev.type = 'orientation.answered' and ev.payload ->> 'to' <> 'cancelled'))
            and u.is_active and (
              u.id = o.prescriber_user_id and exists (select 1 from membership m
                where m.user_id = u.id and m.organisation_id = o.prescriber_organisation_id)
              or (not exists (select 1 from membership m join app_user pu on pu.id = m.user_id
                    where m.user_id = o.prescriber_user_id and m.organisation_id = o.prescriber_organisation_id and pu.is_active)
                  and u.id in (select m.user_id from membership m where m.organisation_id = o.prescriber_organisation_id
                    and m.role in ('conseiller', 'administrateur'))))
        ) r on true
        order by ev.id`.execute(tx);
      if (!rows.length) return 0;
      const mails = new Map<
        string,
        { email: string; firstName: string; lines: string[]; events: Set<string> }
      >();
      const all = new Set(rows.map((r) => r.event_id));
      for (const r of rows) {
        if (!r.user_id || !r.email) continue;
        const m = mails.get(r.user_id) ?? {
          email: r.email,
          firstName: r.recipient_first_name ?? '',
          lines: [],
          events: new Set(),
        };
        const who = shortName(r.first_name, r.last_name);
        const link = `${publicUrl}/orientations/${r.orientation_id}`;
        m.lines.push(
          r.type === 'orientation.sent'
            ? `- Nouvelle orientation de ${who}, envoyée par ${r.prescriber} : ${link}`
            : r.type === 'orientation.expired'
              ? `- L’orientation de ${who} vers ${r.receiver} a expiré sans réponse : ${link}`
              : `- L’orientation de ${who} vers ${r.receiver} est ${STATE_WORDS[r.to_state ?? ''] ?? 'mise à jour'} : ${link}`,
        );
        m.events.add(r.event_id);
        mails.set(r.user_id, m);
      }
      const failed = new Set<string>();
      for (const [userId, m] of mails) {
        try {
          await mailer.send({
            to: m.email,
            subject: frenchText(`Passerelle : ${m.lines.length} nouvelle(s) sur vos orientations`),
            text: frenchText(
              [
                `Bonjour ${m.firstName},`,
                '',
                'Du nouveau sur les orientations que vous suivez :',
                ...m.lines,
                '',
                'Passerelle',
              ].join('\n'),
            ),
          });
          counts.mails++;
          await recordAudit(tx, NIGHTLY, {
            action: 'orientations.notified',
            subjectType: 'user',
            subjectId: userId,
            details: { events: m.events.size },
          });
        } catch {
          counts.failed++;
          for (const e of m.events) failed.add(e);
        }
      }
      const done = [...all].filter((e) => !failed.has(e));
      if (done.length)
        await sql`update domain_event set processed_at = now() where id = any(${done}::bigint[])`.execute(tx);
      counts.events += done.length;
      return rows.length;
    });
    if (size < CHUNK) break;
  }
  return counts;
}
