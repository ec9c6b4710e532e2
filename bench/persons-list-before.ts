/**
 * « Mes personnes » as it was read before person_access (migration 0019): straight from person and
 * person_share, the organisation's ids as a union, the page sorted from all its files. Kept as the
 * peer of the benchmark's ratios (same data, same run) and as the reference of
 * src/modules/persons/list-access.test.ts (same results, filter by filter).
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import type { ListFilters } from '../src/modules/persons/list-repository.js';
import { AGE_RULES, nameKey, SITUATIONS, type Situation } from '../src/modules/persons/rules.js';
import type { PersonListQuery } from '../src/modules/persons/schemas.js';

/** The former statements (count, then page) for these filters. */
export function formerListStatements(f: ListFilters) {
  const org = f.organisationId;
  const shared = sql`exists (select 1 from person_share s where s.person_id = p.id and s.organisation_id = ${org}::uuid)`;
  const where: RawBuilder<unknown>[] = [
    f.scope === 'referent'
      ? sql`p.referent_organisation_id = ${org}::uuid`
      : f.scope === 'shared'
        ? shared
        : sql`p.id in (select r.id from person r where r.referent_organisation_id = ${org}::uuid
            union all select s.person_id from person_share s where s.organisation_id = ${org}::uuid)`,
  ];
  const byName = f.nameTokens.length
    ? sql`(${sql.join(
        f.nameTokens.map((t) => sql`p.name_key like ${`%${t}%`}`),
        sql` and `,
      )})`
    : null;
  const byId = f.franceTravailId ? sql`p.france_travail_id = ${f.franceTravailId}` : null;
  if (byName && byId) where.push(sql`(${byName} or ${byId})`);
  else if (byName ?? byId) where.push((byName ?? byId)!);
  if (f.situation) {
    where.push(sql`p.situations @> array[${f.situation}]::text[]`);
    if (f.situationReferentOnly) where.push(sql`p.referent_organisation_id = ${org}::uuid`);
  }
  if (f.bornAfter) where.push(sql`p.birth_date > ${f.bornAfter}::date`);
  if (f.bornOnOrBefore) where.push(sql`p.birth_date <= ${f.bornOnOrBefore}::date`);
  if (f.department) where.push(sql`c.department_code = ${f.department}`);
  if (f.commune) where.push(sql`p.commune_code = ${f.commune}`);
  if (f.availableOn)
    where.push(sql`(p.available_from is null or p.available_from <= ${f.availableOn}::date)`);
  const filter = sql.join(where, sql` and `);
  const from = sql`from person p left join commune c on c.code = p.commune_code where ${filter}`;
  return {
    count: sql<{ n: number }>`select count(*)::int as n ${from}`,
    page: sql<{ id: string; isReferent: boolean }>`
      select p.id, p.referent_organisation_id = ${org}::uuid as "isReferent", p.last_name, p.first_name,
        c.name, o.name, (select a.label from rome_appellation a where a.code = p.wanted_jobs[1])
      from person p left join commune c on c.code = p.commune_code
        join organisation o on o.id = p.referent_organisation_id where ${filter}
      order by p.last_name, p.first_name, p.id limit 20 offset ${(f.page - 1) * 20}`,
  };
}

export async function formerList(db: Db, f: ListFilters) {
  const s = formerListStatements(f);
  const total = (await s.count.execute(db)).rows[0]!.n;
  return { total, items: (await s.page.execute(db)).rows };
}

/** The service's filters for a query (persons/service.ts list()), for the former statements. */
export function filtersOf(organisationId: string, query: PersonListQuery, day: string): ListFilters {
  const yearsBefore = (iso: string, years: number) => `${Number(iso.slice(0, 4)) - years}${iso.slice(4)}`;
  const q = query.q?.trim() ?? '';
  const ft = q.replace(/\s+/g, '').toUpperCase();
  const situation = query.situation && query.situation in SITUATIONS ? (query.situation as Situation) : null;
  return {
    organisationId,
    nameTokens: q
      .split(/\s+/)
      .map((t) => nameKey(t, '').replace('|', ''))
      .filter(Boolean)
      .slice(0, 5),
    franceTravailId: /^[0-9A-Z]{8,11}$/.test(ft) ? ft : null,
    scope: query.scope ?? 'all',
    situation,
    situationReferentOnly: !!situation && SITUATIONS[situation].sensitive,
    bornAfter: query.age === 'young' ? yearsBefore(day, AGE_RULES.youngUnder) : null,
    bornOnOrBefore: query.age === 'senior' ? yearsBefore(day, AGE_RULES.seniorFrom) : null,
    department: query.department?.toUpperCase() ?? null,
    commune: query.commune ?? null,
    availableOn: query.availableNow === 'true' ? day : null,
    page: query.page ?? 1,
  };
}
