import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { problems } from '../persons/response-schemas.js';
import { PROLONGATION_REASONS, SUSPENSION_REASONS } from './approval-rules.js';
import type { PathwaysDeps } from './deps.js';
import { CRITERIA } from './eligibility-rules.js';
import { EXIT_REASONS } from './exit-rules.js';
import { CONTRACT_KINDS } from './iae-rules.js';

const tags = ['Parcours IAE'];
const READERS =
  'Réservé aux organisations qui peuvent lire le dossier de la personne ; chaque lecture est tracée.';
const SIAE = 'Réservé aux conseillers et administrateurs d’une SIAE (AI, EI, ETTI, ACI, EITI) ; refus : 403.';

const Uuid = Type.String({ format: 'uuid' });
const IsoDate = Type.String({ format: 'date' });
const NullableDate = Type.Union([IsoDate, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const PersonQuery = Type.Object({ personId: Type.Optional(Type.String()) }, { additionalProperties: false });

const DiagnosisSchema = Type.Object({
  id: Uuid,
  personId: Uuid,
  author: Type.Object({
    kind: Type.String({ description: 'prescriber (prescripteur habilité) ou siae' }),
    siaeKind: NullableString,
    organisationId: Uuid,
    organisation: Type.String(),
    by: Type.String(),
  }),
  madeOn: IsoDate,
  expiresOn: IsoDate,
  validUntil: Type.String({
    format: 'date',
    description: 'Prolongée tant qu’un PASS IAE délivré sur ce diagnostic court',
  }),
  valid: Type.Boolean(),
  criteriaVisible: Type.Boolean(),
  criteria: Type.Union([
    Type.Array(
      Type.Object({
        code: Type.String(),
        level: Type.Union([Type.Integer(), Type.Null()]),
        label: Type.String(),
        proof: NullableString,
        proofOn: NullableDate,
      }),
    ),
    Type.Null(),
  ]),
  criteriaNote: Type.Union([
    Type.String({ description: '« critères réservés » : données sensibles' }),
    Type.Null(),
  ]),
});

const PeriodSchema = Type.Object({
  id: Uuid,
  startOn: IsoDate,
  endOn: IsoDate,
  reason: Type.String(),
  reasonLabel: Type.String(),
  comment: NullableString,
  createdByLabel: Type.String(),
});
const ProlongationSchema = Type.Object({
  id: Uuid,
  startOn: IsoDate,
  endOn: IsoDate,
  reason: Type.String(),
  reasonLabel: Type.String(),
  comment: NullableString,
  state: Type.String({ description: 'requested, granted ou refused' }),
  prescriberOrganisationId: Uuid,
  prescriberOrganisationName: Type.String(),
  decidedByLabel: NullableString,
  decisionComment: NullableString,
  version: Type.Integer(),
});
const ApprovalSchema = Type.Object({
  id: Uuid,
  number: Type.String({ description: 'Numéro du PASS IAE (12 caractères)' }),
  person: Type.Object({ id: Uuid, firstName: Type.String(), lastName: Type.String() }),
  siae: Type.Object({ organisationId: Uuid, organisation: Type.String() }),
  diagnosisId: Type.Union([Uuid, Type.Null()]),
  startOn: IsoDate,
  baseEndOn: IsoDate,
  endOn: Type.String({
    format: 'date',
    description: 'Fin effective : suspensions et prolongations accordées comprises',
  }),
  status: Type.String({ description: 'future, valid, suspended ou expired, calculé le jour de la lecture' }),
  statusLabel: Type.String(),
  version: Type.Integer({ description: 'À renvoyer avec une décision de prolongation' }),
  suspensions: Type.Array(PeriodSchema),
  prolongations: Type.Array(ProlongationSchema),
});
const ExitSchema = Type.Object({
  id: Uuid,
  contractId: Uuid,
  exitOn: IsoDate,
  reason: Type.String(),
  reasonLabel: Type.String(),
  category: Type.String(),
  categoryLabel: Type.String(),
  counted: Type.Boolean({ description: 'Comptée dans les taux (règles de comptage, issue 12 §5)' }),
  hoursWorked: Type.Number(),
  contractDays: Type.Integer(),
  comment: NullableString,
});
const ContractSchema = Type.Object({
  id: Uuid,
  personId: Uuid,
  siaeOrganisationId: Uuid,
  siaeKind: Type.String(),
  approvalId: Type.Union([Uuid, Type.Null()]),
  kind: Type.String(),
  kindLabel: Type.String(),
  startOn: IsoDate,
  endOn: NullableDate,
  hoursPerWeek: Type.Union([Type.Number(), Type.Null()]),
  hours: Type.Array(Type.Object({ month: Type.String(), hours: Type.Number() })),
  exit: Type.Union([ExitSchema, Type.Null()]),
});

const Created = Type.Object({ id: Uuid }, { additionalProperties: true });

/** /api/v1/eligibility-diagnoses, /api/v1/approvals, /api/v1/prolongations, /api/v1/contracts, /api/v1/exits (issue 12 §7). */
export async function iaeApiRoutes(app: FastifyInstance, { pathways }: PathwaysDeps) {
  app.post(
    '/eligibility-diagnoses',
    {
      config: { access: 'user', audit: ['eligibility.created', 'eligibility.read'] },
      schema: {
        tags,
        summary: 'Établir un diagnostic d’éligibilité IAE',
        description: `Par un prescripteur habilité (aucun critère requis) ou une SIAE (1 critère de niveau 1, ou 2 de niveau 2 pour une AI/ETTI, 3 pour une ACI/EI/EITI). Critères incompatibles (SENIOR + JEUNE, DETLD + DELD) refusés : 400 nommant « criteria » ou « criteria.<CODE> ». Codes : ${CRITERIA.map((c) => c.code).join(', ')}. ${READERS}`,
        body: Type.Object(
          {
            personId: Type.String(),
            criteria: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    code: Type.String(),
                    proof: Type.Optional(Type.String({ maxLength: 200 })),
                    proofOn: Type.Optional(Type.String()),
                  },
                  { additionalProperties: false },
                ),
                { maxItems: 30 },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Uuid, madeOn: IsoDate, expiresOn: IsoDate }),
          ...problems,
        },
      },
    },
    async (request, reply) => {
      const created = await pathways.createDiagnosis(request.actor!, request.body as never);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/eligibility-diagnoses',
    {
      config: { access: 'user', audit: 'eligibility.read' },
      schema: {
        tags,
        summary: 'Les diagnostics d’éligibilité IAE d’une personne',
        description: `${READERS} Les critères ne sont donnés qu’à l’organisation auteure, à l’organisation référente et à la SIAE qui a embauché avec ce diagnostic ; aux autres : « critères réservés ».`,
        querystring: PersonQuery,
        response: { 200: Type.Array(DiagnosisSchema), ...problems },
      },
    },
    async (request) =>
      pathways.diagnosesFor(request.actor!, (request.query as { personId?: string }).personId ?? ''),
  );

  app.get(
    '/eligibility-diagnoses/:diagnosisId',
    {
      config: { access: 'user', audit: 'eligibility.read' },
      schema: {
        tags,
        summary: 'Un diagnostic d’éligibilité IAE',
        description: READERS,
        params: Type.Object({ diagnosisId: Type.String() }),
        response: { 200: DiagnosisSchema, ...problems },
      },
    },
    async (request) =>
      pathways.diagnosis(request.actor!, (request.params as { diagnosisId: string }).diagnosisId),
  );

  app.post(
    '/approvals',
    {
      config: { access: 'user', audit: ['approval.issued', 'approval.read'] },
      schema: {
        tags,
        summary: 'Embaucher : délivrer (ou reprendre) le PASS IAE et créer le contrat',
        description: `${SIAE} Il faut un diagnostic valide à la date d’embauche, hors délai de carence de 2 ans (sauf diagnostic d’un prescripteur habilité postérieur à la fin du dernier PASS). Un PASS en cours à cette date est repris. Une personne déjà sous contrat : 409. Contrats : ${Object.keys(CONTRACT_KINDS).join(', ')}.`,
        body: Type.Object(
          {
            personId: Type.Optional(Type.String()),
            orientationId: Type.Optional(Type.String()),
            positionId: Type.Optional(Type.String()),
            startOn: Type.String(),
            contractKind: Type.String(),
            endOn: Type.Optional(Type.String()),
            hoursPerWeek: Type.Optional(Type.Number()),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            approvalId: Uuid,
            number: Type.String(),
            issued: Type.Boolean({ description: 'false : un PASS en cours a été repris' }),
            contractId: Uuid,
            startOn: IsoDate,
            endOn: IsoDate,
          }),
          ...problems,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await pathways.hire(request.actor!, request.body as never)),
  );

  app.get(
    '/approvals',
    {
      config: { access: 'user', audit: 'approval.read' },
      schema: {
        tags,
        summary: 'Les PASS IAE d’une personne',
        description: READERS,
        querystring: PersonQuery,
        response: { 200: Type.Array(ApprovalSchema), ...problems },
      },
    },
    async (request) =>
      pathways.approvalsFor(request.actor!, (request.query as { personId?: string }).personId ?? ''),
  );

  app.get(
    '/approvals/:approvalId',
    {
      config: { access: 'user', audit: 'approval.read' },
      schema: {
        tags,
        summary: 'Un PASS IAE, ses suspensions, prolongations et contrats',
        description:
          'Pour la SIAE qui le détient, les organisations qui lisent le dossier et le prescripteur à qui une prolongation est demandée.',
        params: Type.Object({ approvalId: Type.String() }),
        response: {
          200: Type.Object({
            approval: ApprovalSchema,
            holder: Type.Boolean(),
            contracts: Type.Array(ContractSchema),
          }),
          ...problems,
        },
      },
    },
    async (request) =>
      pathways.approval(request.actor!, (request.params as { approvalId: string }).approvalId),
  );

  app.post(
    '/approvals/:approvalId/suspensions',
    {
      config: { access: 'user', audit: ['approval.changed', 'approval.read'] },
      schema: {
        tags,
        summary: 'Suspendre un PASS IAE',
        description: `${SIAE} La SIAE qui emploie la personne avec ce PASS. Au plus 36 mois, début au plus 365 jours en arrière et pas dans le futur ; la fin du PASS est reportée d’autant. Motifs : ${Object.keys(SUSPENSION_REASONS).join(', ')}.`,
        params: Type.Object({ approvalId: Type.String() }),
        body: Type.Object(
          {
            startOn: Type.String(),
            endOn: Type.String(),
            reason: Type.String(),
            comment: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Uuid, endOn: IsoDate, version: Type.Integer() }), ...problems },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await pathways.suspend(
            request.actor!,
            (request.params as { approvalId: string }).approvalId,
            request.body as never,
          ),
        ),
  );

  app.post(
    '/approvals/:approvalId/prolongations',
    {
      config: { access: 'user', audit: ['approval.changed', 'approval.read'] },
      schema: {
        tags,
        summary: 'Demander la prolongation d’un PASS IAE à un prescripteur habilité',
        description: `${SIAE} La prolongation commence le lendemain de la fin du PASS. Motifs : ${Object.keys(PROLONGATION_REASONS).join(', ')} (limites par motif et type de SIAE).`,
        params: Type.Object({ approvalId: Type.String() }),
        body: Type.Object(
          {
            endOn: Type.String(),
            reason: Type.String(),
            prescriberOrganisationId: Type.String(),
            comment: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Uuid,
            startOn: IsoDate,
            endOn: IsoDate,
            state: Type.String(),
            version: Type.Integer(),
          }),
          ...problems,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await pathways.requestProlongation(
            request.actor!,
            (request.params as { approvalId: string }).approvalId,
            request.body as never,
          ),
        ),
  );

  app.post(
    '/prolongations/:prolongationId/decision',
    {
      config: { access: 'user', audit: ['approval.changed', 'approval.read'] },
      schema: {
        tags,
        summary: 'Accorder ou refuser une prolongation de PASS IAE',
        description:
          'Par le prescripteur habilité à qui la demande est adressée ; `version` est celle de la demande lue (409 si elle a changé). Un refus demande un commentaire.',
        params: Type.Object({ prolongationId: Type.String() }),
        body: Type.Object(
          {
            decision: Type.String({ description: 'granted ou refused' }),
            version: Type.Integer(),
            comment: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ state: Type.String(), version: Type.Integer(), endOn: IsoDate }),
          ...problems,
        },
      },
    },
    async (request) =>
      pathways.decideProlongation(
        request.actor!,
        (request.params as { prolongationId: string }).prolongationId,
        request.body as never,
      ),
  );

  app.post(
    '/contracts',
    {
      config: { access: 'user', audit: ['contract.recorded', 'approval.read'] },
      schema: {
        tags,
        summary: 'Enregistrer un contrat (renouvellement) sous un PASS IAE',
        description: `${SIAE} Contrats : ${Object.keys(CONTRACT_KINDS).join(', ')} selon le type de SIAE.`,
        body: Type.Object(
          {
            personId: Type.String(),
            approvalId: Type.String(),
            kind: Type.String(),
            startOn: Type.String(),
            endOn: Type.Optional(Type.String()),
            hoursPerWeek: Type.Optional(Type.Number()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Created, ...problems },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await pathways.addContract(request.actor!, request.body as never)),
  );

  app.post(
    '/contracts/:contractId/hours',
    {
      config: { access: 'user', audit: ['contract.recorded', 'approval.read'] },
      schema: {
        tags,
        summary: 'Déclarer les heures travaillées d’un mois (AI, ETTI)',
        description: `${SIAE} Le mois (AAAA-MM) remplace une déclaration antérieure du même mois.`,
        params: Type.Object({ contractId: Type.String() }),
        body: Type.Object({ month: Type.String(), hours: Type.Number() }, { additionalProperties: false }),
        response: {
          200: Type.Object({ contractId: Uuid, month: Type.String(), hours: Type.Number() }),
          ...problems,
        },
      },
    },
    async (request) =>
      pathways.recordHours(
        request.actor!,
        (request.params as { contractId: string }).contractId,
        request.body as never,
      ),
  );

  app.post(
    '/exits',
    {
      config: { access: 'user', audit: ['exit.recorded', 'person.shared', 'approval.read'] },
      schema: {
        tags,
        summary: 'Enregistrer la sortie d’un salarié en insertion',
        description: `${SIAE} Motifs ASP : ${EXIT_REASONS.map((r) => r.code).join(', ')}. Sortie avant le début du contrat : 400 ; seconde sortie : 409.`,
        body: Type.Object(
          {
            contractId: Type.String(),
            exitOn: Type.String(),
            reason: Type.String(),
            comment: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Uuid,
            category: Type.String(),
            counted: Type.Boolean(),
            hoursWorked: Type.Number(),
            contractDays: Type.Integer(),
          }),
          ...problems,
        },
      },
    },
    async (request, reply) => {
      const { contractId, ...exit } = request.body as { contractId: string };
      return reply.status(201).send(await pathways.recordExit(request.actor!, contractId, exit));
    },
  );

  app.get(
    '/exits',
    {
      config: { access: 'user', audit: 'approval.read' },
      schema: {
        tags,
        summary: 'Les sorties d’insertion d’une personne',
        description: READERS,
        querystring: PersonQuery,
        response: { 200: Type.Array(ExitSchema), ...problems },
      },
    },
    async (request) =>
      pathways.exitsFor(request.actor!, (request.query as { personId?: string }).personId ?? ''),
  );
}
