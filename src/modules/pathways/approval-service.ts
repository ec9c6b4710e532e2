import { conflict, forbidden, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { formatDate } from '../../web/format.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import {
  APPROVAL_STATUS_LABELS,
  type ApprovalFacts,
  approvalBaseEnd,
  approvalEndOn,
  approvalNumber,
  approvalStatus,
  checkProlongation,
  checkSuspension,
  inWaitingPeriod,
  PROLONGATION_REASONS,
  SUSPENSION_REASONS,
  suspensionReasonAllowed,
  waitingPeriodEndsOn,
} from './approval-rules.js';
import { contractView } from './contract-view.js';
import { requireFollower } from './core.js';
import { addDays, addYears } from './dates.js';
import { AUTHORISED_PRESCRIBER_KINDS, diagnosisValidOn, type SiaeKind } from './eligibility-rules.js';
import { commentField, dateField, idField } from './fields.js';
import { type IaeContext, readsFile, requireAuthorisedPrescriber, requireSiae } from './iae-context.js';
import type { ApprovalRow } from './iae-repository.js';
import {
  CDI_INCLUSION_MIN_AGE,
  CONTRACT_KINDS,
  type ContractKind,
  PASSERELLE_APPROVAL_PREFIX,
} from './iae-rules.js';

export interface HireInput {
  personId?: string;
  orientationId?: string;
  positionId?: string;
  startOn?: string;
  contractKind?: string;
  endOn?: string;
  hoursPerWeek?: number;
}
export interface SuspensionInput {
  startOn?: string;
  endOn?: string;
  reason?: string;
  comment?: string;
}
export interface ProlongationInput {
  endOn?: string;
  reason?: string;
  prescriberOrganisationId?: string;
  comment?: string;
}
export interface ProlongationDecision {
  decision?: string;
  version?: number;
  comment?: string;
}

/** The facts the rules read: granted prolongations only (a request moves nothing). */
export const factsOf = (a: ApprovalRow): ApprovalFacts => ({
  startOn: a.startOn,
  baseEndOn: a.baseEndOn,
  suspensions: a.suspensions.map((s) => ({ startOn: s.startOn, endOn: s.endOn })),
  prolongations: a.prolongations
    .filter((p) => p.state === 'granted')
    .map((p) => ({ startOn: p.startOn, endOn: p.endOn })),
});

/** A PASS as the API and pages show it: the status computed on the day, never stored. */
export function approvalView(a: ApprovalRow, today: string) {
  const status = approvalStatus(factsOf(a), today);
  return {
    id: a.id,
    number: a.number,
    person: { id: a.personId, firstName: a.personFirstName, lastName: a.personLastName },
    siae: { organisationId: a.siaeOrganisationId, organisation: a.siaeOrganisationName },
    diagnosisId: a.diagnosisId,
    startOn: a.startOn,
    baseEndOn: a.baseEndOn,
    endOn: a.endOn,
    status,
    statusLabel: APPROVAL_STATUS_LABELS[status],
    version: a.version,
    createdBy: a.createdByLabel,
    suspensions: a.suspensions.map((s) => ({
      ...s,
      reasonLabel: SUSPENSION_REASONS[s.reason] ?? s.reason,
    })),
    prolongations: a.prolongations.map((p) => ({
      ...p,
      reasonLabel: PROLONGATION_REASONS[p.reason]?.label ?? p.reason,
    })),
  };
}
export type ApprovalView = ReturnType<typeof approvalView>;

/** Age in whole years on a day (CDI inclusion, 57+). */
const ageOn = (birthDate: string, on: string) => {
  let age = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (addYears(birthDate, age) > on) age--;
  return age;
};

/** PASS IAE (issue 12 §4): hire, suspensions, prolongations, reads. */
export function approvalUseCases(ctx: IaeContext) {
  const { core, repo } = ctx;

  async function load(id: string) {
    if (!isUuid(id)) throw notFound('PASS IAE introuvable.');
    const a = await repo.approval(id);
    if (!a) throw notFound('PASS IAE introuvable.');
    return a;
  }

  /** The SIAE that issued the PASS, or one that employs the person under it. */
  async function holds(organisationId: string, a: ApprovalRow) {
    if (a.siaeOrganisationId === organisationId) return true;
    const contracts = await repo.contracts(a.personId);
    return contracts.some((c) => c.approvalId === a.id && c.siaeOrganisationId === organisationId && !c.exit);
  }

  async function loadHeld(actor: Actor, id: string) {
    const { organisationId, siaeKind } = requireSiae(actor);
    const a = await load(id);
    if (!(await holds(organisationId, a)))
      throw forbidden('Seule la SIAE qui emploie la personne avec ce PASS IAE peut le modifier.');
    return { a, organisationId, siaeKind };
  }

  /** The contract's kind for the SIAE's kind, and the CDI inclusion's age (law 2020-1577). */
  function checkContract(
    siaeKind: SiaeKind,
    input: { kind?: string; startOn: string; endOn?: string; hoursPerWeek?: number },
    birthDate: string,
    field = 'contractKind',
  ) {
    const kind = input.kind ?? '';
    const rule = (CONTRACT_KINDS as Record<string, { label: string; siaeKinds: readonly SiaeKind[] }>)[kind];
    if (!rule || !Object.hasOwn(CONTRACT_KINDS, kind))
      throw invalid(field, 'Choisissez le type de contrat dans la liste.');
    if (!rule.siaeKinds.includes(siaeKind))
      throw invalid(field, `Le contrat « ${rule.label} » n’est pas celui d’une structure de ce type.`);
    if (kind === 'CDI_INCLUSION' && ageOn(birthDate, input.startOn) < CDI_INCLUSION_MIN_AGE)
      throw invalid(
        field,
        `Le CDI inclusion est réservé aux personnes de ${CDI_INCLUSION_MIN_AGE} ans et plus.`,
      );
    let endOn: string | null = null;
    if (input.endOn !== undefined && input.endOn !== '') {
      endOn = dateField('endOn', input.endOn, 'la date de fin du contrat');
      if (endOn < input.startOn) throw invalid('endOn', 'La fin du contrat précède son début.');
      if (kind === 'CDI_INCLUSION') throw invalid('endOn', 'Un CDI n’a pas de date de fin.');
    }
    let hoursPerWeek: number | null = null;
    if (input.hoursPerWeek !== undefined && input.hoursPerWeek !== null) {
      const h = Number(input.hoursPerWeek);
      if (!Number.isFinite(h) || h <= 0 || h > 48 || Math.round(h * 10) !== h * 10)
        throw invalid('hoursPerWeek', 'La durée hebdomadaire est comprise entre 0,1 et 48 heures.');
      hoursPerWeek = h;
    }
    return { kind: kind as ContractKind, endOn, hoursPerWeek };
  }

  return {
    checkContract,

    /**
     * An SIAE hires a person (issue 12 §4): reuses the PASS running on the start date, or issues
     * one on a diagnosis valid that day, outside the waiting period unless an authorised
     * prescriber's diagnosis is later than the last PASS's end. The PASS, the contract, the
     * timeline steps and the outbox event are one transaction; the person's row is locked so that
     * two concurrent hires are serialised and the second one refused.
     */
    async hire(actor: Actor, input: HireInput) {
      const { organisationId, siaeKind } = requireSiae(actor);
      let personId = input.personId ? idField('personId', input.personId, 'la personne') : null;
      let orientationId: string | null = null;
      let positionId = input.positionId ? idField('positionId', input.positionId, 'le poste') : null;
      if (input.orientationId) {
        orientationId = idField('orientationId', input.orientationId, 'l’orientation');
        const o = await core.orientations.get(orientationId);
        if (!o) throw notFound('Orientation introuvable.');
        if (o.targetOrganisationId !== organisationId)
          throw forbidden('Cette orientation ne s’adresse pas à votre structure.');
        if (o.state !== 'accepted')
          throw invalid('orientationId', 'Acceptez d’abord l’orientation avant d’embaucher.');
        if (personId && personId !== o.personId)
          throw invalid('personId', 'Cette orientation concerne une autre personne.');
        personId = o.personId;
        if (!positionId && o.targetKind === 'siae_position' && o.targetRef) positionId = o.targetRef;
      }
      if (!personId) throw invalid('personId', 'Indiquez la personne embauchée.');
      await core.needs.persons.checkReader(actor, personId);
      const today = core.today();
      const startOn = dateField('startOn', input.startOn, 'la date de début du contrat');
      if (startOn < addDays(today, -31))
        throw invalid('startOn', 'Le contrat ne peut commencer plus d’un mois avant aujourd’hui.');
      const person = await repo.person(personId);
      if (!person) throw notFound('Personne introuvable.');
      const contract = checkContract(
        siaeKind,
        { kind: input.contractKind, startOn, endOn: input.endOn, hoursPerWeek: input.hoursPerWeek },
        person.birthDate,
      );
      const names = await core.names(actor);
      const siae = await repo.organisation(organisationId);
      return repo.transaction(async (tx) => {
        await repo.lockPerson(tx, personId);
        const open = await repo.openContracts(tx, personId, startOn);
        if (open.length)
          throw conflict(
            'personId',
            `Cette personne a déjà un contrat en cours (${open[0]!.organisationName}) : sa sortie doit être enregistrée avant une nouvelle embauche.`,
          );
        const approvals = await repo.approvals(personId, tx);
        const running = approvals.find((a) => a.startOn <= startOn && a.endOn >= startOn);
        let approvalId: string;
        let number: string;
        let issued = false;
        let endOn: string;
        if (running) {
          approvalId = running.id;
          number = running.number;
          endOn = running.endOn;
        } else {
          // A PASS that starts later than the hire cannot serve it: refuse rather than issue a second one.
          if (approvals.some((a) => a.startOn > startOn))
            throw conflict(
              'startOn',
              'Un PASS IAE de cette personne commence après cette date : choisissez une autre date de début.',
            );
          const diagnoses = await repo.diagnoses(personId, { tx });
          const valid = diagnoses.find((d) => diagnosisValidOn(d, startOn, d.approvalEnds));
          if (!valid)
            throw invalid(
              'personId',
              'Aucun diagnostic d’éligibilité IAE valide à la date d’embauche : un prescripteur habilité ou votre structure doit en établir un.',
            );
          let chosen = valid;
          const lastEnd = approvals.reduce<string | null>((m, a) => (m && m > a.endOn ? m : a.endOn), null);
          if (lastEnd && inWaitingPeriod(lastEnd, startOn)) {
            // Issue 12 §4: 2 years of waiting after a PASS ends, unless an authorised prescriber
            // assessed the person again after that end (itou « dérogation au délai de carence »).
            const exemption = diagnoses.find(
              (d) => d.authorKind === 'prescriber' && d.madeOn > lastEnd && diagnosisValidOn(d, startOn),
            );
            if (!exemption)
              throw invalid(
                'personId',
                `Délai de carence : le dernier PASS IAE de cette personne a pris fin le ${formatDate(lastEnd)} ; un nouveau PASS ne peut être délivré avant le ${formatDate(addDays(waitingPeriodEndsOn(lastEnd), 1))}, sauf diagnostic d’un prescripteur habilité postérieur à cette fin.`,
              );
            chosen = exemption;
          }
          const baseEndOn = approvalBaseEnd(startOn);
          const created = await repo.insertApproval(
            tx,
            {
              prefix: PASSERELLE_APPROVAL_PREFIX,
              personId,
              siaeOrganisationId: organisationId,
              diagnosisId: chosen.id,
              startOn,
              baseEndOn,
              createdByLabel: names.label,
            },
            approvalNumber,
          );
          approvalId = created.id;
          number = created.number;
          endOn = baseEndOn;
          issued = true;
          await core.events.add(tx, {
            personId,
            occurredOn: today,
            kind: 'approval',
            organisationId,
            organisationLabel: names.organisation,
            authorLabel: names.label,
            summary: `PASS IAE n° ${number} délivré, valable du ${formatDate(startOn)} au ${formatDate(baseEndOn)}.`,
            refId: approvalId,
          });
        }
        const contractId = await repo.insertContract(tx, {
          personId,
          siaeOrganisationId: organisationId,
          siaeKind,
          approvalId,
          orientationId,
          positionId,
          kind: contract.kind,
          startOn,
          endOn: contract.endOn,
          hoursPerWeek: contract.hoursPerWeek,
          label: names.label,
        });
        await core.events.add(tx, {
          personId,
          occurredOn: startOn,
          kind: 'contract',
          organisationId,
          organisationLabel: names.organisation,
          authorLabel: names.label,
          summary: `Embauche chez ${siae?.name ?? names.organisation} : ${CONTRACT_KINDS[contract.kind].label}, à partir du ${formatDate(startOn)}${contract.endOn ? ` jusqu’au ${formatDate(contract.endOn)}` : ''}${issued ? '' : ` (PASS IAE n° ${number} en cours)`}.`,
          refId: contractId,
        });
        await recordAudit(tx, actor, {
          action: 'approval.issued',
          subjectType: 'person',
          subjectId: personId,
          details: { approvalId, contractId, issued, ...(orientationId ? { orientationId } : {}) },
        });
        if (issued)
          await core.events.outbox(tx, 'approval.issued', actor.userId, {
            approvalId,
            number,
            personId,
            organisationId,
          });
        return { approvalId, number, issued, contractId, startOn, endOn };
      });
    },

    /** A person's PASS, for the readers of the file. */
    async approvalsFor(actor: Actor, personId: string) {
      requireFollower(actor);
      const id = idField('personId', personId, 'la personne');
      await core.needs.persons.checkReader(actor, id);
      const today = core.today();
      return (await repo.approvals(id)).map((a) => approvalView(a, today));
    },

    /** One PASS: for the SIAE holding it, the file's readers and the prescriber asked to prolong it. */
    async approval(actor: Actor, approvalId: string) {
      const { organisationId } = requireFollower(actor);
      const a = await load(approvalId);
      const allowed =
        (await holds(organisationId, a)) ||
        a.prolongations.some((p) => p.prescriberOrganisationId === organisationId) ||
        (await readsFile(ctx, actor, a.personId));
      if (!allowed) throw forbidden('Ce PASS IAE ne concerne pas votre organisation.');
      return {
        approval: approvalView(a, core.today()),
        holder: await holds(organisationId, a),
        contracts: (await repo.contracts(a.personId)).filter((c) => c.approvalId === a.id).map(contractView),
      };
    },

    /** The SIAE suspends the PASS (issue 12 §4): the end moves by the suspension's days. */
    async suspend(actor: Actor, approvalId: string, input: SuspensionInput) {
      const { a, organisationId, siaeKind } = await loadHeld(actor, approvalId);
      const startOn = dateField('startOn', input.startOn, 'le début de la suspension');
      const endOn = dateField('endOn', input.endOn, 'la fin de la suspension');
      const reason = input.reason ?? '';
      const comment = commentField(input.comment);
      const facts = factsOf(a);
      const today = core.today();
      const problems = checkSuspension(facts, { startOn, endOn, reason }, today);
      if (problems[0]) throw invalid(problems[0].field, problems[0].message);
      if (!suspensionReasonAllowed(reason, siaeKind))
        throw invalid('reason', 'Ce motif de suspension n’est pas ouvert aux structures de ce type.');
      const newEnd = approvalEndOn({ ...facts, suspensions: [...facts.suspensions, { startOn, endOn }] });
      const names = await core.names(actor);
      return repo.transaction(async (tx) => {
        const id = await repo.insertSuspension(tx, {
          approvalId: a.id,
          startOn,
          endOn,
          reason,
          comment,
          organisationId,
          label: names.label,
        });
        const version = await repo.moveApprovalEnd(tx, a.id, a.version, newEnd);
        if (version === null)
          throw conflict(
            'version',
            'Ce PASS IAE a changé depuis que vous l’avez ouvert : rechargez la page.',
          );
        await core.events.add(tx, {
          personId: a.personId,
          occurredOn: startOn,
          kind: 'approval',
          organisationId,
          organisationLabel: names.organisation,
          authorLabel: names.label,
          summary: `PASS IAE n° ${a.number} suspendu du ${formatDate(startOn)} au ${formatDate(endOn)} (${SUSPENSION_REASONS[reason]}) ; nouvelle fin le ${formatDate(newEnd)}.`,
          refId: a.id,
        });
        await recordAudit(tx, actor, {
          action: 'approval.changed',
          subjectType: 'person',
          subjectId: a.personId,
          details: { approvalId: a.id, suspensionId: id, reason },
        });
        await core.events.outbox(tx, 'approval.suspended', actor.userId, {
          approvalId: a.id,
          personId: a.personId,
        });
        return { id, endOn: newEnd, version };
      });
    },

    /** The SIAE asks an authorised prescriber to prolong the PASS from the day after its end. */
    async requestProlongation(actor: Actor, approvalId: string, input: ProlongationInput) {
      const { a, organisationId, siaeKind } = await loadHeld(actor, approvalId);
      const endOn = dateField('endOn', input.endOn, 'la fin de la prolongation');
      const reason = input.reason ?? '';
      const prescriberId = idField(
        'prescriberOrganisationId',
        input.prescriberOrganisationId,
        'le prescripteur habilité',
      );
      const comment = commentField(input.comment);
      const prescriber = await repo.organisation(prescriberId);
      if (!prescriber || !AUTHORISED_PRESCRIBER_KINDS.has(prescriber.kind))
        throw invalid(
          'prescriberOrganisationId',
          'Choisissez un prescripteur habilité (France Travail, Mission locale, Cap emploi…).',
        );
      if (a.prolongations.some((p) => p.state === 'requested'))
        throw conflict('reason', 'Une demande de prolongation de ce PASS IAE attend déjà une décision.');
      const facts = factsOf(a);
      const startOn = addDays(approvalEndOn(facts), 1);
      const problems = checkProlongation(
        facts,
        { startOn, endOn, reason },
        {
          siaeKind,
          previous: a.prolongations
            .filter((p) => p.state === 'granted')
            .map((p) => ({ reason: p.reason, startOn: p.startOn, endOn: p.endOn })),
        },
      );
      if (problems[0]) throw invalid(problems[0].field, problems[0].message);
      const names = await core.names(actor);
      return repo.transaction(async (tx) => {
        const id = await repo.insertProlongation(tx, {
          approvalId: a.id,
          startOn,
          endOn,
          reason,
          comment,
          organisationId,
          label: names.label,
          prescriberOrganisationId: prescriberId,
        });
        await core.events.add(tx, {
          personId: a.personId,
          occurredOn: core.today(),
          kind: 'approval',
          organisationId,
          organisationLabel: names.organisation,
          authorLabel: names.label,
          summary: `Prolongation du PASS IAE n° ${a.number} demandée à ${prescriber.name} jusqu’au ${formatDate(endOn)} (${PROLONGATION_REASONS[reason]?.label}).`,
          refId: a.id,
        });
        await recordAudit(tx, actor, {
          action: 'approval.changed',
          subjectType: 'person',
          subjectId: a.personId,
          details: { approvalId: a.id, prolongationId: id, reason, requested: true },
        });
        await core.events.outbox(tx, 'approval.prolongation_requested', actor.userId, {
          approvalId: a.id,
          prolongationId: id,
          prescriberOrganisationId: prescriberId,
        });
        return { id, startOn, endOn, state: 'requested' as const, version: 1 };
      });
    },

    /** The named authorised prescriber grants or refuses; a grant moves the PASS's end. */
    async decideProlongation(actor: Actor, prolongationId: string, input: ProlongationDecision) {
      const { organisationId } = requireAuthorisedPrescriber(actor);
      if (!isUuid(prolongationId)) throw notFound('Demande de prolongation introuvable.');
      const ref = await repo.prolongationApproval(prolongationId);
      if (!ref) throw notFound('Demande de prolongation introuvable.');
      if (ref.prescriberOrganisationId !== organisationId)
        throw forbidden('Cette demande de prolongation est adressée à une autre organisation.');
      const decision = input.decision;
      if (decision !== 'granted' && decision !== 'refused')
        throw invalid('decision', 'Décision attendue : granted (accordée) ou refused (refusée).');
      if (input.version === undefined || !Number.isInteger(input.version))
        throw invalid('version', 'La version de la demande lue est requise.');
      const comment = commentField(input.comment);
      if (decision === 'refused' && !comment)
        throw invalid('comment', 'Dites pourquoi la prolongation est refusée.');
      const a = await load(ref.approvalId);
      const p = a.prolongations.find((x) => x.id === prolongationId)!;
      const stale = () =>
        conflict('version', 'Cette demande a changé depuis que vous l’avez ouverte : rechargez la page.');
      if (p.state !== 'requested' || p.version !== input.version) throw stale();
      const facts = factsOf(a);
      // A suspension recorded since the request moved the end: the request no longer follows it.
      if (decision === 'granted' && p.startOn !== addDays(approvalEndOn(facts), 1))
        throw conflict(
          'version',
          'La fin du PASS IAE a changé depuis la demande : la SIAE doit la renouveler.',
        );
      const newEnd =
        decision === 'granted'
          ? approvalEndOn({
              ...facts,
              prolongations: [...facts.prolongations, { startOn: p.startOn, endOn: p.endOn }],
            })
          : a.endOn;
      const names = await core.names(actor);
      return repo.transaction(async (tx) => {
        if (
          !(await repo.decideProlongation(tx, {
            id: p.id,
            version: p.version,
            state: decision,
            label: names.label,
            comment,
          }))
        )
          throw stale();
        if (decision === 'granted' && (await repo.moveApprovalEnd(tx, a.id, a.version, newEnd)) === null)
          throw stale();
        await core.events.add(tx, {
          personId: a.personId,
          occurredOn: core.today(),
          kind: 'approval',
          organisationId,
          organisationLabel: names.organisation,
          authorLabel: names.label,
          summary:
            decision === 'granted'
              ? `Prolongation du PASS IAE n° ${a.number} accordée jusqu’au ${formatDate(newEnd)}.`
              : `Prolongation du PASS IAE n° ${a.number} refusée.`,
          refId: a.id,
        });
        await recordAudit(tx, actor, {
          action: 'approval.changed',
          subjectType: 'person',
          subjectId: a.personId,
          details: { approvalId: a.id, prolongationId: p.id, decision },
        });
        await core.events.outbox(tx, 'approval.prolongation_decided', actor.userId, {
          approvalId: a.id,
          prolongationId: p.id,
          decision,
        });
        return { state: decision, version: p.version + 1, endOn: newEnd };
      });
    },

    /** The requests addressed to the actor's authorised prescriber organisation. */
    async prolongationRequests(actor: Actor) {
      const { organisationId } = requireAuthorisedPrescriber(actor);
      return (await repo.prolongationRequests(organisationId)).map((r) => ({
        ...r,
        prolongation: {
          ...r.prolongation,
          reasonLabel: PROLONGATION_REASONS[r.prolongation.reason]?.label ?? r.prolongation.reason,
        },
      }));
    },

    /** « Mes salariés en insertion »: the SIAE's running contracts with their PASS. */
    async siaeEmployees(actor: Actor) {
      const { organisationId, siaeKind } = requireSiae(actor);
      return { siaeKind, rows: await repo.siaeEmployees(organisationId) };
    },

    /** Authorised prescribers a PASS's prolongation may be asked to. */
    prescriberChoices: () => repo.organisationsOfKinds([...AUTHORISED_PRESCRIBER_KINDS]),
  };
}
