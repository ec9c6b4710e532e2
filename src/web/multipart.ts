import fastifyMultipart, { type Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';

const remaining = Symbol('multipart parts after the CSRF token');
type WithParts = FastifyRequest & { [remaining]?: AsyncIterableIterator<Multipart> };

/**
 * Accepts multipart forms in one scope (file uploads). Nothing is read while the request is
 * parsed: the parts are read in order, first by the generic CSRF check (the token is the form's
 * first part: CsrfField opens every form), then by the handler, which reads a file only after
 * its own checks. Routes outside such a scope refuse multipart bodies (415).
 */
export async function acceptMultipart(
  scope: FastifyInstance,
  limits: { fileSize: number; files: number; fields: number },
) {
  // A file part past fileSize is cut short by the parser; one byte more lets the upload's own
  // limit see it and refuse it (413) instead of taking a truncated file for a whole one.
  await scope.register(fastifyMultipart, {
    limits: {
      ...limits,
      fileSize: limits.fileSize + 1,
      fieldSize: 4096,
      parts: limits.fields + limits.files,
    },
  });
}

export function isMultipart(request: FastifyRequest): boolean {
  const r = request as FastifyRequest & { isMultipart?: () => boolean };
  return typeof r.isMultipart === 'function' && r.isMultipart();
}

/**
 * Reads the first part of a multipart form, which must be the `_csrf` field, and nothing more;
 * the app's CSRF check then verifies it like any form's token. A form whose first part is not
 * its token is refused without a byte of its file being read.
 */
export async function csrfTokenPart(request: FastifyRequest): Promise<string | undefined> {
  const parts = (request as FastifyRequest & { parts(): AsyncIterableIterator<Multipart> }).parts();
  (request as WithParts)[remaining] = parts;
  const first = await parts.next().catch((error: unknown) => {
    throw multipartError(error);
  });
  if (first.done || first.value.type !== 'field' || first.value.fieldname !== '_csrf') return undefined;
  return typeof first.value.value === 'string' ? first.value.value : undefined;
}

/** The parts of a multipart form not read yet (all of them for an API token, which has no CSRF token). */
export async function* formParts(request: FastifyRequest): AsyncGenerator<Multipart> {
  const parts =
    (request as WithParts)[remaining] ??
    (request as FastifyRequest & { parts(): AsyncIterableIterator<Multipart> }).parts();
  try {
    for await (const part of parts) yield part;
  } catch (error) {
    throw multipartError(error);
  }
}

/** The multipart parser's refusals (limits, malformed body) in French, naming the field. */
function multipartError(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return new AppError('too-large', 'Fichier trop volumineux pour ce formulaire.', 'file');
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return new AppError('too-large', 'Formulaire trop long : un seul fichier et quelques champs.', 'body');
  if (code?.startsWith('FST_') || (error as Error).message?.includes('multipart'))
    return new AppError('invalid', 'Formulaire multipart mal formé.', 'body');
  return error;
}
