import { Readable } from 'node:stream';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { invalid } from '../shared/errors.js';
import { hasUnstorableCharacter, isIsoDate } from '../shared/formats.js';

// Bodies are validated strictly: a number is not silently turned into a string. Query strings
// and path parameters arrive as text, so they are coerced to the declared types.
function makeAjv(coerceTypes: false | 'array') {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    coerceTypes,
    allErrors: true,
    strict: false,
  });
  addFormats.default(ajv);
  // One date format for every schema: a date that exists in the calendar (ajv-formats' own
  // accepts 0000-01-01, which PostgreSQL refuses with a 500).
  ajv.addFormat('date', isIsoDate);
  return ajv;
}

const strict = makeAjv(false);
const coercing = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema);

/**
 * The first text of a request part (keys included) holding a character no column can store, as a
 * field name ("name", "members/0/email"), or null. Iterative: a deeply nested JSON body must not
 * overflow the stack here.
 */
export function unstorableField(value: unknown, prefix = ''): string | null {
  const stack: [unknown, string][] = [[value, prefix]];
  // Parsed multipart parts point back to their fields: each object is visited once.
  const seen = new Set<object>();
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) continue;
      seen.add(v);
    }
    if (typeof v === 'string') {
      if (hasUnstorableCharacter(v)) return path || 'body';
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) stack.push([item, path ? `${path}/${i}` : String(i)]);
    } else if (v !== null && typeof v === 'object' && !(v instanceof Readable) && !Buffer.isBuffer(v)) {
      for (const [key, item] of Object.entries(v)) {
        const name = path ? `${path}/${key}` : key;
        if (hasUnstorableCharacter(key)) return name;
        stack.push([item, name]);
      }
    }
  }
  return null;
}

/**
 * One check at the edge for every route, with or without a schema: a NUL byte, a control
 * character or a lone surrogate anywhere in the path parameters, the query or a parsed body
 * (JSON or form) is a 400 naming the field, before any handler or SQL sees it.
 * Streamed bodies (LHÉO uploads) are checked by their reader.
 */
export async function rejectUnstorableInput(request: FastifyRequest) {
  for (const part of [request.params, request.query, request.body]) {
    const field = unstorableField(part);
    if (field)
      throw invalid(
        field,
        `Le champ « ${field} » contient un caractère non autorisé (caractère nul, de contrôle ou mal encodé).`,
      );
  }
}
