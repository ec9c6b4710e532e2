import type { FastifyRequest } from 'fastify';
import { isUuid, looksLikeEmail } from '../../shared/formats.js';
import { formValue } from '../../web/context.js';
import { ORGANISATION_KINDS, type OrganisationKind, ROLES, type Role } from './model.js';
import type { OrganisationInput } from './schemas.js';

export const kindOptions = Object.entries(ORGANISATION_KINDS) as [string, string][];
export const roleOptions = Object.entries(ROLES) as [string, string][];
export const isRole = (v: string): v is Role => v in ROLES;
export const isKind = (v: string): v is OrganisationKind => v in ORGANISATION_KINDS;

export function organisationForm(body: unknown): OrganisationInput {
  const kind = formValue(body, 'kind');
  return {
    name: formValue(body, 'name'),
    kind: (isKind(kind) ? kind : '') as OrganisationKind,
    siret: formValue(body, 'siret') || null,
    communeCode: formValue(body, 'communeCode') || null,
    email: formValue(body, 'email') || null,
    phone: formValue(body, 'phone') || null,
  };
}

export function validateOrganisationForm(input: OrganisationInput): Record<string, string> {
  const errors: Record<string, string> = {};
  if (input.name.length < 2) errors.name = 'Le nom doit comporter au moins 2 caractères.';
  if (!isKind(input.kind)) errors.kind = 'Choisissez le type d’organisation.';
  if (input.email && !looksLikeEmail(input.email))
    errors.email = 'Adresse électronique invalide (format : nom@domaine.fr).';
  if (input.communeCode && !/^[0-9][0-9AB][0-9]{3}$/.test(input.communeCode))
    errors.communeCode = 'Le code INSEE comporte 5 caractères (ex. 42218).';
  return errors;
}

export const MESSAGES: Record<string, string> = {
  cree: 'L’organisation est créée.',
  modifie: 'Les modifications sont enregistrées.',
  invite: 'L’invitation est envoyée par courriel : la personne devient membre quand elle l’accepte.',
  'invitation-revoquee': 'L’invitation est annulée.',
  'invitation-renvoyee': 'L’invitation est renvoyée par courriel, valable 7 jours de plus.',
  'invitation-acceptee': 'Vous avez rejoint l’organisation.',
  'invitation-refusee': 'L’invitation est refusée.',
  role: 'Le rôle est modifié.',
  retire: 'Le membre est retiré de l’organisation.',
  revoque: 'Le jeton est révoqué.',
};
export const infoOf = (request: FastifyRequest) => {
  const code = (request.query as Record<string, string>).info;
  return code ? MESSAGES[code] : undefined;
};

/** A path UUID, or a 404 page (never a database error on a malformed id). */
export const uuidParam = (request: FastifyRequest, name = 'orgId') => {
  const value = (request.params as Record<string, string>)[name] ?? '';
  if (!isUuid(value)) {
    throw Object.assign(new Error('Cette page n’existe pas.'), { statusCode: 404 });
  }
  return value;
};
