import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';
import type { LheoAction, LheoFormation, LheoSession } from './lheo/model.js';
import {
  storedAction,
  storedAddress,
  storedContact,
  storedFormation,
  storedFunderExtras,
  storedProvider,
  storedSession,
} from './lheo/stored.js';

export interface SessionView extends LheoSession {
  id: string;
  status: 'active' | 'withdrawn';
}
export interface ActionView extends Omit<LheoAction, 'sessions'> {
  id: string;
  status: 'active' | 'withdrawn';
  communeCode: string | null;
  communeName: string | null;
  department: string | null;
  sessions: SessionView[];
}
export interface TrainingView extends Omit<LheoFormation, 'actions'> {
  id: string;
  source: string;
  status: 'active' | 'withdrawn';
  providerOrganisationId: string | null;
  updatedAt: Date;
  actions: ActionView[];
}

/** The catalogue as it is read: whole formations, the formations of a search or of an organisation. */
export function catalogueReadRepository(db: Db) {
  /** Whole formations (with their active actions and sessions unless told otherwise), in the order asked. */
  async function load(ids: string[], options: { withWithdrawn?: boolean } = {}): Promise<TrainingView[]> {
    if (!ids.length) return [];
    const trainings = await db
      .selectFrom('training as t')
      .innerJoin('training_provider as p', 'p.id', 't.provider_id')
      .select([
        't.id',
        't.source',
        't.lheo_number',
        't.title',
        't.objective',
        't.expected_results',
        't.content',
        't.formacodes',
        't.nsf_codes',
        't.rome_codes',
        't.certifying',
        't.rncp_code',
        't.rs_code',
        't.entry_level',
        't.exit_level',
        't.course_type',
        't.url',
        't.contact',
        't.lheo',
        't.status',
        't.updated_at',
        'p.lheo_number as p_number',
        'p.siret',
        'p.activity_number',
        'p.name as p_name',
        'p.legal_name',
        'p.address as p_address',
        'p.contact as p_contact',
        'p.lheo as p_lheo',
        'p.organisation_id',
      ])
      .where('t.id', 'in', ids)
      .execute();
    let actionsQuery = db
      .selectFrom('training_action as a')
      .leftJoin('commune as c', 'c.code', 'a.commune_code')
      .selectAll('a')
      .select('c.name as commune_name')
      .where('a.training_id', 'in', ids)
      // Byte order (and the id for two numbers equal in it): an export lists actions and sessions
      // in the same order on PGlite and on a PostgreSQL in a French locale.
      .orderBy(sql`a.lheo_number collate "C"`)
      .orderBy('a.id');
    if (!options.withWithdrawn) actionsQuery = actionsQuery.where('a.status', '=', 'active');
    const actions = await actionsQuery.execute();
    const actionIds = actions.map((a) => a.id);
    let sessionsQuery = db
      .selectFrom('training_session')
      .selectAll()
      .where('action_id', 'in', actionIds.length ? actionIds : ['00000000-0000-0000-0000-000000000000'])
      .orderBy(sql`lheo_number collate "C"`)
      .orderBy('id');
    if (!options.withWithdrawn) sessionsQuery = sessionsQuery.where('status', '=', 'active');
    const sessions = actionIds.length ? await sessionsQuery.execute() : [];
    const funders = actionIds.length
      ? await db
          .selectFrom('action_funder')
          .selectAll()
          .where('action_id', 'in', actionIds)
          .orderBy(sql`funder_code::int`)
          .execute()
      : [];
    const views = new Map<string, TrainingView>();
    for (const t of trainings) {
      views.set(t.id, {
        id: t.id,
        source: t.source,
        status: t.status,
        providerOrganisationId: t.organisation_id,
        updatedAt: t.updated_at,
        number: t.lheo_number,
        formacodes: t.formacodes,
        nsfCodes: t.nsf_codes,
        romeCodes: t.rome_codes,
        title: t.title,
        objective: t.objective,
        expectedResults: t.expected_results,
        content: t.content,
        certifying: t.certifying,
        contact: storedContact(t.contact),
        courseType: t.course_type,
        entryLevel: t.entry_level,
        rncpCode: t.rncp_code,
        rsCode: t.rs_code,
        exitLevel: t.exit_level,
        url: t.url,
        ...storedFormation(t.lheo),
        provider: {
          number: t.p_number,
          siret: t.siret.trim(),
          activityNumber: t.activity_number,
          name: t.p_name,
          legalName: t.legal_name,
          address: storedAddress(t.p_address),
          contact: storedContact(t.p_contact),
          ...storedProvider(t.p_lheo),
        },
        actions: [],
      });
    }
    const actionViews = new Map<string, ActionView>();
    const actionLheos = new Map<string, Record<string, unknown>>();
    for (const a of actions) {
      const view: ActionView = {
        id: a.id,
        status: a.status,
        communeCode: a.commune_code,
        communeName: a.commune_name,
        department: a.department_code,
        number: a.lheo_number,
        rhythm: a.rhythm,
        publicCodes: a.public_codes,
        publicInfo: a.public_info,
        entryLevelRequired: a.entry_level_required,
        alternance: a.alternance,
        teachingMode: a.teaching_mode,
        specificConditions: a.specific_conditions,
        fundingPossible: a.funding_possible,
        place: a.place
          ? {
              ...storedAddress(a.place),
              name: (a.place.name as string | null) ?? null,
              phone: (a.place.phone as string | null) ?? null,
              email: (a.place.email as string | null) ?? null,
              web: (a.place.web as string | null) ?? null,
            }
          : null,
        entriesExits: a.entries_exits,
        sessions: [],
        disabilityAccess: a.disability_access,
        recruitmentTerms: a.recruitment_terms,
        priceHourly: a.price_hourly,
        priceTotal: a.price_total,
        hoursCentre: a.hours_centre,
        hoursCompany: a.hours_company,
        funders: [],
        ...storedAction(a.lheo),
      };
      actionLheos.set(a.id, a.lheo);
      actionViews.set(a.id, view);
      views.get(a.training_id)?.actions.push(view);
    }
    for (const s of sessions)
      actionViews.get(s.action_id)?.sessions.push({
        id: s.id,
        status: s.status,
        number: s.lheo_number,
        start: s.start_date,
        end: s.end_date,
        recruitmentState: s.recruitment_state,
        placesTotal: s.places_total,
        placesRemaining: s.places_remaining,
        registrationAddress: storedAddress(s.registration_address),
        ...storedSession(s.lheo),
      });
    for (const f of funders)
      actionViews.get(f.action_id)?.funders.push({
        code: f.funder_code,
        places: f.places,
        extras: storedFunderExtras(actionLheos.get(f.action_id) ?? {}, f.funder_code),
      });
    return ids.map((id) => views.get(id)).filter((v): v is TrainingView => !!v);
  }

  return {
    load,

    /** Trainings of the actions a search matched, at most `limit`, for the exports. */
    async trainingIdsOfActions(actionIds: string[]): Promise<string[]> {
      const rows = actionIds.length
        ? await db
            .selectFrom('training_action')
            .select(['id', 'training_id'])
            .where('id', 'in', actionIds)
            .execute()
        : [];
      // In the search's order (each formation where its first action ranks): a bare DISTINCT gave
      // the engine's order, which PGlite and PostgreSQL do not share.
      const trainingOf = new Map(rows.map((r) => [r.id, r.training_id]));
      const ids = [...new Set(actionIds.map((id) => trainingOf.get(id)).filter((id): id is string => !!id))];
      // A bulk extraction, contacts included: audited even when it matched nothing.
      markAudited('catalogue', 'read', { trainings: ids.length });
      return ids;
    },

    async sessionOwner(sessionId: string) {
      return db
        .selectFrom('training_session as s')
        .innerJoin('training_action as a', 'a.id', 's.action_id')
        .innerJoin('training as t', 't.id', 'a.training_id')
        .innerJoin('training_provider as p', 'p.id', 't.provider_id')
        .select([
          's.id',
          't.id as training_id',
          'p.organisation_id',
          's.start_date',
          's.end_date',
          's.places_total',
          's.places_remaining',
        ])
        .where('s.id', '=', sessionId)
        .executeTakeFirst();
    },

    /** Formations of an organisation (its provider rows carry its SIRET), newest first. */
    async ownTrainings(organisationId: string, limit: number, offset: number) {
      const rows = await db
        .selectFrom('training as t')
        .innerJoin('training_provider as p', 'p.id', 't.provider_id')
        .select([
          't.id',
          't.title',
          't.status',
          't.source',
          't.updated_at',
          sql<number>`(select count(*)::int from training_action a where a.training_id = t.id and a.status = 'active')`.as(
            'actions',
          ),
          sql<number>`count(*) over ()`.as('total'),
        ])
        .where('p.organisation_id', '=', organisationId)
        .orderBy('t.status')
        .orderBy('t.title')
        // One number may be in two sources: pages of this list never repeat or skip a formation.
        .orderBy(sql`t.source collate "C"`)
        .orderBy(sql`t.lheo_number collate "C"`)
        .orderBy('t.id')
        .limit(limit)
        .offset(offset)
        .execute();
      return { total: rows[0]?.total ?? 0, items: rows };
    },
  };
}
