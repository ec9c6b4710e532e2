import { conflict, forbidden, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { formatDate, formatNumber } from '../../web/format.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import type { approvalUseCases } from './approval-service.js';
import { contractView } from './contract-view.js';
import { requireFollower } from './core.js';
import { addDays, daysBetween } from './dates.js';
import type { SiaeKind } from './eligibility-rules.js';
import { EXIT_CATEGORIES, EXIT_REASON_BY_CODE, exitCategory, exitCounts } from './exit-rules.js';
import { commentField, dateField, idField } from './fields.js';
import { type IaeContext, requireSiae } from './iae-context.js';
import {
  CONTRACT_KINDS,
  type ContractKind,
  DEFAULT_WEEKLY_HOURS,
  MONTH_HOURS_MAX,
  MONTHLY_HOURS_KINDS,
} from './iae-rules.js';
import { SHARE_AFTER_EXIT_DAYS } from './rules.js';

export interface ContractInput {
  personId?: string;
  approvalId?: string;
  kind?: string;
  startOn?: string;
  endOn?: string;
  hoursPerWeek?: number;
}
export interface ExitInput {
  exitOn?: string;
  reason?: string;
  comment?: string;
}

/**
 * Hours worked over an SIAE pathway (the contract and its renewals under the same PASS), as the
 * exit counting rule reads them (issue 12 §5): for an AI or an ETTI the monthly hours recorded;
 * for the others, whose contracts have a weekly duration, an estimate: hours per week × weeks
 * worked (days from start to the earlier of end and exit, both included, / 7), with
 * DEFAULT_WEEKLY_HOURS when the contract has none. Hours recorded for an ACI/EI/EITI contract win.
 */
export function hoursWorked(
  siaeKind: SiaeKind,
  contracts: readonly {
    startOn: string;
    endOn: string | null;
    hoursPerWeek: number | null;
    recorded: number | null;
  }[],
  exitOn: string,
): number {
  let total = 0;
  for (const c of contracts) {
    if (c.startOn > exitOn) continue;
    if (MONTHLY_HOURS_KINDS.includes(siaeKind) || c.recorded !== null) {
      total += c.recorded ?? 0;
      continue;
    }
    const last = c.endOn && c.endOn < exitOn ? c.endOn : exitOn;
    const weeks = (daysBetween(c.startOn, last) + 1) / 7;
    total += (c.hoursPerWeek ?? DEFAULT_WEEKLY_HOURS) * weeks;
  }
  return Math.round(total * 10) / 10;
}

/** Contracts, monthly hours and exits (issue 12 §5). */
export function contractUseCases(ctx: IaeContext, approvals: ReturnType<typeof approvalUseCases>) {
  const { core, repo } = ctx;

  async function loadOwn(actor: Actor, contractId: string) {
    const { organisationId, siaeKind } = requireSiae(actor);
    if (!isUuid(contractId)) throw notFound('Contrat introuvable.');
    const c = await repo.contract(contractId);
    if (!c) throw notFound('Contrat introuvable.');
    if (c.siaeOrganisationId !== organisationId)
      throw forbidden('Ce contrat a été conclu par une autre structure.');
    return { c, organisationId, siaeKind };
  }

  return {
    /** A renewal or a new contract under a PASS the person holds. */
    async addContract(actor: Actor, input: ContractInput) {
      const { organisationId, siaeKind } = requireSiae(actor);
      const personId = idField('personId', input.personId, 'la personne');
      const approvalId = idField('approvalId', input.approvalId, 'le PASS IAE');
      await core.needs.persons.checkReader(actor, personId);
      const startOn = dateField('startOn', input.startOn, 'la date de début du contrat');
      const a = await repo.approval(approvalId);
      if (!a || a.personId !== personId)
        throw invalid('approvalId', 'Ce PASS IAE n’est pas celui de cette personne.');
      if (startOn < a.startOn || startOn > a.endOn)
        throw invalid(
          'startOn',
          `Le contrat doit commencer pendant le PASS IAE (du ${formatDate(a.startOn)} au ${formatDate(a.endOn)}).`,
        );
      const person = await repo.person(personId);
      if (!person) throw notFound('Personne introuvable.');
      const contract = approvals.checkContract(
        siaeKind,
        { kind: input.kind, startOn, endOn: input.endOn, hoursPerWeek: input.hoursPerWeek },
        person.birthDate,
        'kind',
      );
      const names = await core.names(actor);
      return repo.transaction(async (tx) => {
        await repo.lockPerson(tx, personId);
        const elsewhere = (await repo.openContracts(tx, personId, startOn)).find(
          (o) => o.organisationId !== organisationId,
        );
        if (elsewhere)
          throw conflict(
            'personId',
            `Cette personne a un contrat en cours dans une autre structure (${elsewhere.organisationName}).`,
          );
        const id = await repo.insertContract(tx, {
          personId,
          siaeOrganisationId: organisationId,
          siaeKind,
          approvalId,
          orientationId: null,
          positionId: null,
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
          summary: `Contrat ${CONTRACT_KINDS[contract.kind as ContractKind].label} à partir du ${formatDate(startOn)}${contract.endOn ? ` jusqu’au ${formatDate(contract.endOn)}` : ''}.`,
          refId: id,
        });
        await recordAudit(tx, actor, {
          action: 'contract.recorded',
          subjectType: 'person',
          subjectId: personId,
          details: { contractId: id, approvalId },
        });
        await core.events.outbox(tx, 'contract.recorded', actor.userId, {
          contractId: id,
          personId,
          organisationId,
        });
        return { id };
      });
    },

    /** Hours worked in a month (AI, ETTI): the exit's counting rule reads their sum. */
    async recordHours(actor: Actor, contractId: string, input: { month?: string; hours?: number }) {
      const { c, siaeKind } = await loadOwn(actor, contractId);
      if (!MONTHLY_HOURS_KINDS.includes(siaeKind))
        throw invalid('month', 'Les heures mensuelles se déclarent pour une AI ou une ETTI.');
      const month = input.month ?? '';
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw invalid('month', 'Indiquez le mois (AAAA-MM).');
      const today = core.today();
      if (month > today.slice(0, 7)) throw invalid('month', 'Ce mois n’est pas encore commencé.');
      if (month < c.startOn.slice(0, 7) || (c.endOn && month > c.endOn.slice(0, 7)))
        throw invalid('month', 'Ce mois est en dehors du contrat.');
      const hours = Number(input.hours);
      if (input.hours === undefined || !Number.isFinite(hours) || hours < 0 || hours > MONTH_HOURS_MAX)
        throw invalid('hours', `Indiquez les heures travaillées, de 0 à ${MONTH_HOURS_MAX}.`);
      if (Math.round(hours * 10) !== hours * 10) throw invalid('hours', 'Les heures se comptent au dixième.');
      return repo.transaction(async (tx) => {
        await repo.setHours(tx, c.id, month, hours);
        await recordAudit(tx, actor, {
          action: 'contract.recorded',
          subjectType: 'person',
          subjectId: c.personId,
          details: { contractId: c.id, month, hours },
        });
        return { contractId: c.id, month, hours };
      });
    },

    /**
     * The exit (issue 12 §5): its ASP reason, category and whether it counts stored at write, with
     * the SIAE's kind, zone and department, so that the rates are one grouped scan.
     */
    async recordExit(actor: Actor, contractId: string, input: ExitInput) {
      const { c, organisationId, siaeKind } = await loadOwn(
        actor,
        idField('contractId', contractId, 'le contrat'),
      );
      const exitOn = dateField('exitOn', input.exitOn, 'la date de sortie');
      if (exitOn < c.startOn) throw invalid('exitOn', 'La sortie précède le début du contrat.');
      if (exitOn > core.today())
        throw invalid('exitOn', 'La sortie est dans le futur : enregistrez-la le jour venu.');
      const reason = EXIT_REASON_BY_CODE.get(input.reason ?? '');
      if (!reason) throw invalid('reason', 'Choisissez le motif de sortie dans la liste de l’ASP.');
      const comment = commentField(input.comment);
      if (c.exit) throw conflict('contractId', 'La sortie de ce contrat est déjà enregistrée.');
      const names = await core.names(actor);
      const siae = await repo.organisation(organisationId);
      const category = exitCategory(reason.code);
      try {
        return await repo.transaction(async (tx) => {
          const pathway = await repo.pathwayOf(tx, c);
          const firstStart = pathway.reduce((m, p) => (p.startOn < m ? p.startOn : m), c.startOn);
          // Days of the SIAE pathway, from its first contract (renewals under the same PASS continue it).
          const contractDays = daysBetween(firstStart, exitOn) + 1;
          const worked = hoursWorked(siaeKind, pathway, exitOn);
          const counted = exitCounts({ siaeKind, hoursWorked: worked, contractDays });
          const id = await repo.insertExit(tx, {
            contractId: c.id,
            personId: c.personId,
            siaeOrganisationId: organisationId,
            siaeKind,
            zoneCode: siae?.zoneCode ?? null,
            departmentCode: siae?.departmentCode ?? null,
            exitOn,
            reason: reason.code,
            category,
            counted,
            hoursWorked: worked,
            contractDays,
            comment,
            label: names.label,
          });
          // Issue 12 §1: the SIAE keeps reading the file for the follow-up, then the share ends.
          const stillOpen = (await repo.openContracts(tx, c.personId, exitOn)).some(
            (o) => o.organisationId === organisationId,
          );
          if (!stillOpen) {
            const until = addDays(exitOn, SHARE_AFTER_EXIT_DAYS);
            await core.needs.persons.orientationShares.end(tx, c.personId, organisationId, until);
            // The file's share is a persons write: its own audit line, beside the exit's.
            await recordAudit(tx, actor, {
              action: 'person.shared',
              subjectType: 'person',
              subjectId: c.personId,
              details: { organisationId, basis: 'orientation', until, after: 'exit' },
            });
          }
          await core.events.add(tx, {
            personId: c.personId,
            occurredOn: exitOn,
            kind: 'exit',
            organisationId,
            organisationLabel: names.organisation,
            authorLabel: names.label,
            summary: `Sortie : ${reason.label} (${EXIT_CATEGORIES[category]}).`,
            refId: id,
            detail: { category, counted, hoursWorked: worked, contractDays },
          });
          await recordAudit(tx, actor, {
            action: 'exit.recorded',
            subjectType: 'person',
            subjectId: c.personId,
            details: { contractId: c.id, exitId: id, reason: reason.code, category, counted },
          });
          await core.events.outbox(tx, 'exit.recorded', actor.userId, {
            exitId: id,
            personId: c.personId,
            organisationId,
            category,
            counted,
          });
          return {
            id,
            category,
            counted,
            hoursWorked: worked,
            contractDays,
            hoursText: formatNumber(worked),
          };
        });
      } catch (error) {
        // iae_exit.contract_id is unique: a concurrent second exit of the same contract.
        if ((error as { code?: string }).code === '23505')
          throw conflict('contractId', 'La sortie de ce contrat est déjà enregistrée.');
        throw error;
      }
    },

    /** A person's exits, for the readers of the file. */
    async exitsFor(actor: Actor, personId: string) {
      requireFollower(actor);
      const id = idField('personId', personId, 'la personne');
      await core.needs.persons.checkReader(actor, id);
      return (await repo.exits(id)).map((e) => ({
        ...e,
        reasonLabel: EXIT_REASON_BY_CODE.get(e.reason)?.label ?? e.reason,
        categoryLabel: EXIT_CATEGORIES[e.category as keyof typeof EXIT_CATEGORIES] ?? e.category,
      }));
    },

    /** A person's contracts, for the readers of the file. */
    async contractsFor(actor: Actor, personId: string) {
      requireFollower(actor);
      const id = idField('personId', personId, 'la personne');
      await core.needs.persons.checkReader(actor, id);
      return (await repo.contracts(id)).map(contractView);
    },
  };
}
