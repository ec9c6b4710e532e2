import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { IdentityDeps } from './deps.js';
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

type P<T> = Static<T extends import('typebox').TSchema ? T : never>;
const tags = ['Organisations et utilisateurs'];

export async function identityApiRoutes(app: FastifyInstance, { identity }: IdentityDeps) {
  app.get(
    '/me',
    { config: { access: 'user' }, schema: { tags, summary: 'Qui suis-je', response: { 200: Me } } },
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
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Annuaire des organisations partenaires',
        querystring: OrganisationQuery,
        response: { 200: Page(Organisation) },
      },
    },
    async (request) =>
      identity.listOrganisations(request.actor!, request.query as P<typeof OrganisationQuery>),
  );
  app.post(
    '/organisations',
    {
      config: { access: 'super-admin' },
      schema: {
        tags,
        summary: 'Créer une organisation',
        body: OrganisationInput,
        response: { 201: Organisation },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await identity.createOrganisation(request.actor!, request.body as P<typeof OrganisationInput>)),
  );
  app.get(
    '/organisations/:orgId',
    { config: { access: 'user' }, schema: { tags, params: OrgParams, response: { 200: Organisation } } },
    async (request) =>
      identity.getOrganisation(request.actor!, (request.params as P<typeof OrgParams>).orgId),
  );
  app.patch(
    '/organisations/:orgId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Modifier une organisation (ses administrateurs)',
        params: OrgParams,
        body: OrganisationPatch,
        response: { 200: Organisation },
      },
    },
    async (request) =>
      identity.updateOrganisation(
        request.actor!,
        (request.params as P<typeof OrgParams>).orgId,
        request.body as P<typeof OrganisationPatch>,
      ),
  );

  app.get(
    '/organisations/:orgId/members',
    {
      config: { access: 'user', audit: 'members.read' },
      schema: { tags, params: OrgParams, response: { 200: Type.Array(Member) } },
    },
    async (request) => identity.listMembers(request.actor!, (request.params as P<typeof OrgParams>).orgId),
  );
  app.post(
    '/organisations/:orgId/members',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Inviter une personne (membre une fois l’invitation acceptée ; session, pas jeton)',
        params: OrgParams,
        body: MemberInvite,
        response: { 201: Type.Object({ invitationId: Uuid }) },
      },
    },
    async (request, reply) => {
      const created = await identity.inviteMember(
        request.actor!,
        (request.params as P<typeof OrgParams>).orgId,
        request.body as P<typeof MemberInvite>,
      );
      return reply.status(201).send(created);
    },
  );
  app.get(
    '/organisations/:orgId/invitations',
    {
      config: { access: 'user', audit: 'members.read' },
      schema: {
        tags,
        summary: 'Invitations en attente (administrateurs)',
        params: OrgParams,
        response: { 200: Type.Array(Invitation) },
      },
    },
    async (request) =>
      identity.listInvitations(request.actor!, (request.params as P<typeof OrgParams>).orgId),
  );
  app.delete(
    '/organisations/:orgId/invitations/:invitationId',
    {
      config: { access: 'user' },
      schema: { tags, summary: 'Révoquer une invitation en attente', params: OrgInvitationParams },
    },
    async (request, reply) => {
      const { orgId, invitationId } = request.params as P<typeof OrgInvitationParams>;
      await identity.revokeInvitation(request.actor!, orgId, invitationId);
      return reply.status(204).send();
    },
  );
  app.get(
    '/me/invitations',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Mes invitations en attente (session d’une personne)',
        response: { 200: Type.Array(Invitation) },
      },
    },
    async (request) => identity.myInvitations(request.actor!),
  );
  app.post(
    '/me/invitations/:invitationId/acceptance',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Accepter une invitation (la personne invitée elle-même, jamais un jeton)',
        params: InvitationParams,
      },
    },
    async (request, reply) => {
      await identity.acceptInvitation(
        request.actor!,
        (request.params as P<typeof InvitationParams>).invitationId,
      );
      return reply.status(204).send();
    },
  );
  app.post(
    '/me/invitations/:invitationId/refusal',
    {
      config: { access: 'user' },
      schema: { tags, summary: 'Refuser une invitation', params: InvitationParams },
    },
    async (request, reply) => {
      await identity.declineInvitation(
        request.actor!,
        (request.params as P<typeof InvitationParams>).invitationId,
      );
      return reply.status(204).send();
    },
  );
  app.patch(
    '/organisations/:orgId/members/:userId',
    {
      config: { access: 'user' },
      schema: { tags, summary: 'Changer le rôle d’un membre', params: MemberParams, body: RoleChange },
    },
    async (request, reply) => {
      const { orgId, userId } = request.params as P<typeof MemberParams>;
      await identity.changeMemberRole(
        request.actor!,
        orgId,
        userId,
        (request.body as P<typeof RoleChange>).role,
      );
      return reply.status(204).send();
    },
  );
  app.delete(
    '/organisations/:orgId/members/:userId',
    { config: { access: 'user' }, schema: { tags, summary: 'Retirer un membre', params: MemberParams } },
    async (request, reply) => {
      const { orgId, userId } = request.params as P<typeof MemberParams>;
      await identity.removeMember(request.actor!, orgId, userId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/organisations/:orgId/api-tokens',
    {
      config: { access: 'user', audit: 'api_tokens.read' },
      schema: { tags, params: OrgParams, response: { 200: Type.Array(ApiToken) } },
    },
    async (request) => identity.listApiTokens(request.actor!, (request.params as P<typeof OrgParams>).orgId),
  );
  app.post(
    '/organisations/:orgId/api-tokens',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Créer un jeton d’API (affiché une seule fois)',
        params: OrgParams,
        body: ApiTokenCreate,
        response: { 201: Type.Object({ id: Uuid, token: Type.String() }) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await identity.createApiToken(
            request.actor!,
            (request.params as P<typeof OrgParams>).orgId,
            request.body as P<typeof ApiTokenCreate>,
          ),
        ),
  );
  app.delete(
    '/organisations/:orgId/api-tokens/:tokenId',
    { config: { access: 'user' }, schema: { tags, summary: 'Révoquer un jeton', params: TokenParams } },
    async (request, reply) => {
      const { orgId, tokenId } = request.params as P<typeof TokenParams>;
      await identity.revokeApiToken(request.actor!, orgId, tokenId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/audit-log',
    {
      config: { access: 'user', audit: 'audit_log.read' },
      schema: {
        tags,
        summary: 'Journal d’audit (super-admin : tout ; administrateur : son organisation)',
        querystring: AuditQuery,
        response: { 200: Page(AuditEntry) },
      },
    },
    async (request) => identity.listAudit(request.actor!, request.query as P<typeof AuditQuery>),
  );
}
