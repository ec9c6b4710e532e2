import { type Insertable, type Kysely, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { CoreSkill, Database, EcologicalTransition, SkillKind } from '../../db/schema.js';
import type { Rome4Rows } from './rome4-sources.js';

type Tx = Kysely<Database>;
type PgType = 'text' | 'boolean' | 'smallint';
/** Every column of a table with its PostgreSQL type (the unnest arrays are cast to it). */
type Columns<T extends keyof Database> = Record<keyof Insertable<Database[T]> & string, PgType>;

/**
 * Writes a whole table's rows in ONE statement: each column travels as one array parameter and
 * `unnest` turns them back into rows: one statement with 3 parameters for the 90,556 métier ↔ skill
 * links, instead of 91 batches of 1,000 multi-row VALUES (upsertBatches) whose SQL text the server
 * parses each time (load times: bench/rome4-load.ts). A row already equal is not rewritten (`is distinct from`), so a reload of unchanged data
 * writes nothing; with `prune`, rows absent from the file are deleted (links only: a code that
 * disappears from an entity table stays, since other tables may point at it).
 */
async function bulkUpsert<T extends keyof Database & string>(
  tx: Tx,
  table: T,
  key: (keyof Columns<T> & string)[],
  columns: Columns<T>,
  rows: Insertable<Database[T]>[],
  options: { prune?: boolean } = {},
): Promise<void> {
  const names = Object.keys(columns) as (keyof Columns<T> & string)[];
  const arrays = names.map(
    (name) =>
      sql`${rows.map((row) => (row as Record<string, unknown>)[name] ?? null)}::${sql.raw(columns[name])}[]`,
  );
  const list = (prefix: string, cols: string[]) => sql.join(cols.map((c) => sql.ref(`${prefix}${c}`)));
  const values = names.filter((n) => !key.includes(n));
  const onConflict = values.length
    ? sql`do update set ${sql.join(values.map((c) => sql`${sql.ref(c)} = ${sql.ref(`excluded.${c}`)}`))}
        where (${list('t.', values)}) is distinct from (${list('excluded.', values)})`
    : sql`do nothing`;
  if (options.prune) {
    const keyArrays = key.map((k) => arrays[names.indexOf(k)]!);
    await sql`
      delete from ${sql.table(table)} t
      where not exists (
        select 1 from unnest(${sql.join(keyArrays)}) as v(${list('', key)})
        where ${sql.join(
          key.map((k) => sql`v.${sql.ref(k)} = t.${sql.ref(k)}`),
          sql` and `,
        )})`.execute(tx);
  }
  await sql`
    insert into ${sql.table(table)} as t (${list('', names)})
    select * from unnest(${sql.join(arrays)})
    on conflict (${list('', key)}) ${onConflict}`.execute(tx);
}

export interface SkillHit {
  code: string;
  kind: SkillKind;
  label: string;
  category: string | null;
  subCategory: string | null;
  isMacro: boolean;
}
export interface MetierSkill extends SkillHit {
  core: CoreSkill | null;
}
export interface MetierSummary {
  code: string;
  label: string;
}
export interface Metier extends MetierSummary {
  tradeCode: string;
  tradeLabel: string;
  domainCode: string;
  domainLabel: string;
  grandDomainCode: string;
  grandDomainLabel: string;
  ecologicalTransition: EcologicalTransition | null;
  digitalTransition: boolean | null;
  demographicTransition: boolean | null;
  regulated: boolean | null;
  executive: boolean | null;
  definition: string | null;
  access: string | null;
}
export interface CloseMetier extends MetierSummary {
  rank: number;
}
export interface WorkContext {
  code: string;
  label: string;
  typeLabel: string;
}

const skillColumns = sql`s.code, s.kind, s.label, s.category, s.sub_category as "subCategory", s.is_macro as "isMacro"`;

/**
 * Loads ROME 4.0 inside the caller's transaction (the referential load), parents before children.
 * Runs before the appellations, whose metier_code points at rome_metier.
 */
export async function upsertRome4(tx: Tx, data: Rome4Rows, onRows: (n: number) => void): Promise<void> {
  await bulkUpsert(tx, 'rome_grand_domain', ['code'], { code: 'text', label: 'text' }, data.grandDomains);
  await bulkUpsert(
    tx,
    'rome_domain',
    ['code'],
    { code: 'text', label: 'text', grand_domain_code: 'text' },
    data.domains,
  );
  onRows(data.grandDomains.length + data.domains.length);
  await bulkUpsert(
    tx,
    'rome_metier',
    ['code'],
    {
      code: 'text',
      label: 'text',
      ogr_code: 'text',
      trade_code: 'text',
      domain_code: 'text',
      ecological_transition: 'text',
      digital_transition: 'boolean',
      demographic_transition: 'boolean',
      regulated: 'boolean',
      executive: 'boolean',
      definition: 'text',
      access: 'text',
    },
    data.metiers,
  );
  onRows(data.metiers.length);
  // First load (empty table): the trigram index is dropped and built once after the rows, instead of
  // maintained row by row (measured on PGlite for the 33,671 skills: 1.4 s to build, 3.7 s to
  // maintain). Same definition as migration 0013.
  const firstLoad = !(await tx.selectFrom('rome_skill').select('code').limit(1).executeTakeFirst());
  if (firstLoad) await sql`drop index if exists rome_skill_search`.execute(tx);
  await bulkUpsert(
    tx,
    'rome_skill',
    ['code'],
    {
      code: 'text',
      kind: 'text',
      label: 'text',
      category: 'text',
      sub_category: 'text',
      is_macro: 'boolean',
      macro_code: 'text',
      definition: 'text',
      search_text: 'text',
    },
    data.skills,
  );
  if (firstLoad)
    await sql`create index if not exists rome_skill_search on rome_skill using gin (search_text gin_trgm_ops)`.execute(
      tx,
    );
  onRows(data.skills.length);
  await bulkUpsert(
    tx,
    'rome_work_context',
    ['code'],
    { code: 'text', label: 'text', type_code: 'text', type_label: 'text' },
    data.workContexts,
  );
  onRows(data.workContexts.length);
  await bulkUpsert(
    tx,
    'rome_metier_skill',
    ['metier_code', 'skill_code'],
    { metier_code: 'text', skill_code: 'text', core: 'text' },
    data.metierSkills,
    { prune: true },
  );
  onRows(data.metierSkills.length);
  await bulkUpsert(
    tx,
    'rome_metier_work_context',
    ['metier_code', 'context_code'],
    { metier_code: 'text', context_code: 'text' },
    data.metierWorkContexts,
    { prune: true },
  );
  onRows(data.metierWorkContexts.length);
  await bulkUpsert(
    tx,
    'rome_mobility',
    ['from_code', 'to_code'],
    { from_code: 'text', to_code: 'text', rank: 'smallint' },
    data.mobility,
    { prune: true },
  );
  onRows(data.mobility.length);
}

export function rome4Repository(db: Db) {
  return {
    /**
     * Skills whose label has a word starting with each token (tokens in searchForm: no accents, lower
     * case, [a-z0-9] only, so safe in a regular expression). The trigram index serves the regular
     * expression for a token of 3 characters or more. Labels starting with the whole query first,
     * then the shortest (the most generic).
     */
    async searchSkills(tokens: string[], kind: SkillKind | undefined, limit: number): Promise<SkillHit[]> {
      const words = tokens.map((token) => sql`s.search_text ~ ${`(^| )${token}`}`);
      const { rows } = await sql<SkillHit>`
        select ${skillColumns}
        from rome_skill s
        where ${sql.join(words, sql` and `)} ${kind ? sql`and s.kind = ${kind}` : sql``}
        order by s.search_text like ${`${tokens.join(' ')}%`} desc, length(s.label), s.label, s.code
        limit ${limit}`.execute(db);
      return rows;
    },

    async metier(code: string): Promise<Metier | undefined> {
      const { rows } = await sql<Metier>`
        select m.code, m.label, m.trade_code as "tradeCode", t.label as "tradeLabel",
          d.code as "domainCode", d.label as "domainLabel",
          g.code as "grandDomainCode", g.label as "grandDomainLabel",
          m.ecological_transition as "ecologicalTransition", m.digital_transition as "digitalTransition",
          m.demographic_transition as "demographicTransition", m.regulated, m.executive,
          m.definition, m.access
        from rome_metier m
        join rome_trade t on t.code = m.trade_code
        join rome_domain d on d.code = m.domain_code
        join rome_grand_domain g on g.code = d.grand_domain_code
        where m.code = ${code}`.execute(db);
      return rows[0];
    },

    /** The métier's skills, core ones first (principale, then émergente), then by kind and label. */
    async metierSkills(code: string): Promise<MetierSkill[]> {
      const { rows } = await sql<MetierSkill>`
        select ${skillColumns}, ms.core
        from rome_metier_skill ms join rome_skill s on s.code = ms.skill_code
        where ms.metier_code = ${code}
        order by ms.core nulls last, s.kind, s.label, s.code`.execute(db);
      return rows;
    },

    async metierWorkContexts(code: string): Promise<WorkContext[]> {
      const { rows } = await sql<WorkContext>`
        select c.code, c.label, c.type_label as "typeLabel"
        from rome_metier_work_context mc join rome_work_context c on c.code = mc.context_code
        where mc.metier_code = ${code}
        order by c.type_code, c.label`.execute(db);
      return rows;
    },

    async closeMetiers(code: string): Promise<CloseMetier[]> {
      const { rows } = await sql<CloseMetier>`
        select m.rank, t.code, t.label
        from rome_mobility m join rome_metier t on t.code = m.to_code
        where m.from_code = ${code}
        order by m.rank, t.code`.execute(db);
      return rows;
    },

    async metierOfAppellation(code: string): Promise<MetierSummary | undefined> {
      const { rows } = await sql<MetierSummary>`
        select m.code, m.label
        from rome_appellation a join rome_metier m on m.code = a.metier_code
        where a.code = ${code}`.execute(db);
      return rows[0];
    },

    async versions(): Promise<{ name: string; version: string; loadedAt: Date }[]> {
      return db
        .selectFrom('referential_load')
        .select(['name', 'version', 'loaded_at as loadedAt'])
        .where('version', 'is not', null)
        .orderBy('name')
        .$narrowType<{ version: string }>()
        .execute();
    },
  };
}

export type Rome4Repository = ReturnType<typeof rome4Repository>;
