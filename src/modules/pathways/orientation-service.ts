import { conflict, forbidden, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { formatDate } from '../../web/format.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { type PathwaysCore, requireFollower } from './core.js';
import { addDays, daysBetween } from './dates.js';
import { idField, isDate } from './fields.js';
import type { OrientationRow, OrientationSide } from './repository.js';
import {
  COMMENT_MAX,
  IMMERSION_MAX_DAYS,
  IMMERSION_OBJECTIVES,
  MESSAGE_MAX,
  OPEN_STATES,
  ORIENTATION_STATES,
  ORIENTATION_TARGETS,
  type OrientationState,
  type OrientationTarget,
  PRESCRIBER_KINDS,
  REFUSAL_REASONS,
  SHARE_AFTER_EXIT_DAYS,
  type TransitionActor,
  transitionFor,
} from './rules.js';

/** What a prescriber sends (issue 12 §1). */
export interface OrientationInput {
  personId?: string;
  targetKind?: string;
  /**
   * The session's, position's, offer's id; for a service, the directory service's id (its structure's
   * organisation receives it), or none with organisationId and targetLabel; for an immersion or a workshop, none.
   */
  targetRef?: string;
  /** The receiving organisation, when the target does not name it (immersion, service, workshop). */
  organisationId?: string;
  /** What is asked, in words, when the target has no record of its own (a service, a workshop). */
  targetLabel?: string;
  message?: string;
  immersion?: { host?: string; startOn?: string; endOn?: string; objective?: string };
  diagnosisId?: string;
}

/** A receiver's or prescriber's decision. */
export interface DecisionInput {
  to?: string;
  version?: number;
  startOn?: string;
  reason?: string;
  comment?: string;
}

/** « Poste dans une SIAE » → « poste dans une SIAE » (lowering the whole label gave « siae »). */
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** What the receiver reads to decide, and nothing more (issue 12 §1): no situation, no barrier. */
export function receiverView(o: OrientationRow) {
  return {
    id: o.id,
    state: o.state,
    stateLabel: ORIENTATION_STATES[o.state],
    version: o.version,
    person: {
      id: o.personId,
      firstName: o.personFirstName,
      lastName: o.personLastName,
      birthDate: o.personBirthDate,
      commune: o.personCommune,
    },
    prescriber: {
      organisationId: o.prescriberOrganisationId,
      organisation: o.prescriberOrganisationName,
      by: o.prescriberLabel,
    },
    target: {
      kind: o.targetKind,
      kindLabel: ORIENTATION_TARGETS[o.targetKind].label,
      organisationId: o.targetOrganisationId,
      organisation: o.targetOrganisationName,
      ref: o.targetRef,
      label: o.targetLabel,
    },
    immersion:
      o.targetKind === 'immersion'
        ? {
            host: o.immersionHost,
            startOn: o.immersionStartOn,
            endOn: o.immersionEndOn,
            objective: o.immersionObjective,
          }
        : null,
    message: o.message,
    diagnosisId: o.diagnosisId,
    diagnosis: o.diagnosisId ? { expiresOn: o.diagnosisExpiresOn, author: o.diagnosisAuthor } : null,
    createdAt: o.createdAt,
    expiresOn: o.expiresOn,
    acceptedOn: o.acceptedOn,
    startOn: o.startOn,
    refusalReason: o.refusalReason,
    refusalReasonLabel: o.refusalReason
      ? ((REFUSAL_REASONS as Record<string, string>)[o.refusalReason] ?? o.refusalReason)
      : null,
    decisionComment: o.decisionComment,
  };
}
export type OrientationView = ReturnType<typeof receiverView>;

/** Orientations between partners (issue 12 §1): send, answer, cancel, expire; lists on both sides. */
export function orientationUseCases(core: PathwaysCore) {
  const { orientations: repo, events, needs, today } = core;

  /** Which side of the orientation the actor's organisation is on (403 if neither). */
  function sideOf(actor: Actor, o: OrientationRow): TransitionActor {
    const { organisationId } = requireFollower(actor);
    if (o.targetOrganisationId === organisationId) return 'receiver';
    if (o.prescriberOrganisationId === organisationId) return 'prescriber';
    throw forbidden('Cette orientation ne concerne pas votre organisation.');
  }

  async function load(id: string) {
    if (!isUuid(id)) throw notFound('Orientation introuvable.');
    const o = await repo.get(id);
    if (!o) throw notFound('Orientation introuvable.');
    return o;
  }

  /**
   * A service of the directory as the target (issue 13 §4): its structure's Passerelle organisation
   * receives the request, whatever its kind (an organisation publishes the services it receives
   * people for); a structure that is not on Passerelle is mobilised with its sheet's contacts.
   */
  async function serviceOfDirectory(targetRef: string) {
    const ref = idField('targetRef', targetRef, 'le service de l’annuaire');
    const service = await needs.directory.serviceTarget(ref);
    if (!service) throw invalid('targetRef', 'Ce service n’existe pas dans l’annuaire.');
    if (!service.organisationId)
      throw invalid(
        'targetRef',
        'Ce partenaire n’est pas inscrit sur Passerelle : mobilisez le service avec les coordonnées de sa fiche.',
      );
    return { organisationId: service.organisationId, ref: service.uuid, label: service.label };
  }

  /** Resolves the target: who receives it, its label, and whether it takes one more request. */
  async function resolveTarget(input: OrientationInput, kind: OrientationTarget) {
    const receivers: readonly string[] = ORIENTATION_TARGETS[kind].receivers;
    if (kind === 'training_session' || kind === 'siae_position' || kind === 'job_offer') {
      const ref = idField('targetRef', input.targetRef, 'la session, le poste ou l’offre visée');
      const info =
        kind === 'training_session'
          ? await repo.sessionTarget(ref, today())
          : kind === 'siae_position'
            ? await repo.positionTarget(ref)
            : await repo.offerTarget(ref);
      if (!info) throw invalid('targetRef', 'Cette session, ce poste ou cette offre n’existe pas.');
      if (!info.organisationId || !info.organisationKind)
        throw invalid(
          'targetRef',
          'Cet organisme n’est pas encore inscrit sur Passerelle : contactez-le directement avec les coordonnées de la fiche.',
        );
      if (!info.open)
        throw invalid(
          'targetRef',
          kind === 'training_session'
            ? 'Cette session n’accueille plus d’inscriptions (terminée, retirée ou recrutement clos).'
            : kind === 'siae_position'
              ? 'Ce poste n’est plus ouvert.'
              : 'Cette offre n’est plus publiée.',
        );
      // Issue 12, bad input: « an orientation to a full session » is refused; a position's places too.
      if (info.placesLeft !== null) {
        const accepted = kind === 'siae_position' ? await repo.acceptedFor(kind, ref) : 0;
        if (info.placesLeft - accepted <= 0)
          throw invalid(
            'targetRef',
            kind === 'training_session'
              ? 'Cette session est complète : plus aucune place n’est disponible. Choisissez une autre session.'
              : 'Ce poste est complet : toutes ses places sont pourvues.',
          );
      }
      if (!receivers.includes(info.organisationKind))
        throw invalid('targetRef', 'Cette organisation ne reçoit pas ce type d’orientation.');
      return { organisationId: info.organisationId, ref, label: info.label };
    }
    if (kind === 'service' && input.targetRef) return serviceOfDirectory(input.targetRef);
    const organisationId = idField(
      'organisationId',
      input.organisationId,
      'l’organisation qui reçoit la demande',
    );
    const org = await repo.organisation(organisationId);
    if (!org) throw invalid('organisationId', 'Cette organisation n’existe pas.');
    if (!receivers.includes(org.kind))
      throw invalid('organisationId', `« ${org.name} » ne reçoit pas ce type d’orientation.`);
    const label = (input.targetLabel ?? '').trim();
    if (kind !== 'immersion' && !label)
      throw invalid('targetLabel', 'Indiquez le service ou l’atelier demandé.');
    if (label.length > 200) throw invalid('targetLabel', 'L’intitulé tient en 200 caractères au plus.');
    const ref = input.targetRef ? idField('targetRef', input.targetRef, 'le service ou l’atelier') : null;
    return { organisationId, ref, label: label || `Immersion chez ${org.name}` };
  }

  function checkImmersion(input: OrientationInput) {
    const i = input.immersion ?? {};
    const host = (i.host ?? '').trim();
    if (!host) throw invalid('immersion.host', 'Indiquez la structure d’accueil de l’immersion.');
    if (host.length > 200) throw invalid('immersion.host', 'Le nom tient en 200 caractères au plus.');
    if (!isDate(i.startOn)) throw invalid('immersion.startOn', 'Indiquez la date de début (AAAA-MM-JJ).');
    if (!isDate(i.endOn)) throw invalid('immersion.endOn', 'Indiquez la date de fin (AAAA-MM-JJ).');
    if (i.endOn < i.startOn) throw invalid('immersion.endOn', 'La fin de l’immersion précède son début.');
    if (daysBetween(i.startOn, i.endOn) + 1 > IMMERSION_MAX_DAYS)
      throw invalid(
        'immersion.endOn',
        `Une immersion (PMSMP) dure au plus ${IMMERSION_MAX_DAYS} jours (C. trav. D5135-3).`,
      );
    if (!i.objective || !Object.hasOwn(IMMERSION_OBJECTIVES, i.objective))
      throw invalid('immersion.objective', 'Choisissez l’objectif de l’immersion.');
    return { host, startOn: i.startOn, endOn: i.endOn, objective: i.objective };
  }

  return {
    /** A prescriber orients a person it may read (issue 12 §1). */
    async orient(actor: Actor, input: OrientationInput) {
      const { organisationId, kind: orgKind } = requireFollower(actor);
      if (!PRESCRIBER_KINDS.has(orgKind as never))
        throw forbidden('Votre organisation ne prescrit pas d’orientation sur Passerelle.');
      const personId = idField('personId', input.personId, 'la personne orientée');
      await needs.persons.checkReader(actor, personId);
      const kind = input.targetKind ?? '';
      if (!Object.hasOwn(ORIENTATION_TARGETS, kind))
        throw invalid(
          'targetKind',
          `Type d’orientation inconnu. Choisissez parmi : ${Object.keys(ORIENTATION_TARGETS).join(', ')}.`,
        );
      const targetKind = kind as OrientationTarget;
      const message = (input.message ?? '').trim();
      if (!message) throw invalid('message', 'Dites en quelques mots pourquoi vous orientez la personne.');
      if (message.length > MESSAGE_MAX)
        throw invalid('message', `Le message tient en ${MESSAGE_MAX} caractères au plus.`);
      const immersion = targetKind === 'immersion' ? checkImmersion(input) : null;
      const target = await resolveTarget(input, targetKind);
      if (target.organisationId === organisationId)
        throw invalid(
          'organisationId',
          'Votre organisation ne peut pas s’adresser une orientation à elle-même.',
        );
      // An orientation to an SIAE carries the prescriber's valid IAE diagnosis, if any (issue 12 §3: a
      // diagnosis by an authorised prescriber « vaut » eligibility); the SIAE reads its validity, not its criteria.
      const diagnosisId = input.diagnosisId
        ? idField('diagnosisId', input.diagnosisId, 'le diagnostic')
        : targetKind === 'siae_position'
          ? await repo.latestDiagnosis(personId, organisationId, today())
          : null;
      if (await repo.openDuplicate(personId, targetKind, target.organisationId, target.ref))
        throw conflict(
          'targetRef',
          'Une orientation de cette personne vers la même cible attend déjà une réponse.',
        );
      const who = await core.names(actor);
      const receiver = await repo.organisation(target.organisationId);
      const on = today();
      const expiresOn = addDays(on, core.expiryDays);
      return repo.transaction(async (tx) => {
        const id = await repo.insert(tx, {
          personId,
          prescriberOrganisationId: organisationId,
          prescriberUserId: actor.userId,
          prescriberLabel: who.label,
          targetKind,
          targetOrganisationId: target.organisationId,
          targetRef: target.ref,
          targetLabel: target.label,
          immersion,
          message,
          diagnosisId,
          expiresOn,
        });
        await repo.logTransition(tx, {
          orientationId: id,
          from: null,
          to: 'sent',
          actorUserId: actor.userId,
          actorLabel: who.label,
          organisationId,
        });
        await events.add(tx, {
          personId,
          occurredOn: on,
          kind: 'orientation',
          organisationId,
          organisationLabel: who.organisation,
          authorLabel: who.label,
          summary: `Orientation vers ${receiver?.name ?? 'un partenaire'} : ${lowerFirst(ORIENTATION_TARGETS[targetKind].label)} « ${target.label} ».`,
          refId: id,
        });
        await recordAudit(tx, actor, {
          action: 'orientation.created',
          subjectType: 'person',
          subjectId: personId,
          details: { orientationId: id, organisationId: target.organisationId, targetKind },
        });
        await events.outbox(tx, 'orientation.sent', actor.userId, {
          orientationId: id,
          personId,
          from: organisationId,
          to: target.organisationId,
        });
        return { id, expiresOn };
      });
    },

    /**
     * What the orientation form offers for a kind of target: the SIAE's open positions, the
     * organisations that receive such a request, and the session or offer chosen on its page.
     */
    async orientationChoices(actor: Actor, kind: OrientationTarget, ref?: string) {
      const { organisationId } = requireFollower(actor);
      const receivers = (await repo.receivers(ORIENTATION_TARGETS[kind].receivers)).filter(
        (o) => o.id !== organisationId,
      );
      const positions = kind === 'siae_position' ? await repo.positions() : [];
      const target =
        ref && isUuid(ref)
          ? kind === 'training_session'
            ? await repo.sessionTarget(ref, today())
            : kind === 'job_offer'
              ? await repo.offerTarget(ref)
              : kind === 'siae_position'
                ? await repo.positionTarget(ref)
                : undefined
          : undefined;
      const service = kind === 'service' && ref ? await needs.directory.serviceTarget(ref) : null;
      return { receivers, positions, target: target?.open ? target : null, service };
    },

    /** One orientation, for its two organisations only (audited). */
    async get(actor: Actor, id: string) {
      const o = await load(id);
      const side = sideOf(actor, o);
      repo.markRead(o.personId);
      return { orientation: receiverView(o), side, transitions: await repo.transitions(id) };
    },

    /** Received or sent orientations of the actor's organisation. */
    async list(actor: Actor, side: OrientationSide, query: { state?: string; page?: number }) {
      const { organisationId } = requireFollower(actor);
      const states =
        query.state === 'open'
          ? OPEN_STATES
          : query.state && Object.hasOwn(ORIENTATION_STATES, query.state)
            ? [query.state as OrientationState]
            : query.state
              ? (() => {
                  throw invalid('state', 'État inconnu.');
                })()
              : undefined;
      const page = Math.max(1, Math.floor(query.page ?? 1));
      const { rows, total } = await repo.list(organisationId, side, {
        states,
        limit: 25,
        offset: (page - 1) * 25,
      });
      return { rows: rows.map(receiverView), total, page, pageSize: 25 };
    },

    /** A person's orientations, for the readers of the file. */
    async forPerson(actor: Actor, personId: string) {
      await needs.persons.checkReader(actor, personId);
      return (await repo.forPerson(personId)).map(receiverView);
    },

    /**
     * The receiver studies, puts on hold, accepts (with a start date) or refuses (with a reason);
     * the prescriber cancels. Refused when the move is not in the table, or when someone changed
     * the request since the actor read it (its version).
     */
    async decide(actor: Actor, id: string, input: DecisionInput) {
      const o = await load(id);
      const side = sideOf(actor, o);
      const to = input.to ?? '';
      if (!Object.hasOwn(ORIENTATION_STATES, to)) throw invalid('to', 'Décision inconnue.');
      const target = to as OrientationState;
      const move = transitionFor(o.state, target, side);
      if (!move)
        throw conflict(
          'to',
          `Impossible de passer une orientation « ${ORIENTATION_STATES[o.state].toLowerCase()} » à « ${ORIENTATION_STATES[target].toLowerCase()} »${side === 'prescriber' && target !== 'cancelled' ? ' : c’est à l’organisation qui la reçoit de répondre' : ''}.`,
        );
      if (input.version === undefined || !Number.isInteger(input.version))
        throw invalid('version', 'La version de l’orientation lue est requise.');
      if (input.version !== o.version)
        throw conflict(
          'version',
          'Cette orientation a changé depuis que vous l’avez ouverte : rechargez la page.',
        );
      const comment = (input.comment ?? '').trim() || null;
      if (comment && comment.length > COMMENT_MAX)
        throw invalid('comment', `Le commentaire tient en ${COMMENT_MAX} caractères au plus.`);
      let reason: string | null = null;
      if (target === 'refused') {
        reason = input.reason ?? '';
        if (!Object.hasOwn(REFUSAL_REASONS, reason))
          throw invalid('reason', 'Choisissez le motif du refus dans la liste.');
        if (reason === 'other' && !comment)
          throw invalid('comment', 'Précisez le motif du refus en commentaire.');
      }
      let startOn: string | undefined;
      const on = today();
      if (target === 'accepted') {
        if (!isDate(input.startOn))
          throw invalid('startOn', 'Indiquez la date d’entrée prévue (AAAA-MM-JJ).');
        if (input.startOn < addDays(on, -31))
          throw invalid('startOn', 'La date d’entrée ne peut précéder l’acceptation de plus d’un mois.');
        startOn = input.startOn;
      }
      const who = await core.names(actor);
      try {
        return await repo.transaction(async (tx) => {
          const version = await repo.move(tx, id, o.version, o.state, target, {
            ...(target === 'accepted' ? { acceptedOn: on, startOn } : {}),
            ...(target === 'refused' ? { refusalReason: reason } : {}),
            ...(comment !== null || target === 'refused' ? { comment } : {}),
          });
          if (version === null)
            throw conflict(
              'version',
              'Cette orientation a changé depuis que vous l’avez ouverte : rechargez la page.',
            );
          await repo.logTransition(tx, {
            orientationId: id,
            from: o.state,
            to: target,
            actorUserId: actor.userId,
            actorLabel: who.label,
            organisationId: who.organisationId,
            reason,
            comment,
          });
          // Issue 12 §1: the file is shared with the receiver for the time it accompanies the person.
          if (target === 'accepted') {
            await needs.persons.orientationShares.grant(tx, {
              personId: o.personId,
              organisationId: o.targetOrganisationId,
              on,
              recordedBy: actor.userId,
              recordedByLabel: who.label,
            });
            await recordAudit(tx, actor, {
              action: 'person.shared',
              subjectType: 'person',
              subjectId: o.personId,
              details: { organisationId: o.targetOrganisationId, basis: 'orientation', orientationId: id },
            });
          }
          await events.add(tx, {
            personId: o.personId,
            occurredOn: on,
            kind: 'orientation',
            organisationId: who.organisationId,
            organisationLabel: who.organisation,
            authorLabel: who.label,
            summary: decisionSummary(o, target, reason, startOn),
            refId: id,
          });
          await recordAudit(tx, actor, {
            action: 'orientation.transition',
            subjectType: 'person',
            subjectId: o.personId,
            details: { orientationId: id, from: o.state, to: target, ...(reason ? { reason } : {}) },
          });
          await events.outbox(tx, 'orientation.answered', actor.userId, {
            orientationId: id,
            personId: o.personId,
            to: target,
            prescriber: o.prescriberOrganisationId,
            receiver: o.targetOrganisationId,
          });
          return { version, state: target };
        });
      } catch (error) {
        // The partial unique index orientation_one_siae_a_day: another SIAE accepted the person today.
        if ((error as { code?: string }).code === '23505')
          throw conflict(
            'to',
            'Une autre SIAE a déjà accepté cette personne aujourd’hui : une seule embauche par jour.',
          );
        throw error;
      }
    },

    /**
     * The platform expires requests left unanswered past their date (issue 12 §1), with a notice to
     * both organisations through the outbox. Safe to re-run: each expiry is a versioned move.
     */
    async expireOverdue(log: (line: string) => void = () => {}) {
      const on = today();
      let expired = 0;
      for (;;) {
        const due = await repo.overdue(on, 500);
        if (!due.length) break;
        for (const d of due) {
          const done = await repo.transaction(async (tx) => {
            const version = await repo.move(tx, d.id, d.version, d.state, 'expired', {});
            if (version === null) return false;
            const o = await repo.get(d.id, tx);
            if (!o) return false;
            await repo.logTransition(tx, {
              orientationId: d.id,
              from: d.state,
              to: 'expired',
              actorUserId: null,
              actorLabel: 'Passerelle (expiration automatique)',
              organisationId: null,
            });
            await events.add(tx, {
              personId: o.personId,
              occurredOn: on,
              kind: 'orientation',
              organisationId: null,
              organisationLabel: 'Passerelle',
              authorLabel: 'Passerelle (expiration automatique)',
              summary: `Orientation vers ${o.targetOrganisationName} expirée sans réponse après ${core.expiryDays} jours.`,
              refId: d.id,
            });
            await events.outbox(tx, 'orientation.expired', null, {
              orientationId: d.id,
              personId: o.personId,
              prescriber: o.prescriberOrganisationId,
              receiver: o.targetOrganisationId,
            });
            return true;
          });
          if (done) expired++;
        }
        log(`Orientations expirées : ${expired}`);
        if (due.length < 500) break;
      }
      const purged = await needs.persons.orientationShares.purgeEnded(on);
      return { expired, sharesEnded: purged };
    },

    /** After an exit, the receiver keeps reading the file for the follow-up, then the share ends. */
    shareEndAfterExit: (exitOn: string) => addDays(exitOn, SHARE_AFTER_EXIT_DAYS),
  };
}

function decisionSummary(o: OrientationRow, to: OrientationState, reason: string | null, startOn?: string) {
  const where = `${o.targetOrganisationName} (« ${o.targetLabel} »)`;
  switch (to) {
    case 'studying':
      return `Orientation vers ${where} mise à l’étude.`;
    case 'on_hold':
      return `Orientation vers ${where} mise en attente.`;
    case 'accepted':
      return `Orientation vers ${where} acceptée, entrée prévue le ${formatDate(startOn)}.`;
    case 'refused':
      return `Orientation vers ${where} refusée : ${(REFUSAL_REASONS as Record<string, string>)[reason ?? ''] ?? 'motif non précisé'}.`;
    case 'cancelled':
      return `Orientation vers ${where} annulée par le prescripteur.`;
    default:
      return `Orientation vers ${where} : ${ORIENTATION_STATES[to].toLowerCase()}.`;
  }
}
