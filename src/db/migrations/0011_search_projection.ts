import type { Kysely } from 'kysely';
import { runScript } from '../script.js';

/**
 * The catalogue search reads one table (issue 9, Performance): one row per active action of an
 * active formation with sessions, holding the formation's text vector, the action's point, the
 * sorted start dates of its sessions and of those recruiting, and every filter's column. The
 * search joined formation, action and sessions and grouped the sessions of each matched action
 * (a projection measured 1.8× lower p95 on 200,000 sessions: ../shared/notes). Every write of the
 * offer rewrites its rows in its own transaction (trainings/search-repository.ts,
 * refreshSearchProjection); this migration builds them for the catalogue already there with that
 * function's statement as it stood then, frozen here (a migration must not change when the module
 * does, nor import it: test/architecture.test.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table catalogue_search (
      action_id uuid primary key references training_action (id) on delete cascade,
      training_id uuid not null references training (id) on delete cascade,
      search_vector tsvector not null,
      earth earth,
      teaching_mode text not null,
      certifying boolean not null,
      entry_level text not null,
      rome_codes text[] not null,
      formacodes text[] not null,
      rncp_code text,
      funder_codes text[] not null,
      department_code text,
      starts date[] not null,
      open_starts date[] not null,
      last_start date not null,
      -- The feed's own keys: the order of equal results, the same on both engines.
      source_key text not null,
      training_key text not null,
      action_key text not null
    );
    create index catalogue_search_vector on catalogue_search using gin (search_vector);
    create index catalogue_search_earth on catalogue_search using gist (earth);
    create index catalogue_search_training on catalogue_search (training_id);
    `,
  );
  await runScript(
    db,
    `
    insert into catalogue_search (action_id, training_id, search_vector, earth, teaching_mode, certifying,
      entry_level, rome_codes, formacodes, rncp_code, funder_codes, department_code, starts, open_starts, last_start,
      source_key, training_key, action_key)
    select a.id, t.id, t.search_vector,
      case when a.latitude is not null and a.longitude is not null then ll_to_earth(a.latitude, a.longitude) end,
      a.teaching_mode, t.certifying, t.entry_level, t.rome_codes, t.formacodes, t.rncp_code, a.funder_codes,
      a.department_code, ss.starts, ss.open_starts, ss.last_start, t.source, t.lheo_number, a.lheo_number
    from training_action a
    join training t on t.id = a.training_id
    join lateral (
      select array_agg(s.start_date order by s.start_date) as starts,
        coalesce(array_agg(s.start_date order by s.start_date)
          filter (where s.recruitment_state = '1' and coalesce(s.places_remaining, 1) > 0), '{}') as open_starts,
        max(s.start_date) as last_start
      from training_session s where s.action_id = a.id and s.status = 'active'
    ) ss on ss.starts is not null
    where a.status = 'active' and t.status = 'active'
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, 'drop table catalogue_search');
}
