import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';

export const PERSONS_PAGE_SIZE = 20;

/** The list's filters, checked by the service (codes of rules.ts, dates as ISO strings). */
export interface ListFilters {
  organisationId: string;
  /** Name tokens (normalised like name_key) and the same text as a France Travail id. */
  nameTokens: string[];
  franceTravailId: string | null;
  scope: 'all' | 'referent' | 'shared';
  situation: string | null;
  /** A sensitive situation filters the organisation's own files only (rights.ts). */
  situationReferentOnly: boolean;
  bornAfter: string | null;
  bornOnOrBefore: string | null;
  department: string | null;
  commune: string | null;
  availableOn: string | null;
  page: number;
}

export interface PersonListRow {
  id: string;
  lastName: string;
  firstName: string;
  birthDate: string;
  communeName: string | null;
  departmentCode: string | null;
  availableFrom: string | null;
  isReferent: boolean;
  referentName: string;
  wantedJob: string | null;
  updatedAt: Date;
}

/** « Mes personnes » (audited: a list of named people is personal data) and the duplicate search. */
export function personListRepository(db: Db) {
  return {
    async list(f: ListFilters): Promise<{ total: number; items: PersonListRow[] }> {
      markAudited('persons', 'read');
      const org = f.organisationId;
      // person_access (migration 0019) holds a row per file the organisation may list — its own and
      // those shared with it — with the sort and filter columns: the organisation's entries of one
      // index, in the page's order, instead of every file fetched, joined and sorted per request.
      const where: RawBuilder<unknown>[] = [sql`a.organisation_id = ${org}::uuid`];
      if (f.scope === 'referent') where.push(sql`a.is_referent`);
      if (f.scope === 'shared') where.push(sql`not a.is_referent`);
      // The search box: every name token in the normalised names, or the France Travail id as typed.
      const byName = f.nameTokens.length
        ? sql`(${sql.join(
            f.nameTokens.map((t) => sql`a.name_key like ${`%${t}%`}`),
            sql` and `,
          )})`
        : null;
      const byId = f.franceTravailId ? sql`a.france_travail_id = ${f.franceTravailId}` : null;
      if (byName && byId) where.push(sql`(${byName} or ${byId})`);
      else if (byName ?? byId) where.push((byName ?? byId)!);
      if (f.situation) {
        where.push(sql`a.situations @> array[${f.situation}]::text[]`);
        if (f.situationReferentOnly) where.push(sql`a.is_referent`);
      }
      if (f.bornAfter) where.push(sql`a.birth_date > ${f.bornAfter}::date`);
      if (f.bornOnOrBefore) where.push(sql`a.birth_date <= ${f.bornOnOrBefore}::date`);
      // The department's communes (a few hundred codes) rather than a join per file.
      if (f.department)
        where.push(
          sql`a.commune_code in (select d.code from commune d where d.department_code = ${f.department})`,
        );
      if (f.commune) where.push(sql`a.commune_code = ${f.commune}`);
      if (f.availableOn)
        where.push(sql`(a.available_from is null or a.available_from <= ${f.availableOn}::date)`);
      const filter = sql.join(where, sql` and `);
      const [count, page] = await Promise.all([
        // Exact, by an index-only scan of the organisation's entries (person_access_list covers
        // every filter column): 62,000 entries at 300,000 files, see bench/results.
        sql<{ n: number }>`select count(*)::int as n from person_access a where ${filter}`.execute(db),
        // The page's 20 ids first (an ordered index scan stopped after offset + 20 entries), then
        // their files: the joins run for 20 rows, not for the organisation's whole list.
        sql<PersonListRow>`
          with page as (
            select a.person_id, a.is_referent from person_access a where ${filter}
            order by a.last_name, a.first_name, a.person_id
            limit ${PERSONS_PAGE_SIZE} offset ${(f.page - 1) * PERSONS_PAGE_SIZE}
          )
          select p.id, p.last_name as "lastName", p.first_name as "firstName", p.birth_date as "birthDate",
            c.name as "communeName", c.department_code as "departmentCode", p.available_from as "availableFrom",
            page.is_referent as "isReferent", o.name as "referentName",
            (select a.label from rome_appellation a where a.code = p.wanted_jobs[1]) as "wantedJob",
            p.updated_at as "updatedAt"
          from page join person p on p.id = page.person_id
            left join commune c on c.code = p.commune_code
            join organisation o on o.id = p.referent_organisation_id
          order by p.last_name, p.first_name, p.id`.execute(db),
      ]);
      return { total: count.rows[0]?.n ?? 0, items: page.rows };
    },

    /**
     * The organisations holding a file that may be this person's: same normalised names and birth
     * date, or same France Travail id, across all organisations. Only their names come back: the
     * other file itself is not read (issue 10: ask its holder to share it).
     */
    async possibleDuplicates(key: string, birthDate: string, franceTravailId: string | null) {
      const { rows } = await sql<{ organisationId: string; organisationName: string }>`
        select distinct o.id as "organisationId", o.name as "organisationName"
        from person p join organisation o on o.id = p.referent_organisation_id
        where (p.name_key = ${key} and p.birth_date = ${birthDate}::date)
          ${franceTravailId ? sql`or p.france_travail_id = ${franceTravailId}` : sql``}
        order by o.name`.execute(db);
      return rows;
    },
  };
}
