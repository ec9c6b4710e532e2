import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { problems } from '../persons/response-schemas.js';
import type { PathwaysDeps } from './deps.js';
import { CTA_INDICATORS, RATE_LEVELS, type RateLevel } from './rates-rules.js';
import type { RatesQuery } from './rates-service.js';

const tags = ['Parcours — taux de sorties et CTA'];
const WHO =
  'Tout membre connecté (et tout jeton d’API) : des agrégats seulement, sans nom ; un effectif inférieur à 5 vaut null (secret statistique) et un taux n’est donné qu’à partir de 5 sorties examinées.';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Count = Nullable(Type.Integer({ description: 'null : moins de 5' }));
const Rate = Nullable(Type.Number({ description: 'De 0 à 1 ; null : moins de 5 sorties examinées' }));
const RateSchema = Type.Object({
  level: Type.String({ description: Object.keys(RATE_LEVELS).join(', ') }),
  year: Type.Integer(),
  key: Nullable(Type.String({ description: 'Id de la SIAE, type, code de zone ou de département' })),
  label: Type.String(),
  siaeKind: Nullable(Type.String()),
  persons: Count,
  exits: Count,
  examined: Count,
  durable: Count,
  transition: Count,
  positive: Count,
  other: Count,
  withdrawn: Count,
  notCounted: Count,
  rate: Rate,
  examinedExclAci: Count,
  rateExclAci: Rate,
});
const OrgCount = Type.Object({
  organisationId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  kind: Type.String(),
  count: Type.Integer(),
});
const CommitmentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  zoneCode: Type.String(),
  year: Type.Integer(),
  partnerOrganisationId: Nullable(Type.String()),
  partnerName: Nullable(Type.String()),
  partnerKind: Nullable(Type.String()),
  partnerLabel: Type.String(),
  indicator: Type.String(),
  indicatorLabel: Type.String(),
  unit: Type.String({ description: 'count ou percent' }),
  target: Type.Number(),
  measured: Nullable(Type.Number({ description: 'null : moins de 5 sorties examinées' })),
  progress: Type.String({ description: 'reached, on_track, late, unmeasured' }),
  enteredByLabel: Type.String(),
  enteredAt: Type.String(),
});
const BasinSchema = Type.Object({
  zone: Type.Object({ code: Type.String(), name: Type.String() }),
  year: Type.Integer(),
  today: Type.String(),
  waiting: Type.Array(OrgCount),
  eligibleWithoutHire: Type.Array(OrgCount),
  passEnding: Type.Array(Type.Object({ ...OrgCount.properties, firstEndOn: Type.String() })),
  rates: Type.Array(RateSchema),
  commitments: Type.Array(CommitmentSchema),
});
const ZoneParams = Type.Object({ zoneCode: Type.String() }, { additionalProperties: false });
const YearQuery = Type.Object({ year: Type.Optional(Type.String()) }, { additionalProperties: false });

/** `?year=2026`: an integer, or a 400 naming `year` (the service checks the range). */
export function yearOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  return /^\d{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
}

/** Rates and CTA API (issue 12 §6). */
export async function ratesApiRoutes(app: FastifyInstance, { pathways }: PathwaysDeps) {
  app.get(
    '/exit-rates',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Taux de sorties dynamiques par SIAE, type de SIAE, zone d’emploi, département et année',
        description: `${WHO} Sorties examinées : sorties comptabilisées (seuils d’heures ou de durée par type de SIAE) hors « retrait des sorties constatées ». Taux = (emploi durable + emploi de transition + sortie positive) / sorties examinées, avec et sans les ACI. groupBy : liste séparée par des virgules parmi ${Object.keys(RATE_LEVELS).join(', ')}.`,
        querystring: Type.Object(
          {
            year: Type.Optional(Type.String()),
            zone: Type.Optional(Type.String()),
            department: Type.Optional(Type.String()),
            siaeKind: Type.Optional(Type.String()),
            groupBy: Type.Optional(Type.String({ description: 'Par défaut : all' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ rates: Type.Array(RateSchema) }), ...problems },
      },
    },
    async (request) => {
      const q = request.query as Record<string, string | undefined>;
      const query: RatesQuery = {
        year: yearOf(q.year),
        zone: q.zone || undefined,
        department: q.department || undefined,
        siaeKind: (q.siaeKind || undefined) as RatesQuery['siaeKind'],
        groupBy: (q.groupBy || 'all').split(',').map((s) => s.trim()) as RateLevel[],
      };
      return { rates: await pathways.rates(request.actor ?? null, query) };
    },
  );

  app.get(
    '/cta/:zoneCode',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary:
          'Les chiffres de la page d’un bassin (CTA) : orientations en attente, éligibles sans embauche, PASS finissant, sorties et taux, engagements',
        description: `${WHO} zoneCode : code Insee de la zone d’emploi (zonage 2020). Année des sorties et des engagements : year (par défaut l’année en cours).`,
        params: ZoneParams,
        querystring: YearQuery,
        response: { 200: BasinSchema, ...problems },
      },
    },
    async (request) => {
      const { zoneCode } = request.params as { zoneCode: string };
      return pathways.ctaBasin(
        request.actor ?? null,
        zoneCode,
        yearOf((request.query as { year?: string }).year),
      );
    },
  );

  app.post(
    '/cta/:zoneCode/commitments',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary:
          'Saisir (ou remplacer) l’objectif d’un partenaire de l’accord-cadre pour le bassin et l’année',
        description: `Réservé aux administrateurs et analystes de la Région et à l’administration de la plateforme (la DREETS n’a pas de type d’organisation : la Région saisit ses objectifs). Un partenaire : partnerOrganisationId ou partnerKind, l’un ou l’autre. Indicateurs : ${Object.keys(CTA_INDICATORS).join(', ')} (dynamic_rate_excl_aci en pourcentage de 0 à 100). Valeur invalide : 400 nommant le champ.`,
        params: ZoneParams,
        body: Type.Object(
          {
            year: Type.Union([Type.Integer(), Type.String()]),
            partnerOrganisationId: Type.Optional(Type.String()),
            partnerKind: Type.Optional(Type.String()),
            indicator: Type.String(),
            target: Type.Union([Type.Number(), Type.String()]),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String({ format: 'uuid' }) }), ...problems },
      },
    },
    async (request, reply) => {
      const { zoneCode } = request.params as { zoneCode: string };
      const saved = await pathways.saveCtaCommitment(
        request.actor ?? null,
        zoneCode,
        request.body as Parameters<typeof pathways.saveCtaCommitment>[2],
      );
      return reply.status(201).send(saved);
    },
  );
}
