import { conflict, forbidden, invalid, notFound } from '../../shared/errors.js';
import { isValidSiret, normaliseSiret } from '../../shared/siret.js';
import { type Actor, isMemberOf, ORGANISATION_KINDS, type Role, SIRET_REQUIRED } from './model.js';
import { type Executor, PAGE_SIZE } from './repository.js';
import type { OrganisationInput, OrganisationPatch, OrganisationQuery } from './schemas.js';
import { type IdentityContext, iso, requireOrgAdmin, requirePerson } from './service-context.js';

/** Organisations (the partner directory), their members and the members' roles. */
export function organisationService({ repo, change }: IdentityContext) {
  async function checkOrganisationFields(
    input: OrganisationPatch,
    kind: string,
    tx: Executor,
    selfId?: string,
  ) {
    let siret = input.siret === undefined ? undefined : input.siret ? normaliseSiret(input.siret) : null;
    if (siret !== undefined && siret !== null) {
      if (!isValidSiret(siret))
        throw invalid('siret', 'Le SIRET doit comporter 14 chiffres et une clé de contrôle valide.');
      const owner = await repo.organisationIdBySiret(siret, tx);
      if (owner && owner !== selfId) throw conflict('siret', 'Une organisation porte déjà ce SIRET.');
    }
    if (siret === '') siret = null;
    if (input.communeCode && !(await repo.communeExists(input.communeCode, tx))) {
      throw invalid('communeCode', `Le code commune INSEE « ${input.communeCode} » n’existe pas.`);
    }
    return { siret, kindNeedsSiret: SIRET_REQUIRED.has(kind as never) };
  }

  async function getOrganisation(_actor: Actor, id: string) {
    const o = await repo.findOrganisation(id);
    if (!o) throw notFound('Organisation introuvable.');
    return { ...o, kindLabel: ORGANISATION_KINDS[o.kind] };
  }
  return {
    async listOrganisations(_actor: Actor, query: OrganisationQuery) {
      // The partner directory (name, kind, commune) is shared by every signed-in user.
      const page = query.page ?? 1;
      const { items, total } = await repo.listOrganisations({ q: query.q, kind: query.kind, page });
      return {
        items: items.map((o) => ({ ...o, kindLabel: ORGANISATION_KINDS[o.kind] })),
        total,
        page,
        pageSize: PAGE_SIZE,
      };
    },

    getOrganisation,

    async createOrganisation(actor: Actor, input: OrganisationInput) {
      if (!actor.isSuperAdmin) throw forbidden('Seul un super-administrateur crée des organisations.');
      const id = await change(actor, async (tx) => {
        const { siret, kindNeedsSiret } = await checkOrganisationFields(input, input.kind, tx);
        if (kindNeedsSiret && !siret)
          throw invalid('siret', 'Le SIRET est obligatoire pour ce type d’organisation.');
        const newId = await repo.insertOrganisation(tx, {
          name: input.name.trim(),
          kind: input.kind,
          siret: siret ?? null,
          communeCode: input.communeCode || null,
          email: input.email || null,
          phone: input.phone || null,
        });
        return {
          result: newId,
          audit: {
            action: 'organisation.created',
            subjectType: 'organisation',
            subjectId: newId,
            details: { name: input.name },
          },
          event: { organisationId: newId },
        };
      });
      return getOrganisation(actor, id);
    },

    async updateOrganisation(actor: Actor, id: string, patch: OrganisationPatch) {
      const existing = await repo.findOrganisation(id);
      if (!existing) throw notFound('Organisation introuvable.');
      requireOrgAdmin(actor, id);
      if (patch.kind && patch.kind !== existing.kind && !actor.isSuperAdmin) {
        throw forbidden('Seul un super-administrateur change le type d’une organisation.');
      }
      await change(actor, async (tx) => {
        const kind = patch.kind ?? existing.kind;
        const { siret, kindNeedsSiret } = await checkOrganisationFields(patch, kind, tx, id);
        const finalSiret = siret === undefined ? existing.siret : siret;
        if (kindNeedsSiret && !finalSiret)
          throw invalid('siret', 'Le SIRET est obligatoire pour ce type d’organisation.');
        await repo.updateOrganisation(tx, id, {
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
          ...(siret !== undefined ? { siret } : {}),
          ...(patch.communeCode !== undefined ? { communeCode: patch.communeCode || null } : {}),
          ...(patch.email !== undefined ? { email: patch.email || null } : {}),
          ...(patch.phone !== undefined ? { phone: patch.phone || null } : {}),
        });
        return {
          audit: {
            action: 'organisation.updated',
            subjectType: 'organisation',
            subjectId: id,
            details: { fields: Object.keys(patch) },
          },
          event: { organisationId: id },
        };
      });
      return getOrganisation(actor, id);
    },

    // Members -------------------------------------------------------------------------------------
    async listMembers(actor: Actor, organisationId: string) {
      if (!(await repo.findOrganisation(organisationId))) throw notFound('Organisation introuvable.');
      if (!isMemberOf(actor, organisationId))
        throw forbidden('Vous ne voyez que les membres de votre organisation.');
      const rows = await repo.members(organisationId);
      return rows.map((m) => ({ ...m, lastLoginAt: iso(m.lastLoginAt) }));
    },

    async changeMemberRole(actor: Actor, organisationId: string, userId: string, role: Role) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      await change(actor, async (tx) => {
        const current = await repo.membership(userId, organisationId, tx);
        if (!current) throw notFound('Ce membre n’appartient pas à l’organisation.');
        if (
          current.role === 'administrateur' &&
          role !== 'administrateur' &&
          (await repo.countAdmins(organisationId, tx)) <= 1
        ) {
          throw conflict('role', 'L’organisation doit garder au moins un administrateur.');
        }
        await repo.updateMembership(tx, userId, organisationId, role);
        return {
          audit: {
            action: 'membership.role_changed',
            subjectType: 'user',
            subjectId: userId,
            details: { organisationId, from: current.role, to: role },
          },
          event: { userId, organisationId, role },
        };
      });
    },

    async removeMember(actor: Actor, organisationId: string, userId: string) {
      requirePerson(actor);
      requireOrgAdmin(actor, organisationId);
      await change(actor, async (tx) => {
        const current = await repo.membership(userId, organisationId, tx);
        if (!current) throw notFound('Ce membre n’appartient pas à l’organisation.');
        if (current.role === 'administrateur' && (await repo.countAdmins(organisationId, tx)) <= 1) {
          throw conflict('userId', 'L’organisation doit garder au moins un administrateur.');
        }
        await repo.deleteMembership(tx, userId, organisationId);
        return {
          audit: {
            action: 'membership.removed',
            subjectType: 'user',
            subjectId: userId,
            details: { organisationId, role: current.role },
          },
          event: { userId, organisationId },
        };
      });
    },
  };
}
