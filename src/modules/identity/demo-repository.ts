import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { OrganisationKind, Role } from './model.js';

export interface DemoOrganisation {
  name: string;
  kind: OrganisationKind;
  siret: string | null;
  communeCode: string;
  email: string;
  phone: string;
}
export interface DemoUser {
  email: string;
  firstName: string;
  lastName: string;
  memberships: { organisationIndex: number; role: Role }[];
  superAdmin: boolean;
}

/** An invitation waiting for its answer (issue 8: an existing account joins only if it accepts). */
export interface DemoInvitation {
  email: string;
  organisationIndex: number;
  role: Role;
  invitedBy: string;
}

export function demoRepository(db: Db) {
  return {
    async hasOrganisations(): Promise<boolean> {
      return !!(await db.selectFrom('organisation').select('id').limit(1).executeTakeFirst());
    },

    /** The region's name and its towns of at least minPopulation inhabitants, where partners sit. */
    async regionAndTowns(regionCode: string, minPopulation: number) {
      const region = await db
        .selectFrom('region')
        .select('name')
        .where('code', '=', regionCode)
        .executeTakeFirstOrThrow();
      const communes = await db
        .selectFrom('commune')
        .select(['code', 'name', sql<number>`coalesce(population, 0)`.as('population')])
        .where('region_code', '=', regionCode)
        .where('kind', '=', 'commune')
        .where('population', '>=', minPopulation)
        .orderBy('code')
        .execute();
      return { regionName: region.name, communes };
    },

    async insertRegion(
      region: { organisations: DemoOrganisation[]; users: DemoUser[]; invitations: DemoInvitation[] },
      passwordHash: string,
      seed: number,
    ) {
      await db.transaction().execute(async (tx) => {
        const ids: string[] = [];
        const userIds = new Map<string, string>();
        for (const o of region.organisations) {
          const row = await tx
            .insertInto('organisation')
            .values({
              name: o.name,
              kind: o.kind,
              siret: o.siret,
              commune_code: o.communeCode,
              email: o.email,
              phone: o.phone,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          ids.push(row.id);
        }
        for (const u of region.users) {
          const row = await tx
            .insertInto('app_user')
            .values({
              email: u.email,
              first_name: u.firstName,
              last_name: u.lastName,
              password_hash: passwordHash,
              is_super_admin: u.superAdmin,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          userIds.set(u.email, row.id);
          for (const m of u.memberships) {
            await tx
              .insertInto('membership')
              .values({ user_id: row.id, organisation_id: ids[m.organisationIndex]!, role: m.role })
              .execute();
          }
        }
        for (const i of region.invitations) {
          await tx
            .insertInto('membership_invitation')
            .values({
              organisation_id: ids[i.organisationIndex]!,
              user_id: userIds.get(i.email)!,
              email: i.email,
              role: i.role,
              invited_by: userIds.get(i.invitedBy) ?? null,
              expires_at: new Date(Date.now() + 7 * 24 * 3600_000),
            })
            .execute();
        }
        await tx
          .insertInto('audit_log')
          .values({
            actor_label: 'générateur de démonstration',
            action: 'demo.seeded',
            details: JSON.stringify({
              seed,
              organisations: region.organisations.length,
              users: region.users.length,
            }),
          })
          .execute();
      });
      // Fresh statistics for the planner (PGlite has no autovacuum).
      for (const table of ['organisation', 'app_user', 'membership'])
        await sql`analyze ${sql.table(table)}`.execute(db);
    },
  };
}
