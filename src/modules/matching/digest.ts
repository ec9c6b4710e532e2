import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Mailer } from '../../shared/mailer.js';
import { frenchText } from '../../web/typography.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';

/** The outbox events the digest consumes (rematch-repository.ts, service.ts employerVerdict). */
export const DIGEST_EVENTS = ['match.strong_suggestions', 'match.contact_requested'] as const;
/** Events read per transaction: a cursor moves past them, so a failed send is retried next time, not now. */
const CHUNK = 20_000;

/** Who sends the digest in the audit log: the platform's nightly job, no one's session. */
const NIGHTLY: Actor = {
  via: 'token',
  userId: null,
  label: 'Passerelle (envoi de nuit)',
  isSuperAdmin: false,
  organisationId: null,
  role: null,
  memberships: [],
  ip: null,
};

interface DigestRow {
  event_id: string;
  type: (typeof DIGEST_EVENTS)[number];
  person_id: string | null;
  first_name: string | null;
  last_name: string | null;
  offer_ids: string[];
  offer_title: string | null;
  employer: string | null;
  user_id: string | null;
  email: string | null;
  recipient_first_name: string | null;
}

interface Digest {
  email: string;
  firstName: string;
  events: Set<string>;
  /** Person id → the label the mail shows (first name and initial) and the new strong offers. */
  strong: Map<string, { label: string; offers: Set<string> }>;
  contacts: { employer: string; person: string; personId: string; offer: string }[];
}

export interface DigestCounts {
  events: number;
  mails: number;
  /** Events whose person was erased or whose organisation has no counsellor: marked processed, nothing sent. */
  undeliverable: number;
  /** Mails the mailer refused: their events stay pending and are sent again next time. */
  failed: number;
}

/** « Camille D. »: enough for the counsellor to know whom, nothing more in a mail (issue 11: no sensitive data). */
const shortName = (first: string | null, last: string | null) =>
  `${first ?? ''} ${(last ?? '').trim().charAt(0).toUpperCase()}${last ? '.' : ''}`.trim();

const plural = (n: number, one: string, many: string) => `${n}\u00a0${n > 1 ? many : one}`;

/**
 * The outbox consumer of the matching (issue 11 §1 « mail digest »): the pending
 * 'match.strong_suggestions' and 'match.contact_requested' events, one mail per referent counsellor
 * grouping all their events. The counsellor is the file's creator if still an active member of the
 * referent organisation, else the organisation's counsellors and administrators. The mail names a
 * person by first name and initial and links to their suggestions: no situation, no barrier.
 *
 * The events are locked (for update skip locked: two consumers never send the same one), mailed,
 * and marked processed in the same transaction as the audit line of each mail; a mail the mailer
 * refuses leaves its events pending. Delivery is at least once: a crash between a send and the
 * commit sends that mail again next time, never loses it.
 */
export async function sendDigests(db: Db, mailer: Mailer, publicUrl: string): Promise<DigestCounts> {
  const counts: DigestCounts = { events: 0, mails: 0, undeliverable: 0, failed: 0 };
  let after = '0';
  for (;;) {
    const chunk = await db.transaction().execute(async (tx) => {
      const { rows } = await sql<DigestRow>`
        with ev as (
          select id, type, payload from domain_event
          where processed_at is null and type in (${sql.join(DIGEST_EVENTS)}) and id > ${after}::bigint
          order by id limit ${CHUNK}
          for update skip locked
        )
        select ev.id::text as event_id, ev.type, p.id as person_id, p.first_name, p.last_name,
          case when ev.type = 'match.strong_suggestions'
            then array(select jsonb_array_elements_text(ev.payload -> 'offerIds'))
            else array[ev.payload ->> 'offerId'] end as offer_ids,
          o.title as offer_title, coalesce(o.employer_name, org.name) as employer,
          r.user_id, r.email, r.first_name as recipient_first_name
        from ev
        left join person p on p.id = (ev.payload ->> 'personId')::uuid
        left join job_offer o on ev.type = 'match.contact_requested' and o.id = (ev.payload ->> 'offerId')::uuid
        left join organisation org on org.id = o.organisation_id
        left join lateral (
          select u.id as user_id, u.email, u.first_name from app_user u
          join membership m on m.user_id = u.id and m.organisation_id = p.referent_organisation_id
          where u.id = p.created_by and u.is_active
          union all
          select u.id, u.email, u.first_name from membership m join app_user u on u.id = m.user_id
          where m.organisation_id = p.referent_organisation_id and m.role in ('conseiller', 'administrateur')
            and u.is_active
            and not exists (select 1 from membership c join app_user cu on cu.id = c.user_id
              where c.user_id = p.created_by and c.organisation_id = p.referent_organisation_id and cu.is_active)
        ) r on p.id is not null
        order by ev.id, r.user_id`.execute(tx);
      if (rows.length === 0) return null;

      const digests = new Map<string, Digest>();
      const allEvents = new Set<string>();
      const delivered = new Set<string>();
      for (const r of rows) {
        allEvents.add(r.event_id);
        if (!r.user_id || !r.email || !r.person_id) continue;
        delivered.add(r.event_id);
        let d = digests.get(r.user_id);
        if (!d) {
          d = {
            email: r.email,
            firstName: r.recipient_first_name ?? '',
            events: new Set(),
            strong: new Map(),
            contacts: [],
          };
          digests.set(r.user_id, d);
        }
        d.events.add(r.event_id);
        const label = shortName(r.first_name, r.last_name);
        if (r.type === 'match.strong_suggestions') {
          const s = d.strong.get(r.person_id) ?? { label, offers: new Set<string>() };
          for (const o of r.offer_ids) s.offers.add(o);
          d.strong.set(r.person_id, s);
        } else if (r.offer_title) {
          d.contacts.push({
            employer: r.employer ?? 'Un employeur',
            person: label,
            personId: r.person_id,
            offer: r.offer_title,
          });
        }
      }

      const failedEvents = new Set<string>();
      for (const [userId, d] of digests) {
        try {
          await mailer.send(digestMail(d, publicUrl));
          counts.mails++;
          await recordAudit(tx, NIGHTLY, {
            action: 'person.match_digest',
            subjectType: 'user',
            subjectId: userId,
            details: { persons: d.strong.size, contacts: d.contacts.length, events: d.events.size },
          });
        } catch {
          counts.failed++;
          for (const e of d.events) failedEvents.add(e);
        }
      }
      const processed = [...allEvents].filter((e) => !failedEvents.has(e));
      if (processed.length > 0)
        await sql`update domain_event set processed_at = now() where id = any(${processed}::bigint[])`.execute(
          tx,
        );
      counts.events += processed.length;
      counts.undeliverable += [...allEvents].filter((e) => !delivered.has(e)).length;
      return { last: rows[rows.length - 1]!.event_id, size: allEvents.size };
    });
    if (!chunk) break;
    after = chunk.last;
    if (chunk.size < CHUNK) break;
  }
  return counts;
}

/** The digest's text: « N nouvelles offres à fort potentiel pour P personnes », then the contact requests. */
export function digestMail(d: Digest, publicUrl: string) {
  const offers = [...d.strong.values()].reduce((n, s) => n + s.offers.size, 0);
  const link = (personId: string) => `${publicUrl}/personnes/${personId}/suggestions`;
  const heads: string[] = [];
  if (offers > 0)
    heads.push(
      `${plural(offers, 'nouvelle offre', 'nouvelles offres')} à fort potentiel pour ${plural(d.strong.size, 'personne', 'personnes')}`,
    );
  if (d.contacts.length > 0)
    heads.push(plural(d.contacts.length, 'demande de mise en relation', 'demandes de mise en relation'));
  const lines = [`Bonjour ${d.firstName},`, '', `Passerelle a trouvé ${heads.join(' et ')}.`];
  if (d.strong.size > 0) {
    lines.push('', 'Offres à fort potentiel :');
    for (const [personId, s] of d.strong)
      lines.push(`- ${s.label} : ${plural(s.offers.size, 'offre', 'offres')} — ${link(personId)}`);
  }
  if (d.contacts.length > 0) {
    lines.push('', 'Demandes des employeurs :');
    for (const c of d.contacts)
      lines.push(
        `- L’employeur ${c.employer} souhaite être mis en relation avec ${c.person} pour l’offre « ${c.offer} ». ${link(c.personId)}`,
      );
  }
  lines.push(
    '',
    'Ce courriel regroupe les nouveautés depuis le précédent. Les détails sont dans Passerelle.',
  );
  const subject = heads.join(' et ');
  return {
    to: d.email,
    subject: frenchText(subject.charAt(0).toUpperCase() + subject.slice(1)),
    text: lines.map((l) => frenchText(l)).join('\n'),
  };
}
