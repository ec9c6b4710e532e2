import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { isUuid, looksLikeEmail } from '../../shared/formats.js';
import { Alert } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { InputField } from '../../web/form.js';
import { Layout } from '../../web/layout.js';
import { type Confirmation, ConfirmationPage } from '../../web/modal.js';
import {
  type Actor,
  isOrgAdmin,
  ORGANISATION_KINDS,
  type OrganisationKind,
  ROLES,
  type Role,
} from './model.js';
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

/** A 404 page saying what is missing (the error handler renders it). */
export const pageNotFound = (message: string) => Object.assign(new Error(message), { statusCode: 404 });

/** A path UUID, or a 404 page (never a database error on a malformed id). */
export const uuidParam = (request: FastifyRequest, name = 'orgId') => {
  const value = (request.params as Record<string, string>)[name] ?? '';
  if (!isUuid(value)) {
    throw pageNotFound('Cette page n’existe pas.');
  }
  return value;
};

/** The pages only an administrator of the organisation opens (its edit form, a removal's question). */
export function requireOrgAdmin(actor: Actor, orgId: string) {
  if (!isOrgAdmin(actor, orgId))
    throw Object.assign(new Error('Réservé aux administrateurs de cette organisation.'), {
      statusCode: 403,
    });
}

/** A refusal of the service that names its field, as the field's message; anything else goes on up. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (error instanceof AppError && error.field) return { [error.field]: error.message };
  throw error;
}

export const fullName = (p: { firstName: string; lastName: string }) => `${p.firstName} ${p.lastName}`;

/** What a redirect after a change says (`?info=` on the page, `state.info` of a form). */
export function SuccessAlert(p: { message?: string }) {
  return p.message ? <Alert kind="success" title={p.message} /> : '';
}

/** A refused form: all its errors in one alert above it, each field also showing its own. */
export function FormErrors(p: { errors: Record<string, string>; title?: string; focus?: boolean }) {
  const messages = Object.values(p.errors);
  return messages.length ? (
    <Alert
      kind="error"
      title={p.title ?? 'Le formulaire contient des erreurs'}
      text={messages.join(' ')}
      focus={p.focus}
    />
  ) : (
    ''
  );
}

/** The password rule (CNIL délibération 2022-100, checked by credentials.ts) as the person reads it where they choose one. */
const PASSWORD_HINT = '12 caractères au moins, avec majuscules, minuscules, chiffres et caractères spéciaux.';

/** A password field; a new one states the rule and lets the browser suggest a strong one. */
export function PasswordField(p: { name: string; label: string; isNew?: boolean; error?: string }) {
  return (
    <InputField
      name={p.name}
      label={p.label}
      type="password"
      required
      autocomplete={p.isNew ? 'new-password' : 'current-password'}
      hint={p.isNew ? PASSWORD_HINT : undefined}
      error={p.error}
    />
  );
}

/**
 * The page a destructive action's link leads to without JavaScript (with it, the same question is
 * asked in a modal, web/modal.tsx): showing it changes nothing.
 */
export function confirmationPage(
  request: FastifyRequest,
  reply: FastifyReply,
  p: Confirmation & { title: string; action: string; cancelHref: string },
) {
  const ctx = pageContext(request, reply);
  return html(
    reply,
    <Layout title={p.title} ctx={ctx}>
      <ConfirmationPage
        action={p.action}
        csrf={ctx.csrf}
        cancelHref={p.cancelHref}
        question={p.question}
        consequence={p.consequence}
        confirmLabel={p.confirmLabel}
      />
    </Layout>,
  );
}
