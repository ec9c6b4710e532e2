import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorKind } from '../shared/errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
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
  413: 'Contenu trop volumineux',
  415: 'Type de contenu non pris en charge',
  422: 'Contenu irrecevable',
  429: 'Trop de requêtes',
  500: 'Erreur interne',
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

function reasonOf(e: AjvError): string {
  switch (e.keyword) {
    case 'required':
      return 'champ obligatoire manquant';
    case 'additionalProperties':
      return 'champ inconnu';
    case 'format':
      return `format attendu : ${String(e.params.format)}`;
    case 'minLength':
      return `au moins ${String(e.params.limit)} caractères`;
    case 'maxLength':
      return `au plus ${String(e.params.limit)} caractères`;
    case 'enum':
      return `valeurs possibles : ${((e.params.allowedValues as string[]) ?? []).join(', ')}`;
    case 'type':
      return `type attendu : ${String(e.params.type)}`;
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
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return problem(413, 'Le contenu envoyé dépasse la taille maximale autorisée.', { field: 'body' });
  }
  if (
    fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    error instanceof SyntaxError
  ) {
    return problem(400, `Le corps de la requête n’est pas un JSON valide : ${error.message}`, {
      field: 'body',
    });
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return problem(415, 'Type de contenu non pris en charge : envoyez du JSON.', { field: 'content-type' });
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
  if (status >= 400 && status < 500) return problem(status, error.message);
  return problem(500, 'Une erreur inattendue est survenue. Elle a été consignée.');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  return reply
    .status(problem.status)
    .type('application/problem+json')
    .send({ ...problem, instance: request.url });
}
