import { notFound } from '../../shared/errors.js';
import { randomToken, sha256 } from './credentials.js';
import type { Actor } from './model.js';
import type { ApiTokenCreate } from './schemas.js';
import { type IdentityContext, iso, requireOrgAdmin, requirePerson } from './service-context.js';

const API_TOKEN_PREFIX = 'psl_';

/** API tokens: created and revoked by an organisation's administrators, the actor behind one. */
export function tokenService({ repo, change }: IdentityContext) {
  return {
    async actorFromApiToken(token: string, ip: string | null): Promise<Actor | null> {
      if (!token.startsWith(API_TOKEN_PREFIX)) return null;
      const row = await repo.findActiveApiToken(sha256(token));
      if (!row) return null;
      await repo.touchApiToken(row.id);
      return {
        via: 'token',
        userId: null,
        label: `jeton API « ${row.name} »`,
        isSuperAdmin: false,
        organisationId: row.organisationId,
        role: row.role,
        memberships: [
          {
            organisationId: row.organisationId,
            organisationName: row.organisationName,
            organisationKind: row.organisationKind,
            role: row.role,
          },
        ],
        tokenId: row.id,
        ip,
      };
    },

    async listApiTokens(actor: Actor, organisationId: string) {
      requireOrgAdmin(actor, organisationId);
      const rows = await repo.apiTokens(organisationId);
      return rows.map((t) => ({
        ...t,
        createdAt: iso(t.createdAt)!,
        lastUsedAt: iso(t.lastUsedAt),
        revokedAt: iso(t.revokedAt),
      }));
    },

    /** Returns the clear token once; only its hash is kept. */
    async createApiToken(actor: Actor, organisationId: string, input: ApiTokenCreate) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      if (!(await repo.findOrganisation(organisationId))) throw notFound('Organisation introuvable.');
      const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
      const id = await change(actor, async (tx) => {
        const newId = await repo.insertApiToken(tx, {
          organisationId,
          name: input.name.trim(),
          role: input.role,
          hash: sha256(token),
          prefix: token.slice(0, 10),
          createdBy: actor.userId,
        });
        return {
          result: newId,
          audit: {
            action: 'api_token.created',
            subjectType: 'api_token',
            subjectId: newId,
            details: { organisationId, name: input.name, role: input.role },
          },
        };
      });
      return { id, token };
    },

    async revokeApiToken(actor: Actor, organisationId: string, tokenId: string) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      await change(actor, async (tx) => {
        if (!(await repo.revokeApiToken(tx, organisationId, tokenId)))
          throw notFound('Jeton introuvable ou déjà révoqué.');
        return {
          audit: {
            action: 'api_token.revoked',
            subjectType: 'api_token',
            subjectId: tokenId,
            details: { organisationId },
          },
        };
      });
    },

    /** Every organisation's name, for the super-admin's filters. */
  };
}
