import { forbidden, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { type PathwaysCore, requireFollower } from './core.js';
import { type DailyScope, dailyRepository } from './daily-repository.js';
import { addDays } from './dates.js';
import { isDate } from './fields.js';
import { DAILY_LISTS, MANUAL_EVENT_KINDS, NOTE_MAX, PATHWAY_EVENT_KINDS } from './rules.js';

export const TIMELINE_PAGE = 50;

/** The person's timeline across organisations, its referent and co-accompagnants, the daily lists (issue 12 §2). */
export function timelineUseCases(core: PathwaysCore) {
  const { events, needs, today, db } = core;
  const daily = dailyRepository(db);

  return {
    /** Every step of the person's pathway, for the organisations that may read the file (audited). */
    async timeline(actor: Actor, personId: string, before?: { occurredOn: string; id: number }) {
      requireFollower(actor);
      await needs.persons.checkReader(actor, personId);
      // Both at once (bench/pathways.ts, PostgreSQL at 100/s: p95 21.7–29.9 → 12.3–14.5 ms).
      const [rows, members] = await Promise.all([
        events.timeline(personId, TIMELINE_PAGE + 1, before),
        events.members(personId),
      ]);
      const more = rows.length > TIMELINE_PAGE;
      const page = rows.slice(0, TIMELINE_PAGE);
      const last = page.at(-1);
      return {
        events: page.map((e) => ({ ...e, kindLabel: PATHWAY_EVENT_KINDS[e.kind] ?? e.kind })),
        next: more && last ? { occurredOn: last.occurredOn, id: last.id } : null,
        members,
      };
    },

    /** A counsellor adds a note or an appointment to the timeline (seen by every organisation that follows the person). */
    async addNote(
      actor: Actor,
      personId: string,
      input: { kind?: string; occurredOn?: string; text?: string },
    ) {
      requireFollower(actor);
      await needs.persons.checkReader(actor, personId);
      const kind = input.kind ?? 'note';
      if (!(MANUAL_EVENT_KINDS as readonly string[]).includes(kind))
        throw invalid('kind', 'Choisissez « note » ou « rendez-vous ».');
      const on = input.occurredOn || today();
      if (!isDate(on)) throw invalid('occurredOn', 'Date invalide (AAAA-MM-JJ).');
      if (on > addDays(today(), 366)) throw invalid('occurredOn', 'La date est à plus d’un an.');
      const text = (input.text ?? '').trim();
      if (!text) throw invalid('text', 'Écrivez la note ou l’objet du rendez-vous.');
      if (text.length > NOTE_MAX) throw invalid('text', `Le texte tient en ${NOTE_MAX} caractères au plus.`);
      const who = await core.names(actor);
      await events.transaction(async (tx) => {
        await events.add(tx, {
          personId,
          occurredOn: on,
          kind: kind as 'note' | 'appointment',
          organisationId: who.organisationId,
          organisationLabel: who.organisation,
          authorLabel: who.label,
          summary: text,
        });
        await recordAudit(tx, actor, {
          action: 'pathway.noted',
          subjectType: 'person',
          subjectId: personId,
          details: { kind },
        });
        await events.outbox(tx, 'pathway.noted', actor.userId, { personId, kind });
      });
    },

    /** Choices for the referent and co-accompagnants: the counsellors of the actor's organisation. */
    async memberChoices(actor: Actor) {
      const { organisationId } = requireFollower(actor);
      return events.organisationCounsellors(organisationId);
    },

    /**
     * Sets the referent counsellor or adds a co-accompagnant (issue 12 §2), a counsellor of the
     * actor's own organisation, on a file the organisation may read.
     */
    async setMember(actor: Actor, personId: string, input: { userId?: string; role?: string }) {
      const { organisationId } = requireFollower(actor);
      await needs.persons.checkReader(actor, personId);
      const role = input.role ?? 'co';
      if (role !== 'referent' && role !== 'co')
        throw invalid('role', 'Rôle inconnu : « referent » ou « co ».');
      if (!input.userId || !isUuid(input.userId)) throw invalid('userId', 'Choisissez un conseiller.');
      const choices = await events.organisationCounsellors(organisationId);
      const chosen = choices.find((c) => c.id === input.userId);
      if (!chosen) throw invalid('userId', 'Ce conseiller n’est pas membre de votre organisation.');
      const who = await core.names(actor);
      await events.transaction(async (tx) => {
        await events.setMember(tx, { personId, userId: chosen.id, organisationId, role, label: who.label });
        await events.add(tx, {
          personId,
          occurredOn: today(),
          kind: 'member',
          organisationId,
          organisationLabel: who.organisation,
          authorLabel: who.label,
          summary:
            role === 'referent'
              ? `${chosen.name} (${who.organisation}) devient conseiller·e référent·e.`
              : `${chosen.name} (${who.organisation}) rejoint les co-accompagnants.`,
        });
        await recordAudit(tx, actor, {
          action: 'pathway.members',
          subjectType: 'person',
          subjectId: personId,
          details: { role },
        });
      });
    },

    async removeMember(actor: Actor, personId: string, userId: string) {
      const { organisationId } = requireFollower(actor);
      await needs.persons.checkReader(actor, personId);
      if (!isUuid(userId)) throw notFound('Accompagnant introuvable.');
      const member = (await events.members(personId)).find((m) => m.userId === userId);
      if (!member) throw notFound('Accompagnant introuvable.');
      if (member.organisationId !== organisationId)
        throw forbidden('Seule son organisation retire un accompagnant.');
      const who = await core.names(actor);
      await events.transaction(async (tx) => {
        await events.removeMember(tx, personId, userId);
        await events.add(tx, {
          personId,
          occurredOn: today(),
          kind: 'member',
          organisationId,
          organisationLabel: who.organisation,
          authorLabel: who.label,
          summary: `${member.name} (${member.organisationName}) ne suit plus la personne.`,
        });
        await recordAudit(tx, actor, {
          action: 'pathway.members',
          subjectType: 'person',
          subjectId: personId,
          details: { removed: userId },
        });
      });
    },

    /** The four daily lists, for « mes personnes » (pathway_member) or the whole organisation. */
    async dailyLists(actor: Actor, query: { scope?: string; silentDays?: number }) {
      const { organisationId } = requireFollower(actor);
      if (query.scope && query.scope !== 'me' && query.scope !== 'organisation')
        throw invalid('scope', 'Périmètre inconnu : « me » ou « organisation ».');
      if (!actor.userId && query.scope !== 'organisation')
        throw invalid('scope', 'Un jeton d’API lit les listes de son organisation : scope=organisation.');
      const scope: DailyScope =
        query.scope === 'organisation' || !actor.userId
          ? { kind: 'organisation', organisationId }
          : { kind: 'user', userId: actor.userId };
      const silentDays = query.silentDays ?? DAILY_LISTS.silentDays;
      if (!Number.isInteger(silentDays) || silentDays < 1 || silentDays > 365)
        throw invalid('silentDays', 'Le nombre de jours sans nouvelles va de 1 à 365.');
      const on = today();
      const limit = 200;
      const [silent, approvalsEnding, contractsEnding, waiting] = await Promise.all([
        daily.silent(scope, addDays(on, -silentDays), limit),
        daily.approvalsEnding(scope, on, addDays(on, DAILY_LISTS.approvalEndingDays), limit),
        daily.contractsEnding(scope, on, addDays(on, DAILY_LISTS.contractEndingDays), limit),
        daily.waitingOrientations(scope, limit),
      ]);
      return {
        scope: scope.kind === 'user' ? 'me' : 'organisation',
        silentDays,
        silent,
        approvalsEnding,
        contractsEnding,
        waiting,
      };
    },
  };
}
