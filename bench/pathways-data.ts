/**
 * Benchmark data for the pathways (issue 12 « Benchmarks »): at regional scale on PostgreSQL
 * 300,000 persons, ~5,000,000 timeline steps, ~60,000 orientations, ~40,000 eligibility diagnoses,
 * ~30,000 PASS IAE, ~45,000 contracts, ~30,000 exits over ~120 SIAE of the demo region; one
 * counsellor follows 500 persons (pathway_member). PGlite: 20,000 persons, ~300,000 steps, the same
 * proportions.
 *
 * Everything is written by `insert … select generate_series` statements (no row crosses the
 * network), drawn from a seeded hash (hashint8extended(n, seed)), so two runs give the same data:
 * - persons: the demo's files (seed-demo, 2,000) recombined as bench/persons.ts grow() does (last
 *   name of one, first name of another, birth date shifted, holder drawn again, a fifth at the
 *   demo counsellor's Mission locale); notes `banc-parcours:<n>` mark them;
 * - SIAE: the demo's 9 plus « SIAE banc n » up to 120, on the region's largest communes (their
 *   employment zone and department are the exit's);
 * - pathway_member: each person has a referent, counsellors following 500 persons each (the demo
 *   counsellor the first 500 of its Mission locale, bench counsellors « Banc » the others);
 * - pathway_event: 10 to 40 steps a person, skewed (10 + ⌊31·u^3.5⌋: mean ≈ 17), inside a window
 *   of 2 to 32 months ending up to ~3 years ago, recent ends more likely (4 in 10 persons had news in
 *   the last 30 days); kinds weighted (notes and appointments first). The steps are written in the
 *   order they happened (a staging table, then month by month), as the application writes them:
 *   a person's steps lie on as many heap pages as steps, not side by side;
 * - orientations, diagnoses, PASS, contracts, exits: persons chosen by their hashed rank, so that
 *   any counsellor's 500 persons hold their share; exit categories ≈ 30 % durable, 20 % transition,
 *   16 % positive, 30 % other, 4 % withdrawn; « counted » by the counting rules of issue 12 §5
 *   (AI/ETTI ≥ 150 hours worked, ACI/EI a contract over 3 months, EITI ≥ 1 hour).
 *
 * Re-runnable: the table bench_pathways_load records what was generated; a second run with the same
 * sizes skips the load, `reload` deletes the bench's rows and writes them again.
 */
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { PATHWAY_EVENT_KINDS, type PathwayEventKind } from '../src/modules/pathways/rules.js';

export const BENCH_NOTE = 'banc-parcours:';
export const DEMO_COUNSELLOR = 'conseiller.missionlocale@passerelle.demo';
const BENCH_USER_DOMAIN = 'banc-parcours.invalid';
const BENCH_SIAE = 'SIAE banc';

export interface PathwaysDataOptions {
  persons: number;
  /** ISO date the dates are drawn before. */
  today: string;
  /** INSEE code of the demo region (the SIAE's communes). */
  regionCode: string;
  /** SIAE in all (the demo's and the bench's). */
  siae?: number;
  /** Persons followed by one counsellor. */
  perCounsellor?: number;
  /** Delete the bench's rows first and write them again. */
  reload?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

export interface PathwaysDataCounts {
  persons: number;
  events: number;
  orientations: number;
  waitingOrientations: number;
  diagnoses: number;
  approvals: number;
  contracts: number;
  exits: number;
  siae: number;
  members: number;
  counsellors: number;
  /** The demo counsellor's followed persons. */
  followedByCounsellor: number;
}

/** Kinds and weights of the timeline's steps: the counsellor's notes and appointments are most of a pathway. */
const EVENT_KINDS: [PathwayEventKind, number][] = [
  ['note', 30],
  ['appointment', 28],
  ['orientation', 10],
  ['workshop', 5],
  ['training', 5],
  ['immersion', 4],
  ['diagnosis', 4],
  ['approval', 3],
  ['contract', 4],
  ['exit', 2],
  ['member', 5],
];

const SUMMARIES: Record<PathwayEventKind, string[]> = {
  note: [
    'Point sur la recherche d’emploi : trois candidatures envoyées, relance prévue la semaine prochaine.',
    'Entretien téléphonique : la personne a trouvé une solution de garde pour reprendre une formation.',
    'Démarches de mobilité engagées (aide au permis B), dossier transmis au financeur.',
    'Difficultés de logement évoquées, orientation vers le service social du département.',
  ],
  appointment: [
    'Rendez-vous de suivi mensuel à l’agence.',
    'Rendez-vous : préparation à l’entretien d’embauche.',
    'Atelier CV individuel avec la conseillère.',
  ],
  orientation: [
    'Orientation envoyée vers un poste en SIAE (agent d’entretien des espaces verts).',
    'Orientation vers une session de formation « Préparation aux métiers de la logistique ».',
    'Orientation acceptée par la structure d’accueil.',
  ],
  workshop: ['Atelier de détection des potentiels : participation complète.'],
  training: [
    'Entrée en formation qualifiante (titre professionnel).',
    'Formation terminée, attestation remise.',
  ],
  immersion: ['Immersion professionnelle de deux semaines chez un employeur du bâtiment.'],
  diagnosis: ['Diagnostic d’éligibilité IAE réalisé : critères de niveau 1 justifiés.'],
  approval: ['PASS IAE délivré pour 24 mois.', 'PASS IAE suspendu (arrêt maladie).'],
  contract: ['Contrat à durée déterminée d’insertion signé, 26 heures par semaine.'],
  exit: ['Sortie vers un emploi durable (CDI).', 'Sortie : formation qualifiante.', 'Sortie sans nouvelles.'],
  member: [
    'Nouveau conseiller référent désigné.',
    'Une conseillère Cap emploi rejoint les co-accompagnants.',
  ],
};

/** Exit categories (issue 12 §5 shares) with an ASP-like reason each. */
const EXIT_SHARES: { category: string; share: number; reasons: string[] }[] = [
  { category: 'durable', share: 30, reasons: ['cdi', 'cdd_6_mois_plus', 'creation_entreprise'] },
  {
    category: 'transition',
    share: 20,
    reasons: ['cdd_moins_6_mois', 'interim_moins_6_mois', 'contrat_aide'],
  },
  { category: 'positive', share: 16, reasons: ['formation_qualifiante', 'autre_siae'] },
  { category: 'other', share: 30, reasons: ['chomage', 'inactivite', 'sans_nouvelles'] },
  { category: 'withdrawn', share: 4, reasons: ['demenagement', 'raisons_sante'] },
];

/** A uniform draw in [0, 1) from an integer expression and a seed: the same on every run and engine. */
const u = (expr: string, seed: number) =>
  `((hashint8extended((${expr})::bigint, ${seed}) & 2147483647)::float8 / 2147483648.0)`;

/** `case` over cumulative weights: the value whose band the draw falls in. */
function weighted(draw: string, bands: [string, number][]) {
  const total = bands.reduce((t, [, w]) => t + w, 0);
  let cumulative = 0;
  const whens = bands.map(([value, weight]) => {
    cumulative += weight;
    return `when ${draw} < ${cumulative / total} then ${value}`;
  });
  return `(case ${whens.slice(0, -1).join(' ')} else ${bands.at(-1)![0]} end)`;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const textArray = (values: string[]) => `array[${values.map(quote).join(', ')}]::text[]`;

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

async function scalar(db: Db, query: ReturnType<typeof sql<{ n: number }>>) {
  return (await query.execute(db)).rows[0]?.n ?? 0;
}

export async function countPathwaysData(db: Db, counsellorId: string): Promise<PathwaysDataCounts> {
  const { rows } = await sql<PathwaysDataCounts>`
    select (select count(*)::int from person) as persons,
      (select count(*)::int from pathway_event) as events,
      (select count(*)::int from orientation) as orientations,
      (select count(*)::int from orientation where state in ('sent', 'studying', 'on_hold')) as "waitingOrientations",
      (select count(*)::int from eligibility_diagnosis) as diagnoses,
      (select count(*)::int from approval) as approvals,
      (select count(*)::int from iae_contract) as contracts,
      (select count(*)::int from iae_exit) as exits,
      (select count(*)::int from organisation where kind like 'siae%') as siae,
      (select count(*)::int from pathway_member) as members,
      (select count(distinct user_id)::int from pathway_member) as counsellors,
      (select count(*)::int from pathway_member where user_id = ${counsellorId}::uuid) as "followedByCounsellor"`.execute(
    db,
  );
  return rows[0]!;
}

/** The demo counsellor and the Mission locale it acts for. */
export async function demoCounsellor(db: Db) {
  const row = (
    await sql<{ userId: string; organisationId: string; organisationName: string; name: string }>`
      select u.id as "userId", o.id as "organisationId", o.name as "organisationName",
        u.first_name || ' ' || u.last_name as name
      from app_user u join membership m on m.user_id = u.id join organisation o on o.id = m.organisation_id
      where u.email = ${DEMO_COUNSELLOR} and o.kind = 'mission_locale' limit 1`.execute(db)
  ).rows[0];
  if (!row) throw new Error(`${DEMO_COUNSELLOR} introuvable : lancer seed-demo d’abord`);
  return row;
}

/** Deletes what a previous run generated (the bench's database only: every pathway table is emptied). */
async function deleteBenchData(db: Db) {
  await sql`truncate pathway_event, pathway_member, iae_exit, iae_contract_hours, iae_contract, approval_prolongation,
    approval_suspension, approval, orientation_transition, orientation, eligibility_criterion, eligibility_diagnosis`.execute(
    db,
  );
  await sql`delete from person where notes like ${`${BENCH_NOTE}%`}`.execute(db);
  await sql`delete from app_user where email like ${`%@${BENCH_USER_DOMAIN}`}`.execute(db);
  await sql`delete from organisation where name like ${`${BENCH_SIAE} %`}`.execute(db);
  await sql`drop table if exists bench_pathways_load`.execute(db);
}

/** Generates the data unless a previous run left the same sizes; returns the counts. */
export async function generatePathwaysData(db: Db, options: PathwaysDataOptions) {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? 2026;
  const perCounsellor = options.perCounsellor ?? 500;
  const siaeWanted = options.siae ?? 120;
  const started = performance.now();
  const counsellor = await demoCounsellor(db);
  const today = options.today;
  const wanted = JSON.stringify({ persons: options.persons, today, seed, siae: siaeWanted, perCounsellor });

  if (options.reload) {
    log('  --reload : suppression des données du banc');
    await deleteBenchData(db);
  }
  const previous = await sql<{ options: string }>`select options from bench_pathways_load`
    .execute(db)
    .then((r) => r.rows[0]?.options ?? null)
    .catch(() => null);
  if (previous === wanted) {
    log('  données déjà chargées (--reload pour les refaire)');
    return { ...(await countPathwaysData(db, counsellor.userId)), generatedSeconds: 0, skipped: true };
  }
  if (previous !== null || (await scalar(db, sql`select count(*)::int as n from pathway_event`)) > 0) {
    log('  données d’une autre taille : suppression');
    await deleteBenchData(db);
  }

  // (1) Persons: the demo's files recombined (bench/persons.ts grow(), same recipe).
  const base = await scalar(
    db,
    sql`select count(*)::int as n from person where notes is null or notes not like ${`${BENCH_NOTE}%`}`,
  );
  if (!base) throw new Error('aucun dossier : lancer seed-demo d’abord');
  const holders = (
    await sql<{
      id: string;
    }>`select id from organisation where kind in ('france_travail', 'mission_locale', 'cap_emploi')
      and id <> ${counsellor.organisationId}::uuid order by name`.execute(db)
  ).rows.map((r) => r.id);
  await sql`drop table if exists bench_person_source`.execute(db);
  await sql`create table bench_person_source as
    select row_number() over (order by id)::int as i, * from person where notes is null or notes not like ${`${BENCH_NOTE}%`}`.execute(
    db,
  );
  // The matching's projection (migration 0020 trigger match_person_insert) is not what this bench
  // measures and costs most of the load (measured: 42 s for 18,000 files with it): left out for the
  // bench's files, the person_access projection (the lists' and the daily scope's) kept.
  await sql`alter table person disable trigger match_person_insert`.execute(db);
  const batch = 20_000;
  for (let from = base; from < options.persons; from += batch) {
    const to = Math.min(options.persons, from + batch) - 1;
    await sql`
      insert into person (referent_organisation_id, civility, last_name, first_name, name_key, birth_date, email,
        phone, france_travail_id, commune_code, registered_category, situations, education_level,
        driving_licences, has_vehicle, mobility_radius_km, mobility_means, available_from, working_time,
        contract_types, wanted_jobs, past_jobs, barriers, notes, legal_basis, informed_on)
      select
        case when ${sql.raw(u('n', seed))} < 0.2 then ${counsellor.organisationId}::uuid
          else (${sql.val(holders)}::uuid[])[1 + (n % ${sql.lit(holders.length)})] end,
        b.civility, a.last_name, b.first_name,
        split_part(a.name_key, '|', 1) || '|' || split_part(b.name_key, '|', 2),
        a.birth_date + (n % 365 - 182)::int,
        case when a.email is null then null else 'bp' || n || '.' || a.email end,
        a.phone, null, a.commune_code, a.registered_category, a.situations, a.education_level,
        a.driving_licences, a.has_vehicle, a.mobility_radius_km, a.mobility_means, a.available_from, a.working_time,
        a.contract_types, a.wanted_jobs, a.past_jobs, a.barriers, ${BENCH_NOTE} || n, a.legal_basis, a.informed_on
      from generate_series(${from}::int, ${to}::int) n
        join bench_person_source a on a.i = 1 + n % ${sql.lit(base)}
        join bench_person_source b on b.i = 1 + (n * 7 + 13) % ${sql.lit(base)}
      order by n`.execute(db);
    log(
      `  personnes ${(to + 1).toLocaleString('fr-FR')} / ${options.persons.toLocaleString('fr-FR')} (${seconds(started)} s)`,
    );
  }
  await sql`drop table bench_person_source`.execute(db);
  await sql`alter table person enable trigger match_person_insert`.execute(db);

  // (2) SIAE up to `siae`, on the region's largest communes (their zone and department go on the exits).
  const siaeThere = await scalar(
    db,
    sql`select count(*)::int as n from organisation where kind like 'siae%'`,
  );
  if (siaeThere < siaeWanted)
    await sql`
      insert into organisation (name, kind, commune_code)
      select ${BENCH_SIAE} || ' ' || k || ' — ' || c.name,
        ${sql.raw(
          weighted(u('k', seed + 1), [
            ["'siae_aci'", 35],
            ["'siae_ai'", 25],
            ["'siae_ei'", 25],
            ["'siae_etti'", 10],
            ["'siae_eiti'", 5],
          ]),
        )},
        c.code
      from generate_series(1, ${siaeWanted - siaeThere}::int) k
      join (select code, name, row_number() over (order by population desc nulls last, code) as r
            from commune where region_code = ${options.regionCode} and kind = 'commune'
              and code in (select commune_code from commune_employment_zone)) c on c.r = 1 + (k * 7) % 300`.execute(
      db,
    );
  await sql`drop table if exists bench_siae`.execute(db);
  await sql`create table bench_siae as
    select row_number() over (order by o.id)::int as s, o.id, o.name, upper(substr(o.kind, 6)) as kind,
      z.zone_code, c.department_code
    from organisation o left join commune c on c.code = o.commune_code
    left join commune_employment_zone z on z.commune_code = o.commune_code
    where o.kind like 'siae%'`.execute(db);
  const siaeCount = await scalar(db, sql`select count(*)::int as n from bench_siae`);
  log(`  SIAE : ${siaeCount} (${seconds(started)} s)`);

  // (3) Persons numbered in a hashed order (i): each population below picks i by residue, so that
  //     any counsellor's persons hold their share of it. `f` is the rank inside the holder.
  await sql`drop table if exists bench_pathway_person`.execute(db);
  await sql`create table bench_pathway_person as
    select row_number() over (order by md5(id::text))::int as i,
      row_number() over (partition by referent_organisation_id order by md5(id::text))::int - 1 as f,
      id, referent_organisation_id as org
    from person`.execute(db);
  await sql`create unique index on bench_pathway_person (i)`.execute(db);
  await sql`analyze bench_pathway_person`.execute(db);

  // (4) Counsellors: `perCounsellor` persons each inside their holder; the demo counsellor the first ones of its Mission locale.
  await sql`
    insert into app_user (email, first_name, last_name, password_hash)
    select 'c' || k.f || '.' || replace(k.org::text, '-', '') || ${`@${BENCH_USER_DOMAIN}`}, 'Conseiller', 'Banc ' || k.f, null
    from (select distinct org, f / ${sql.lit(perCounsellor)} as f from bench_pathway_person) k
    where not (k.org = ${counsellor.organisationId}::uuid and k.f = 0)
    on conflict do nothing`.execute(db);
  await sql`
    insert into membership (user_id, organisation_id, role)
    select u.id, split_part(split_part(u.email, '@', 1), '.', 2)::uuid, 'conseiller'
    from app_user u where u.email like ${`%@${BENCH_USER_DOMAIN}`}
    on conflict do nothing`.execute(db);
  await sql`
    insert into pathway_member (person_id, user_id, organisation_id, role, added_by_label)
    select p.id, coalesce(case when p.org = ${counsellor.organisationId}::uuid and p.f < ${sql.lit(perCounsellor)}
        then ${counsellor.userId}::uuid end, u.id), p.org, 'referent', 'banc d’essai'
    from bench_pathway_person p
    left join app_user u on u.email = 'c' || (p.f / ${sql.lit(perCounsellor)}) || '.' || replace(p.org::text, '-', '') || ${`@${BENCH_USER_DOMAIN}`}
    on conflict do nothing`.execute(db);
  log(`  accompagnants (${seconds(started)} s)`);

  // (5) Eligibility diagnoses (4 persons in 30), PASS IAE (3 in 30, those diagnosed), contracts (each
  //     PASS, and a second one for half of them), exits (the ended contracts, up to 1 in 10 persons).
  await sql`
    insert into eligibility_diagnosis (person_id, author_organisation_id, author_kind, author_label, made_on, expires_on)
    select p.id, p.org, 'prescriber', 'Conseiller Banc (prescripteur)', d.made_on, d.made_on + 183
    from bench_pathway_person p
    cross join lateral (select ${sql.raw(`'${today}'::date - (30 + floor(${u('p.i', seed + 2)} * 1060))::int`)} as made_on) d
    where p.i % 30 < 4`.execute(db);
  await sql`
    insert into approval (number, person_id, siae_organisation_id, diagnosis_id, start_on, base_end_on, end_on, created_by_label)
    select '99999' || lpad(p.i::text, 7, '0'), p.id, s.id, d.id, d.made_on + 20, d.made_on + 20 + 730, d.made_on + 20 + 730, 'banc d’essai'
    from bench_pathway_person p
    join eligibility_diagnosis d on d.person_id = p.id
    join bench_siae s on s.s = 1 + (${sql.raw(`floor(${u('p.i', seed + 3)} * 1000000)::int`)} % ${sql.lit(siaeCount)})
    where p.i % 30 < 3`.execute(db);
  // Contract lengths: 4 to 24 months; the second contract starts a month after the first ends.
  await sql`
    insert into iae_contract (person_id, siae_organisation_id, siae_kind, approval_id, kind, start_on, end_on, hours_per_week, created_by_label)
    select a.person_id, s.id, s.kind, a.id, case when s.kind in ('AI', 'ETTI') then 'mise_a_disposition' else 'cddi' end,
      c.start_on, c.start_on + c.days, 20 + (p.i % 16), 'banc d’essai'
    from approval a join bench_pathway_person p on p.id = a.person_id
    cross join lateral (select 1 as n union all select 2 where p.i / 30 % 2 = 0) k
    cross join lateral (select
        a.start_on + case when k.n = 1 then 0 else 150 + (p.i % 200) end as start_on,
        120 + floor(${sql.raw(u('p.i * 2 + k.n', seed + 4))} * 610)::int as days) c
    join bench_siae s on s.s = 1 + ((${sql.raw(`floor(${u('p.i', seed + 3)} * 1000000)::int`)} + (k.n - 1) * 17) % ${sql.lit(siaeCount)})`.execute(
    db,
  );
  await sql`
    insert into iae_exit (contract_id, person_id, siae_organisation_id, siae_kind, zone_code, department_code, exit_on,
      reason, category, counted, hours_worked, contract_days, created_by_label)
    select c.id, c.person_id, c.siae_organisation_id, c.siae_kind, s.zone_code, s.department_code, c.end_on,
      x.reason, x.category,
      case when x.category = 'withdrawn' then false
        when c.siae_kind in ('AI', 'ETTI') then h.hours >= 150
        when c.siae_kind = 'EITI' then h.hours >= 1
        else c.end_on - c.start_on + 1 > 92 end,
      h.hours, c.end_on - c.start_on + 1, 'banc d’essai'
    from iae_contract c join bench_siae s on s.id = c.siae_organisation_id
    cross join lateral (select round(c.hours_per_week * (c.end_on - c.start_on + 1) / 7.0
      * case when c.siae_kind in ('AI', 'ETTI') then 0.35 else 1 end, 1) as hours) h
    cross join lateral (select ${sql.raw(u('hashtext(c.id::text)', seed + 5))} as v) d
    cross join lateral (select ${sql.raw(
      weighted(
        'd.v',
        EXIT_SHARES.map((e) => [quote(e.category), e.share]),
      ),
    )} as category) y
    cross join lateral (select y.category, (case y.category ${sql.raw(
      EXIT_SHARES.map((e) => `when ${quote(e.category)} then ${textArray(e.reasons)}`).join(' '),
    )} end)[1 + abs(hashtext(c.id::text || 'r')) % 2] as reason) x
    where c.end_on < ${today}::date`.execute(db);
  log(`  diagnostics, PASS, contrats, sorties (${seconds(started)} s)`);

  // (6) Orientations (6 persons in 30): the PASS holders' to their SIAE, accepted the day the PASS
  //     starts; the others' to a partner, in every state (those still waiting are recent).
  await sql`
    insert into orientation (person_id, prescriber_organisation_id, prescriber_label, target_kind, target_organisation_id,
      target_label, message, state, created_at, updated_at, expires_on, accepted_on)
    select a.person_id, p.org, 'Conseiller Banc', 'siae_position', a.siae_organisation_id, 'Poste en insertion',
      'Personne motivée, disponible immédiatement.', 'accepted', (a.start_on - 15)::timestamptz, a.start_on::timestamptz,
      a.start_on + 45, a.start_on
    from approval a join bench_pathway_person p on p.id = a.person_id`.execute(db);
  await sql`
    insert into orientation (person_id, prescriber_organisation_id, prescriber_label, target_kind, target_organisation_id,
      target_label, message, state, created_at, updated_at, expires_on, accepted_on)
    select p.id, p.org, 'Conseiller Banc', t.kind, t.org, t.label, 'Merci de recevoir cette personne.', o.state,
      o.created::timestamptz, o.created::timestamptz, o.created + 60, case when o.state = 'accepted' then o.created + 10 end
    from bench_pathway_person p
    cross join lateral (select ${sql.raw(
      weighted(u('p.i', seed + 6), [
        ["'sent'", 10],
        ["'studying'", 6],
        ["'on_hold'", 4],
        ["'accepted'", 40],
        ["'refused'", 22],
        ["'expired'", 12],
        ["'cancelled'", 6],
      ]),
    )} as state) s
    cross join lateral (select s.state, ${today}::date - case when s.state in ('sent', 'studying', 'on_hold')
        then floor(${sql.raw(u('p.i', seed + 7))} * 55)::int else 70 + floor(${sql.raw(u('p.i', seed + 7))} * 1000)::int end as created) o
    cross join lateral (select g.id as org, case g.kind when 'organisme_formation' then 'training_session'
          when 'employeur' then 'immersion' else 'service' end as kind,
        case g.kind when 'organisme_formation' then 'Session de formation' when 'employeur' then 'Immersion' else 'Accompagnement renforcé' end as label
      from organisation g where g.kind in ('organisme_formation', 'employeur', 'structure_accompagnement', 'cap_emploi')
      order by md5(g.id::text || p.i) limit 1) t
    where p.i % 30 between 3 and 5`.execute(db);
  log(`  orientations (${seconds(started)} s)`);

  // (7) The timeline: steps drawn per person into a staging table, then written in the order they
  //     happened. The timeline's index is dropped during the load and built after (the migration's
  //     own definition), as any bulk load does.
  await sql`drop table if exists bench_event_stage`.execute(db);
  await sql`create unlogged table bench_event_stage (person_id uuid, occurred_on date, kind text, organisation_id uuid, a int)`.execute(
    db,
  );
  const persons = await scalar(db, sql`select count(*)::int as n from bench_pathway_person`);
  const kinds = EVENT_KINDS.map(([k, w]): [string, number] => [quote(k), w]);
  const orgOf = `case when e.kind in ('approval', 'contract', 'exit') then (select id from bench_siae where s = 1 + (e.g * 7 + p.i) % ${siaeCount}) else p.org end`;
  const eventBatch = 20_000;
  for (let from = 1; from <= persons; from += eventBatch) {
    const to = Math.min(persons, from + eventBatch - 1);
    await sql`
      insert into bench_event_stage (person_id, occurred_on, kind, organisation_id, a)
      select p.id, e.on, e.kind, ${sql.raw(orgOf)}, e.g
      from bench_pathway_person p
      cross join lateral (select ${today}::date - floor(1000 * power(${sql.raw(u('p.i', seed + 8))}, 4))::int as last_on,
        60 + floor(${sql.raw(u('p.i', seed + 9))} * 900)::int as span) w
      cross join lateral generate_series(1, 10 + floor(31 * power(${sql.raw(u('p.i', seed + 10))}, 3.5))::int) g
      cross join lateral (select ${sql.raw(u('p.i::bigint * 64 + g', seed + 11))} as on_draw,
        ${sql.raw(u('p.i::bigint * 64 + g', seed + 12))} as kind_draw,
        greatest(w.last_on - w.span, ${today}::date - 1095) as first_on) d
      cross join lateral (select g, d.first_on + floor(d.on_draw * (w.last_on - d.first_on + 1))::int as on,
        ${sql.raw(weighted('d.kind_draw', kinds))} as kind) e
      where p.i between ${from} and ${to}`.execute(db);
    log(
      `  étapes tirées : personnes ${to.toLocaleString('fr-FR')} / ${persons.toLocaleString('fr-FR')} (${seconds(started)} s)`,
    );
  }
  await sql`create index on bench_event_stage (occurred_on)`.execute(db);
  await sql`drop index if exists pathway_event_person`.execute(db);
  const summaries = Object.entries(SUMMARIES)
    .map(([k, list]) => `when ${quote(k)} then (${textArray(list)})[1 + s.a % ${list.length}]`)
    .join(' ');
  const authors = textArray([
    'Camille Martin',
    'Nadia Benali',
    'Julien Roux',
    'Sophie Garnier',
    'Karim Haddad',
    'Élodie Perrin',
  ]);
  const range = (
    await sql<{
      first: string;
      last: string;
    }>`select min(occurred_on)::text as first, max(occurred_on)::text as last from bench_event_stage`.execute(
      db,
    )
  ).rows[0]!;
  const monthStart = (iso: string) => `${iso.slice(0, 7)}-01`;
  const months: string[] = [];
  for (let m = monthStart(range.first); m <= range.last; ) {
    months.push(m);
    const d = new Date(`${m}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + 1);
    m = d.toISOString().slice(0, 10);
  }
  for (const [k, m] of months.entries()) {
    const next = months[k + 1] ?? '9999-12-31';
    await sql`
      insert into pathway_event (person_id, occurred_on, recorded_at, kind, organisation_id, organisation_label, author_label, summary, detail)
      select s.person_id, s.occurred_on, s.occurred_on + interval '9 hours' + (s.a * 17 % 480) * interval '1 minute', s.kind,
        s.organisation_id, o.name, (${sql.raw(authors)})[1 + s.a % 6] || ' (' || o.name || ')',
        case s.kind ${sql.raw(summaries)} else 'Étape du parcours' end,
        case when s.kind = 'orientation' then jsonb_build_object('state', 'sent') end
      from bench_event_stage s join organisation o on o.id = s.organisation_id
      where s.occurred_on >= ${m}::date and s.occurred_on < ${next}::date
      order by s.occurred_on, s.person_id, s.a`.execute(db);
    if (k % 6 === 5 || k === months.length - 1)
      log(`  étapes écrites jusqu’à ${next.slice(0, 7)} (${seconds(started)} s)`);
  }
  await sql`drop table bench_event_stage`.execute(db);
  log(`  index de la chronologie… (${seconds(started)} s)`);
  // Same definition as migration 0021.
  await sql`create index pathway_event_person on pathway_event (person_id, occurred_on desc, id desc)`.execute(
    db,
  );

  for (const table of [
    'person',
    'person_access',
    'pathway_event',
    'pathway_member',
    'orientation',
    'eligibility_diagnosis',
    'approval',
    'iae_contract',
    'iae_exit',
    'organisation',
    'app_user',
    'membership',
  ])
    await sql`vacuum analyze ${sql.table(table)}`.execute(db);
  await sql`drop table if exists bench_pathways_load`.execute(db);
  await sql`create table bench_pathways_load (options text not null, loaded_at timestamptz not null default now())`.execute(
    db,
  );
  await sql`insert into bench_pathways_load (options) values (${wanted})`.execute(db);
  const generatedSeconds = seconds(started);
  log(`  données prêtes en ${generatedSeconds} s`);
  return { ...(await countPathwaysData(db, counsellor.userId)), generatedSeconds, skipped: false };
}

/** The kinds the generator draws (for the report). */
export const EVENT_KIND_WEIGHTS = Object.fromEntries(
  EVENT_KINDS.map(([k, w]) => [PATHWAY_EVENT_KINDS[k], w]),
) as Record<string, number>;
