import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { JobOfferTable } from '../../db/schema.js';
import { markAudited } from '../../shared/audit.js';
import type { OfferValues } from './input.js';
import type { OfferState } from './rules.js';

export type OfferRow = Selectable<JobOfferTable> & {
  appellation_label: string | null;
  rome_label: string | null;
  commune_name: string | null;
  department_code: string | null;
  organisation_name: string | null;
};

export const OFFERS_PAGE_SIZE = 20;

export interface OfferFilters {
  /** Only this organisation's offers (« Mes offres »), every state; otherwise published ones. */
  organisationId: string | null;
  state: OfferState | null;
  words: string[];
  appellation: string | null;
  rome: string | null;
  commune: string | null;
  department: string | null;
  contract: string | null;
  beginners: boolean | null;
  page: number;
}

/** The offers' SQL: reads, the employer's writes (audited: markAudited), transitions and lookups. */
export function offerRepository(db: Db) {
  const withNames = (q: Db) =>
    q
      .selectFrom('job_offer as o')
      .leftJoin('rome_appellation as a', 'a.code', 'o.appellation_code')
      .leftJoin('rome_trade as r', 'r.code', 'o.rome_code')
      .leftJoin('commune as c', 'c.code', 'o.commune_code')
      .leftJoin('organisation as g', 'g.id', 'o.organisation_id')
      .selectAll('o')
      .select([
        'a.label as appellation_label',
        'r.label as rome_label',
        'c.name as commune_name',
        'c.department_code',
        'g.name as organisation_name',
      ]);

  return {
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),

    async find(id: string): Promise<OfferRow | undefined> {
      return (await withNames(db).where('o.id', '=', id).executeTakeFirst()) as OfferRow | undefined;
    },

    async list(f: OfferFilters): Promise<{ total: number; items: OfferRow[] }> {
      let q = withNames(db);
      q = f.organisationId
        ? q.where('o.organisation_id', '=', f.organisationId)
        : q.where('o.state', '=', 'published');
      if (f.state) q = q.where('o.state', '=', f.state);
      for (const w of f.words) q = q.where('o.title', 'ilike', `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (f.appellation) q = q.where('o.appellation_code', '=', f.appellation);
      if (f.rome) q = q.where('o.rome_code', '=', f.rome);
      if (f.commune) q = q.where('o.commune_code', '=', f.commune);
      if (f.department) q = q.where('c.department_code', '=', f.department);
      if (f.contract) q = q.where('o.contract_type', '=', f.contract);
      if (f.beginners !== null) q = q.where('o.experience', f.beginners ? '=' : '<>', 'D');
      const [{ n }] = (await q.clearSelect().select(sql<number>`count(*)::int`.as('n')).execute()) as [
        { n: number },
      ];
      const items = (await q
        .orderBy('o.updated_at', 'desc')
        .orderBy('o.id')
        .limit(OFFERS_PAGE_SIZE)
        .offset((f.page - 1) * OFFERS_PAGE_SIZE)
        .execute()) as OfferRow[];
      return { total: Number(n), items };
    },

    async insert(
      tx: Db,
      values: OfferValues & { organisation_id: string; created_by: string | null; state: OfferState },
    ): Promise<string> {
      markAudited('job_offers', 'write');
      const row = await tx
        .insertInto('job_offer')
        .values({ ...values, published_at: values.state === 'published' ? new Date() : null })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** The edit, if the offer is still at `version`; null when another change came first. */
    async update(tx: Db, id: string, version: number, values: Partial<OfferValues>): Promise<number | null> {
      markAudited('job_offers', 'write');
      const row = await tx
        .updateTable('job_offer')
        .set({ ...values, version: sql`version + 1`, updated_at: new Date() })
        .where('id', '=', id)
        .where('version', '=', version)
        .returning('version')
        .executeTakeFirst();
      return row?.version ?? null;
    },

    /** A change of state, if the offer is still at `version` and in `from`. */
    async setState(
      tx: Db,
      id: string,
      version: number,
      from: OfferState,
      to: OfferState,
      expiresOn: string | null,
    ): Promise<number | null> {
      markAudited('job_offers', 'write');
      const row = await tx
        .updateTable('job_offer')
        .set({
          state: to,
          version: sql`version + 1`,
          updated_at: new Date(),
          ...(to === 'published' ? { published_at: new Date(), expires_on: expiresOn } : {}),
        })
        .where('id', '=', id)
        .where('version', '=', version)
        .where('state', '=', from)
        .returning('version')
        .executeTakeFirst();
      return row?.version ?? null;
    },

    async addTransition(
      tx: Db,
      t: {
        offerId: string;
        from: OfferState | null;
        to: OfferState;
        actorLabel: string;
        reason?: string | null;
      },
    ) {
      await tx
        .insertInto('job_offer_transition')
        .values({
          offer_id: t.offerId,
          from_state: t.from,
          to_state: t.to,
          actor_label: t.actorLabel,
          reason: t.reason ?? null,
        })
        .execute();
    },

    async transitions(offerId: string) {
      return db
        .selectFrom('job_offer_transition')
        .select(['occurred_at', 'from_state', 'to_state', 'actor_label', 'reason'])
        .where('offer_id', '=', offerId)
        .orderBy('id')
        .execute();
    },

    /** Expires the published offers whose date passed, each transition logged; their ids. */
    async expireDue(tx: Db, today: string, actorLabel: string): Promise<string[]> {
      markAudited('job_offers', 'write');
      const { rows } = await sql<{ id: string }>`
        update job_offer set state = 'expired', version = version + 1, updated_at = now()
        where state = 'published' and expires_on < ${today}::date returning id`.execute(tx);
      for (let i = 0; i < rows.length; i += 1000)
        await tx
          .insertInto('job_offer_transition')
          .values(
            rows.slice(i, i + 1000).map((r) => ({
              offer_id: r.id,
              from_state: 'published',
              to_state: 'expired',
              actor_label: actorLabel,
              reason: 'Date d’expiration passée',
            })),
          )
          .execute();
      return rows.map((r) => r.id);
    },

    /** The outbox (domain_event, migration 0003): a change's event, in its transaction. */
    async recordEvent(tx: Db, type: string, actorUserId: string | null, payload: Record<string, unknown>) {
      await tx
        .insertInto('domain_event')
        .values({ type, actor_user_id: actorUserId, payload: JSON.stringify(payload) })
        .execute();
    },

    async appellationTrade(code: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('rome_appellation')
        .select('rome_code')
        .where('code', '=', code)
        .executeTakeFirst();
      return row?.rome_code;
    },

    async skillsExisting(codes: string[]): Promise<Set<string>> {
      if (!codes.length) return new Set();
      const rows = await db.selectFrom('rome_skill').select('code').where('code', 'in', codes).execute();
      return new Set(rows.map((r) => r.code));
    },

    async skillLabels(codes: string[]): Promise<Map<string, string>> {
      if (!codes.length) return new Map();
      const rows = await db
        .selectFrom('rome_skill')
        .select(['code', 'label'])
        .where('code', 'in', codes)
        .execute();
      return new Map(rows.map((r) => [r.code, r.label]));
    },

    async communeExists(code: string): Promise<boolean> {
      return !!(await db.selectFrom('commune').select('code').where('code', '=', code).executeTakeFirst());
    },
  };
}

export type OfferRepository = ReturnType<typeof offerRepository>;
