import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { invalid } from '../../shared/errors.js';
import { fileTooLarge, refuseAnnouncedOverLimit } from '../../shared/uploads.js';
import type { DirectoryDeps } from './deps.js';
import { LIST_FIELDS, NUMBER_FIELDS, SERVICE_FIELDS, STRUCTURE_FIELDS } from './records.js';

const tags = ['directory'];
const Nullable = (t: TSchema) => Type.Union([t, Type.Null()]);

/** A record of the schema as TypeBox: its required fields, lists, numbers and nullable texts (records.ts). */
function recordSchema(fields: readonly string[], required: readonly string[], description: string) {
  return Type.Object(
    Object.fromEntries(
      fields.map((f) => [
        f,
        required.includes(f)
          ? Type.String()
          : LIST_FIELDS.has(f)
            ? Nullable(Type.Array(Type.String()))
            : NUMBER_FIELDS.has(f)
              ? Nullable(Type.Number())
              : Nullable(Type.String()),
      ]),
    ),
    { description },
  );
}
const Structure = recordSchema(
  STRUCTURE_FIELDS,
  ['source', 'id', 'nom', 'date_maj'],
  'Une structure au schéma data·inclusion v1.0.8 (data/data-inclusion/structure.json).',
);
const Service = recordSchema(
  SERVICE_FIELDS,
  ['source', 'id', 'structure_id', 'nom', 'description', 'date_maj'],
  'Un service au schéma data·inclusion v1.0.8 (data/data-inclusion/service.json).',
);
const pageOf = (item: TSchema) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), size: Type.Integer() });

// Texts here, checked by the service (export-service.ts exportQuery): each bad value is a 400 naming its field.
const ExportQuery = Type.Object({
  source: Type.Optional(Type.String({ description: 'Producteur (ex. : dora, passerelle).' })),
  thematiques: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description:
        'Codes de thématiques ou familles (ex. : logement-hebergement), répétés ou séparés par des virgules : au moins une en commun.',
    }),
  ),
  code_departement: Type.Optional(Type.String({ description: 'Département (ex. : 69, 2A).' })),
  code_commune: Type.Optional(Type.String({ description: 'Code INSEE de la commune (ex. : 69123).' })),
  date_maj_depuis: Type.Optional(Type.String({ description: 'Mis à jour ce jour ou depuis (AAAA-MM-JJ).' })),
  page: Type.Optional(Type.String({ description: 'Page, à partir de 1.' })),
  size: Type.Optional(Type.String({ description: 'Taille de page, 1 à 1 000 (100 par défaut).' })),
});

const Counts = Type.Object({
  structuresCreated: Type.Integer(),
  structuresUpdated: Type.Integer(),
  servicesCreated: Type.Integer(),
  servicesUpdated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Integer({ description: 'Le total des rejets (la liste en garde les 2 000 premiers).' }),
});
const Rejection = Type.Object({
  kind: Type.Union([Type.Literal('structure'), Type.Literal('service')]),
  index: Type.Integer({ description: 'Rang de l’enregistrement (à partir de 1) ; en CSV, sa ligne.' }),
  id: Nullable(Type.String()),
  problems: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
});
const ImportRun = Type.Object({
  id: Type.String(),
  source: Type.String(),
  fileName: Type.String(),
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  counts: Counts,
  rejections: Type.Array(Rejection),
  error: Nullable(Type.String()),
  actor: Type.String(),
});
const ImportQuery = Type.Object({
  fileName: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Nom du fichier (son extension .json ou .csv dit son format).',
    }),
  ),
  source: Type.Optional(
    Type.String({ maxLength: 100, description: 'Producteur des enregistrements qui n’en nomment pas.' }),
  ),
});

const READ_WHO =
  'Réservé aux organisations membres (utilisateurs connectés et jetons d’API des systèmes partenaires) et au super-administrateur.';
const IMPORT_WHO =
  'Réservé aux administrateurs et gestionnaires de la Région et au super-administrateur (jeton d’API ou session).';

/** Reads a raw body whole, stopping at the limit (413): the parse needs the whole file anyway. */
async function readBody(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw fileTooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The directory's exchange API (issue 13 §3): the structures and services in the data·inclusion
 * schema's shape, paged and filtered like the data·inclusion API, and the import of a file.
 */
export async function exchangeApiRoutes(app: FastifyInstance, { directory }: DirectoryDeps) {
  app.get(
    '/directory/structures',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Les structures de l’annuaire au schéma data·inclusion',
        description: `${READ_WHO} Triées par source puis id.`,
        querystring: ExportQuery,
        response: { 200: pageOf(Structure) },
      },
    },
    (request) => directory.exportStructures(request.actor!, request.query as Record<string, unknown>),
  );

  app.get(
    '/directory/services',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Les services de l’annuaire au schéma data·inclusion',
        description: `${READ_WHO} Triés par source puis id ; département et commune : ceux du lieu du service, sinon de sa structure.`,
        querystring: ExportQuery,
        response: { 200: pageOf(Service) },
      },
    },
    (request) => directory.exportServices(request.actor!, request.query as Record<string, unknown>),
  );

  await app.register(async (scope) => {
    // The file is the raw body (JSON or CSV), read here after the rights are checked, past the
    // 1 MB body limit of the other routes (as the offer feeds' API, offers/import-routes.ts).
    scope.removeContentTypeParser(['application/json', 'text/plain']);
    scope.addContentTypeParser(
      ['application/json', 'text/csv', 'text/plain', 'application/octet-stream'],
      (_r, payload, done) => done(null, payload),
    );
    scope.post(
      '/directory/imports',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Importer un fichier data·inclusion (JSON ou CSV) de structures et de services',
          description: `${IMPORT_WHO} Corps : le fichier, Content-Type application/json ou text/csv. JSON : { "structures": [...], "services": [...] }, un tableau de structures ou de services, ou une page de l’API { "items": [...] } ; CSV : un fichier par type (une colonne structure_id : des services), séparateur « , » ou « ; ». Idempotent par source et id. Chaque enregistrement invalide est rejeté seul, avec chacun de ses problèmes (champ et raison) ; un fichier illisible est refusé en 400 (champ fichier) et rien n’est écrit.`,
          querystring: ImportQuery,
          response: { 201: ImportRun },
        },
      },
      async (request, reply) => {
        const actor = request.actor!;
        const query = request.query as { fileName?: string; source?: string };
        // Rights first: a refusal never depends on the body, and no byte of it is read.
        directory.requireDirectoryImporter(actor);
        refuseAnnouncedOverLimit(request.headers, directory.importLimitBytes);
        const body = request.body as Readable | undefined;
        if (!body || typeof (body as Readable).read !== 'function')
          throw invalid('fichier', 'Envoyez le fichier en corps de requête (application/json ou text/csv).');
        const content = await readBody(body, directory.importLimitBytes);
        const csv = String(request.headers['content-type'] ?? '').startsWith('text/csv');
        const run = await directory.importFile(actor, {
          fileName: query.fileName || (csv ? 'import.csv' : 'import.json'),
          content,
          source: query.source,
        });
        return reply.status(201).send(run);
      },
    );
  });

  app.get(
    '/directory/imports/:runId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Le rapport d’un import de l’annuaire : compteurs et enregistrements rejetés',
        description: IMPORT_WHO,
        params: Type.Object({ runId: Type.String({ format: 'uuid' }) }),
        response: { 200: ImportRun },
      },
    },
    (request) => directory.importRun(request.actor!, (request.params as { runId: string }).runId),
  );
}
