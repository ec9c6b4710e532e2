import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/database.js';
import { AppError, type ErrorKind, unavailable } from '../shared/errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unavailable: 503,
  unprocessable: 422,
  // 507 rather than 413: the shared upload space is full, not this file too large; the same
  // request succeeds once running imports end (RFC 4918 §11.5).
  'storage-full': 507,
};
const TITLES: Record<number, string> = {
  400: 'Requête invalide',
  401: 'Authentification requise',
  403: 'Accès refusé',
  404: 'Introuvable',
  409: 'Conflit',
  405: 'Méthode non autorisée',
  406: 'Format de réponse non disponible',
  413: 'Contenu trop volumineux',
  414: 'Adresse trop longue',
  415: 'Type de contenu non pris en charge',
  422: 'Contenu irrecevable',
  429: 'Trop de requêtes',
  500: 'Erreur interne',
  503: 'Service indisponible',
  507: 'Espace de stockage insuffisant',
};

/** RFC 9457 problem details; `field` and `invalid-params` name what was wrong in the input. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  field?: string;
  'invalid-params'?: { name: string; reason: string }[];
  /** Extension members (RFC 9457 §3.2), e.g. a refused import's report. */
  [extension: string]: unknown;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldOf(e: AjvError): string {
  const base = e.instancePath.replace(/^\//, '');
  const child = (e.params.missingProperty ?? e.params.additionalProperty) as string | undefined;
  return child ? (base ? `${base}/${child}` : child) : base || 'body';
}

const FORMATS: Record<string, string> = {
  date: 'une date qui existe, au format AAAA-MM-JJ, est attendue',
  uuid: 'un identifiant (UUID) est attendu',
  email: 'une adresse électronique est attendue',
};

/**
 * Fastify's own refusals (router, body parsers), in French and naming what was wrong, instead of
 * its English JSON; `field` is the part of the request at fault.
 */
const FRAMEWORK: Record<string, { status: number; field: string; detail: string }> = {
  FST_ERR_BAD_URL: {
    status: 400,
    field: 'url',
    detail: 'L’adresse demandée contient un encodage invalide (séquence « % » incorrecte).',
  },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, field: 'url', detail: 'L’adresse demandée est trop longue.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, field: 'url', detail: 'L’adresse demandée est invalide.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    field: 'content-length',
    detail: 'La longueur annoncée du contenu ne correspond pas au contenu envoyé.',
  },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, field: 'content-type', detail: 'Type de contenu invalide.' },
  FST_ERR_CTP_EMPTY_TYPE: { status: 400, field: 'content-type', detail: 'Type de contenu vide.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    field: 'content-type',
    detail: 'Type de contenu non pris en charge : envoyez du JSON (API) ou un formulaire.',
  },
  FST_ERR_CTP_INVALID_PARSER: {
    status: 415,
    field: 'content-type',
    detail: 'Type de contenu non pris en charge.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    field: 'body',
    detail: 'Le contenu envoyé dépasse la taille maximale autorisée.',
  },
  FST_ERR_VALIDATION: { status: 400, field: 'body', detail: 'Requête invalide.' },
};

function reasonOf(e: AjvError): string {
  switch (e.keyword) {
    case 'required':
      return 'champ obligatoire manquant';
    case 'additionalProperties':
      return 'champ inconnu';
    case 'format':
      return FORMATS[String(e.params.format)] ?? `format attendu : ${String(e.params.format)}`;
    case 'minLength':
      return `au moins ${String(e.params.limit)} caractères`;
    case 'maxLength':
      return `au plus ${String(e.params.limit)} caractères`;
    case 'enum':
      return `valeurs possibles : ${((e.params.allowedValues as string[]) ?? []).join(', ')}`;
    case 'type':
      return `type attendu : ${String(e.params.type)}`;
    case 'minProperties':
      return 'au moins un champ à modifier est attendu';
    case 'minimum':
    case 'maximum':
      return `valeur ${e.keyword === 'minimum' ? 'minimale' : 'maximale'} : ${String(e.params.limit)}`;
    case 'pattern':
      return 'format invalide';
    default:
      return e.message ?? 'valeur invalide';
  }
}

export function toProblem(error: FastifyError | AppError | Error, instance?: string): Problem {
  const problem = (status: number, detail: string, extra: Partial<Problem> = {}): Problem => ({
    type: status === 500 ? 'about:blank' : `/api/problemes/${status}`,
    title: TITLES[status] ?? 'Erreur',
    status,
    detail,
    ...(instance ? { instance } : {}),
    ...extra,
  });
  if (isDatabaseUnavailable(error)) return toProblem(unavailable(), instance);
  if (error instanceof AppError) {
    return problem(STATUS[error.kind], error.message, {
      ...(error.extensions ?? {}),
      ...(error.field ? { field: error.field } : {}),
    });
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const params = fe.validation.map((e) => ({ name: fieldOf(e), reason: reasonOf(e) }));
    const first = params[0]!;
    return problem(400, `Le champ « ${first.name} » est invalide : ${first.reason}.`, {
      field: first.name,
      'invalid-params': params,
    });
  }
  const status = fe.statusCode ?? 500;
  const known = fe.code ? FRAMEWORK[fe.code] : undefined;
  if (known) return problem(known.status, known.detail, { field: known.field });
  if (
    fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    error instanceof SyntaxError
  ) {
    return problem(400, `Le corps de la requête n’est pas un JSON valide : ${error.message}`, {
      field: 'body',
    });
  }
  if (fe.code?.startsWith('FST_CSRF')) {
    return problem(
      403,
      'Jeton anti-falsification (CSRF) absent ou invalide : rechargez la page et recommencez.',
      {
        field: '_csrf',
      },
    );
  }
  if (status === 429)
    return problem(429, 'Trop de tentatives : patientez quelques minutes avant de réessayer.');
  // Any other refusal of Fastify or a plugin: its English message stays in the log only.
  if (status >= 400 && status < 500 && fe.code?.startsWith('FST_'))
    return problem(status, `${TITLES[status] ?? 'Requête refusée'}.`, { field: 'request' });
  if (status >= 400 && status < 500) return problem(status, error.message);
  return problem(500, 'Une erreur inattendue est survenue. Elle a été consignée.');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  return reply
    .status(problem.status)
    .type('application/problem+json')
    .send({ ...problem, instance: request.url });
}
