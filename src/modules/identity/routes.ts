import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { IdentityDeps } from './deps.js';
import { type Checked, created, noContent, routeOptions } from './route-helpers.js';
import {
  ApiToken,
  ApiTokenCreate,
  AuditEntry,
  AuditQuery,
  Invitation,
  Member,
  MemberInvite,
  Organisation,
  OrganisationInput,
  OrganisationPatch,
  OrganisationQuery,
  Page,
  RoleChange,
  Uuid,
} from './schemas.js';

const OrgParams = Type.Object({ orgId: Uuid });
const MemberParams = Type.Object({ orgId: Uuid, userId: Uuid });
const TokenParams = Type.Object({ orgId: Uuid, tokenId: Uuid });
const InvitationParams = Type.Object({ invitationId: Uuid });
const OrgInvitationParams = Type.Object({ orgId: Uuid, invitationId: Uuid });
const Me = Type.Object({
  label: Type.String(),
  isSuperAdmin: Type.Boolean(),
  organisationId: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  via: Type.String(),
  memberships: Type.Array(
    Type.Object({ organisationId: Type.String(), organisationName: Type.String(), role: Type.String() }),
  ),
});

/** The organisation a route's path names (`:orgId`). */
const orgIdOf = (request: FastifyRequest) => (request.params as Checked<typeof OrgParams>).orgId;
const options = routeOptions(['Organisations et utilisateurs']);

export async function identityApiRoutes(app: FastifyInstance, { identity }: IdentityDeps) {
  app.get(
    '/me',
    options({ access: 'user' }, { summary: 'Qui suis-je', response: { 200: Me } }),
    async (request) => {
      const a = request.actor!;
      return {
        label: a.label,
        isSuperAdmin: a.isSuperAdmin,
        organisationId: a.organisationId,
        role: a.role,
        via: a.via,
        memberships: a.memberships,
      };
    },
  );

  app.get(
    '/organisations',
    options(
      { access: 'user' },
      {
        summary: 'Annuaire des organisations partenaires',
        querystring: OrganisationQuery,
        response: { 200: Page(Organisation) },
      },
    ),
    async (request) =>
      identity.listOrganisations(request.actor!, request.query as Checked<typeof OrganisationQuery>),
  );
  app.post(
    '/organisations',
    options(
      { access: 'super-admin' },
      { summary: 'Créer une organisation', body: OrganisationInput, response: { 201: Organisation } },
    ),
    created((request) =>
      identity.createOrganisation(request.actor!, request.body as Checked<typeof OrganisationInput>),
    ),
  );
  app.get(
    '/organisations/:orgId',
    options({ access: 'user' }, { params: OrgParams, response: { 200: Organisation } }),
    async (request) => identity.getOrganisation(request.actor!, orgIdOf(request)),
  );
  app.patch(
    '/organisations/:orgId',
    options(
      { access: 'user' },
      {
        summary: 'Modifier une organisation (ses administrateurs)',
        params: OrgParams,
        body: OrganisationPatch,
        response: { 200: Organisation },
      },
    ),
    async (request) =>
      identity.updateOrganisation(
        request.actor!,
        orgIdOf(request),
        request.body as Checked<typeof OrganisationPatch>,
      ),
  );

  app.get(
    '/organisations/:orgId/members',
    options(
      { access: 'user', audit: 'members.read' },
      { params: OrgParams, response: { 200: Type.Array(Member) } },
    ),
    async (request) => identity.listMembers(request.actor!, orgIdOf(request)),
  );
  app.post(
    '/organisations/:orgId/members',
    options(
      { access: 'user' },
      {
        summary: 'Inviter une personne (membre une fois l’invitation acceptée ; session, pas jeton)',
        params: OrgParams,
        body: MemberInvite,
        response: { 201: Type.Object({ invitationId: Uuid }) },
      },
    ),
    created((request) =>
      identity.inviteMember(request.actor!, orgIdOf(request), request.body as Checked<typeof MemberInvite>),
    ),
  );
  app.get(
    '/organisations/:orgId/invitations',
    options(
      { access: 'user', audit: 'members.read' },
      {
        summary: 'Invitations en attente (administrateurs)',
        params: OrgParams,
        response: { 200: Type.Array(Invitation) },
      },
    ),
    async (request) => identity.listInvitations(request.actor!, orgIdOf(request)),
  );
  app.delete(
    '/organisations/:orgId/invitations/:invitationId',
    options(
      { access: 'user' },
      { summary: 'Révoquer une invitation en attente', params: OrgInvitationParams },
    ),
    noContent((request) => {
      const { orgId, invitationId } = request.params as Checked<typeof OrgInvitationParams>;
      return identity.revokeInvitation(request.actor!, orgId, invitationId);
    }),
  );
  app.get(
    '/me/invitations',
    options(
      { access: 'user' },
      {
        summary: 'Mes invitations en attente (session d’une personne)',
        response: { 200: Type.Array(Invitation) },
      },
    ),
    async (request) => identity.myInvitations(request.actor!),
  );
  app.post(
    '/me/invitations/:invitationId/acceptance',
    options(
      { access: 'user' },
      {
        summary: 'Accepter une invitation (la personne invitée elle-même, jamais un jeton)',
        params: InvitationParams,
      },
    ),
    noContent((request) =>
      identity.acceptInvitation(
        request.actor!,
        (request.params as Checked<typeof InvitationParams>).invitationId,
      ),
    ),
  );
  app.post(
    '/me/invitations/:invitationId/refusal',
    options({ access: 'user' }, { summary: 'Refuser une invitation', params: InvitationParams }),
    noContent((request) =>
      identity.declineInvitation(
        request.actor!,
        (request.params as Checked<typeof InvitationParams>).invitationId,
      ),
    ),
  );
  app.patch(
    '/organisations/:orgId/members/:userId',
    options(
      { access: 'user' },
      { summary: 'Changer le rôle d’un membre', params: MemberParams, body: RoleChange },
    ),
    noContent((request) => {
      const { orgId, userId } = request.params as Checked<typeof MemberParams>;
      return identity.changeMemberRole(
        request.actor!,
        orgId,
        userId,
        (request.body as Checked<typeof RoleChange>).role,
      );
    }),
  );
  app.delete(
    '/organisations/:orgId/members/:userId',
    options({ access: 'user' }, { summary: 'Retirer un membre', params: MemberParams }),
    noContent((request) => {
      const { orgId, userId } = request.params as Checked<typeof MemberParams>;
      return identity.removeMember(request.actor!, orgId, userId);
    }),
  );

  app.get(
    '/organisations/:orgId/api-tokens',
    options(
      { access: 'user', audit: 'api_tokens.read' },
      { params: OrgParams, response: { 200: Type.Array(ApiToken) } },
    ),
    async (request) => identity.listApiTokens(request.actor!, orgIdOf(request)),
  );
  app.post(
    '/organisations/:orgId/api-tokens',
    options(
      { access: 'user' },
      {
        summary: 'Créer un jeton d’API (affiché une seule fois)',
        params: OrgParams,
        body: ApiTokenCreate,
        response: { 201: Type.Object({ id: Uuid, token: Type.String() }) },
      },
    ),
    created((request) =>
      identity.createApiToken(
        request.actor!,
        orgIdOf(request),
        request.body as Checked<typeof ApiTokenCreate>,
      ),
    ),
  );
  app.delete(
    '/organisations/:orgId/api-tokens/:tokenId',
    options({ access: 'user' }, { summary: 'Révoquer un jeton', params: TokenParams }),
    noContent((request) => {
      const { orgId, tokenId } = request.params as Checked<typeof TokenParams>;
      return identity.revokeApiToken(request.actor!, orgId, tokenId);
    }),
  );

  app.get(
    '/audit-log',
    options(
      { access: 'user', audit: 'audit_log.read' },
      {
        summary: 'Journal d’audit (super-admin : tout ; administrateur : son organisation)',
        querystring: AuditQuery,
        response: { 200: Page(AuditEntry) },
      },
    ),
    async (request) => identity.listAudit(request.actor!, request.query as Checked<typeof AuditQuery>),
  );
}
