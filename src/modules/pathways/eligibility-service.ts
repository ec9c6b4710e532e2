import { forbidden, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import { formatDate } from '../../web/format.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { requireFollower } from './core.js';
import {
  AUTHORISED_PRESCRIBER_KINDS,
  CRITERIA_BY_CODE,
  checkDiagnosis,
  type DiagnosisAuthor,
  diagnosisExpiresOn,
  diagnosisValidOn,
  SIAE_KINDS,
  type SiaeKind,
  siaeKindOf,
} from './eligibility-rules.js';
import { idField, isDate } from './fields.js';
import type { IaeContext } from './iae-context.js';
import type { DiagnosisRow } from './iae-repository.js';

/** What an author sends: the person and the administrative criteria with their proof. */
export interface DiagnosisInput {
  personId?: string;
  criteria?: { code?: string; proof?: string; proofOn?: string }[];
}

const PROOF_MAX = 200;
export const CRITERIA_HIDDEN = 'critères réservés';

/** A diagnosis as the actor may see it: its criteria only for the author, the referent and the hiring SIAE. */
export function diagnosisView(
  d: DiagnosisRow,
  viewer: { organisationId: string; referentOrganisationId: string },
  on: string,
) {
  const seesCriteria =
    viewer.organisationId === d.authorOrganisationId ||
    viewer.organisationId === viewer.referentOrganisationId ||
    d.hiringOrganisationIds.includes(viewer.organisationId);
  const runningEnds = d.approvalEnds;
  const validUntil = runningEnds.reduce((max, e) => (e > max ? e : max), d.expiresOn);
  return {
    id: d.id,
    personId: d.personId,
    author: {
      kind: d.authorKind,
      siaeKind: d.siaeKind,
      organisationId: d.authorOrganisationId,
      organisation: d.authorOrganisationName,
      by: d.authorLabel,
    },
    madeOn: d.madeOn,
    expiresOn: d.expiresOn,
    /** The last day it is valid: its own expiry, or later while a PASS issued from it runs. */
    validUntil,
    valid: diagnosisValidOn(d, on, runningEnds),
    criteriaVisible: seesCriteria,
    criteria: seesCriteria
      ? d.criteria.map((c) => ({
          code: c.code,
          level: CRITERIA_BY_CODE.get(c.code)?.level ?? null,
          label: CRITERIA_BY_CODE.get(c.code)?.label ?? c.code,
          proof: c.proof,
          proofOn: c.proofOn,
        }))
      : null,
    criteriaNote: seesCriteria ? null : CRITERIA_HIDDEN,
  };
}
export type DiagnosisView = ReturnType<typeof diagnosisView>;

/** Who may author a diagnosis, from the actor's organisation kind (issue 12 §3). */
export function authorOf(kind: string): { author: DiagnosisAuthor; siaeKind: SiaeKind | null } | null {
  if (AUTHORISED_PRESCRIBER_KINDS.has(kind)) return { author: 'prescriber', siaeKind: null };
  const siaeKind = siaeKindOf(kind);
  return siaeKind ? { author: 'siae', siaeKind } : null;
}

/** IAE eligibility (issue 12 §3): diagnoses by an authorised prescriber or an SIAE; sensitive criteria. */
export function eligibilityUseCases(ctx: IaeContext) {
  const { core, repo } = ctx;

  return {
    authorOf,

    /** An authorised prescriber or an SIAE records a diagnosis of a person whose file it may read. */
    async createDiagnosis(actor: Actor, input: DiagnosisInput) {
      const { organisationId, kind } = requireFollower(actor);
      const who = authorOf(kind);
      if (!who)
        throw forbidden(
          'Seuls un prescripteur habilité (France Travail, Mission locale, Cap emploi…) ou une SIAE établissent un diagnostic d’éligibilité IAE.',
        );
      const personId = idField('personId', input.personId, 'la personne');
      await core.needs.persons.checkReader(actor, personId);
      if (input.criteria !== undefined && !Array.isArray(input.criteria))
        throw invalid('criteria', 'Les critères sont une liste.');
      const on = core.today();
      const criteria = (input.criteria ?? []).map((c, i) => {
        const code = typeof c?.code === 'string' ? c.code : '';
        if (!code) throw invalid(`criteria.${i}`, 'Chaque critère a un code.');
        const proof = typeof c.proof === 'string' ? c.proof.trim() || null : null;
        if (proof && proof.length > PROOF_MAX)
          throw invalid(`criteria.${code}`, `Le justificatif tient en ${PROOF_MAX} caractères au plus.`);
        let proofOn: string | null = null;
        if (c.proofOn !== undefined && c.proofOn !== '') {
          if (!isDate(c.proofOn))
            throw invalid(`criteria.${code}`, 'La date du justificatif est une date (AAAA-MM-JJ).');
          if (c.proofOn > on) throw invalid(`criteria.${code}`, 'La date du justificatif est dans le futur.');
          proofOn = c.proofOn;
        }
        return { code, proof, proofOn };
      });
      const problems = checkDiagnosis({
        author: who.author,
        siaeKind: who.siaeKind,
        criteria: criteria.map((c) => c.code),
      });
      if (problems[0]) throw invalid(problems[0].field, problems[0].message);
      const expiresOn = diagnosisExpiresOn(who.author, on);
      const names = await core.names(actor);
      return repo.transaction(async (tx) => {
        const id = await repo.insertDiagnosis(tx, {
          personId,
          authorOrganisationId: organisationId,
          authorKind: who.author,
          siaeKind: who.siaeKind,
          authorUserId: actor.userId,
          authorLabel: names.label,
          madeOn: on,
          expiresOn,
          criteria,
        });
        // The timeline is read by every organisation of the file: no criterion in it (issue 12 §3).
        await core.events.add(tx, {
          personId,
          occurredOn: on,
          kind: 'diagnosis',
          organisationId,
          organisationLabel: names.organisation,
          authorLabel: names.label,
          summary: `Diagnostic d’éligibilité IAE réalisé${who.siaeKind ? ` par une ${SIAE_KINDS[who.siaeKind].toLowerCase()}` : ' par un prescripteur habilité'}, valable jusqu’au ${formatDate(expiresOn)}.`,
          refId: id,
        });
        await recordAudit(tx, actor, {
          action: 'eligibility.created',
          subjectType: 'person',
          subjectId: personId,
          details: { diagnosisId: id, authorKind: who.author, criteria: criteria.length },
        });
        await core.events.outbox(tx, 'eligibility.created', actor.userId, {
          diagnosisId: id,
          personId,
          organisationId,
        });
        return { id, madeOn: on, expiresOn };
      });
    },

    /** A person's diagnoses for a reader of the file (audited: eligibility.read). */
    async diagnosesFor(actor: Actor, personId: string) {
      const { organisationId } = requireFollower(actor);
      const id = idField('personId', personId, 'la personne');
      await core.needs.persons.checkReader(actor, id);
      const person = await repo.person(id);
      if (!person) throw notFound('Personne introuvable.');
      const rows = await repo.diagnoses(id);
      const on = core.today();
      return rows.map((d) =>
        diagnosisView(d, { organisationId, referentOrganisationId: person.referentOrganisationId }, on),
      );
    },

    /** One diagnosis, for a reader of its person's file. */
    async diagnosis(actor: Actor, diagnosisId: string) {
      const { organisationId } = requireFollower(actor);
      if (!isUuid(diagnosisId)) throw notFound('Diagnostic introuvable.');
      const personId = await repo.diagnosisPerson(diagnosisId);
      if (!personId) throw notFound('Diagnostic introuvable.');
      await core.needs.persons.checkReader(actor, personId);
      const person = await repo.person(personId);
      const [row] = await repo.diagnoses(personId, { id: diagnosisId });
      if (!row || !person) throw notFound('Diagnostic introuvable.');
      return diagnosisView(
        row,
        { organisationId, referentOrganisationId: person.referentOrganisationId },
        core.today(),
      );
    },
  };
}
