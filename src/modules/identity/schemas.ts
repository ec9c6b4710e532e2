import { type Static, Type } from 'typebox';
import { organisationKinds, roles } from './model.js';

// A string enum keeps the JSON schema (and the OpenAPI document) readable and the error message precise.
export const stringEnum = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], ...(description ? { description } : {}) }));

export const OrganisationKindSchema = stringEnum(organisationKinds);
export const RoleSchema = stringEnum(roles);
export const Uuid = Type.String({ format: 'uuid' });
export const Email = Type.String({ format: 'email', maxLength: 254 });

export const OrganisationInput = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 200 }),
    kind: OrganisationKindSchema,
    siret: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    communeCode: Type.Optional(Type.Union([Type.String({ maxLength: 5 }), Type.Null()])),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 30 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type OrganisationInput = Static<typeof OrganisationInput>;

export const OrganisationPatch = Type.Partial(OrganisationInput, { additionalProperties: false });
export type OrganisationPatch = Static<typeof OrganisationPatch>;

export const Organisation = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: OrganisationKindSchema,
  kindLabel: Type.String(),
  siret: Type.Union([Type.String(), Type.Null()]),
  communeCode: Type.Union([Type.String(), Type.Null()]),
  communeName: Type.Union([Type.String(), Type.Null()]),
  departmentCode: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  memberCount: Type.Integer(),
});
export type Organisation = Static<typeof Organisation>;

export const OrganisationQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.Optional(OrganisationKindSchema),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type OrganisationQuery = Static<typeof OrganisationQuery>;

export const Member = Type.Object({
  userId: Uuid,
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  role: RoleSchema,
  active: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Member = Static<typeof Member>;

export const MemberInvite = Type.Object(
  {
    email: Email,
    firstName: Type.String({ minLength: 1, maxLength: 100 }),
    lastName: Type.String({ minLength: 1, maxLength: 100 }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);
export type MemberInvite = Static<typeof MemberInvite>;

/** A pending invitation: to the organisation's administrators, and to the invited person. */
export const Invitation = Type.Object({
  id: Uuid,
  organisationId: Uuid,
  organisationName: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  invitedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type Invitation = Static<typeof Invitation>;

export const RoleChange = Type.Object({ role: RoleSchema }, { additionalProperties: false });

export const ApiTokenCreate = Type.Object(
  { name: Type.String({ minLength: 2, maxLength: 100 }), role: RoleSchema },
  { additionalProperties: false },
);
export type ApiTokenCreate = Static<typeof ApiTokenCreate>;

export const ApiToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  role: RoleSchema,
  prefix: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ApiToken = Static<typeof ApiToken>;

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 60 })),
    actor: Type.Optional(Type.String({ maxLength: 254 })),
    organisationId: Type.Optional(Uuid),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  actorLabel: Type.Union([Type.String(), Type.Null()]),
  organisationName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  subjectType: Type.Union([Type.String(), Type.Null()]),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
