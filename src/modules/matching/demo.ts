import { Faker, fr } from '@faker-js/faker';
import { sql } from 'kysely';
import type { DemoContext } from '../module.js';
import { rematchUseCases } from './rematch-service.js';
import { EXCLUSION_REASONS, PRECISION_AT } from './rules.js';

/** Share of demo persons whose counsellor chose « Reconversion » (the rest: « Équilibré »). */
const RECONVERSION_SHARE = 0.25;
/**
 * A top-10 suggestion is « contacted » with a probability growing with its score and falling with
 * its rank (about 15 % on average on the demo), a third of those lead to an interview, 40 % of
 * interviews to a hire: rough orders of a placement service, enough for the quality page to show
 * real, different figures per preset and department. Not a measurement.
 */
const CONTACT_AT_SCORE_1 = 0.3;
const INTERVIEW_SHARE = 1 / 3;
const HIRE_SHARE = 0.4;
const EXCLUDED_SHARE = 0.02;
const PERSON_VERDICT_SHARE = 0.03;
/** Outcomes are spread over the last 120 days, so that the page's period filter shows something. */
const OUTCOME_DAYS = 120;

/**
 * The matching's demo (issue 11 §4): after the persons and offers, some persons get the
 * « Reconversion » preset, the tensions are computed and every demo person re-matched (their
 * stored suggestions), then outcomes, exclusions and person verdicts are drawn for part of the
 * suggestions with a generator seeded by ctx.seed: the same demo on every machine, never typed by hand.
 */
export async function seedDemoMatching({ db, log, seed, today }: DemoContext): Promise<boolean> {
  const already = await sql<{ n: number }>`select count(*)::int n from match_suggestion`.execute(db);
  if (Number(already.rows[0]!.n) > 0) return false;
  const f = new Faker({ locale: [fr] });
  f.seed(seed + 110);

  const persons = (
    await sql<{ person_id: string }>`select person_id from match_person order by person_id`.execute(db)
  ).rows;
  const reconversion = persons.filter(() => f.datatype.boolean(RECONVERSION_SHARE)).map((p) => p.person_id);
  if (reconversion.length > 0)
    await sql`insert into match_setting (person_id, preset, updated_by_label)
      select unnest(${reconversion}::uuid[]), 'reconversion', 'Démonstration'`.execute(db);

  const rematch = rematchUseCases(db, {
    mailer: { send: async () => {} },
    publicUrl: '',
    today: () => today,
  });
  await rematch.refreshTensions();
  const run = await rematch.rematchAll();

  const { rows: top } = await sql<{
    person_id: string;
    offer_id: string;
    rank: number;
    score: number;
    preset: string;
    department_code: string | null;
    organisation_id: string;
  }>`
    select s.person_id, s.offer_id, s.rank, s.score, s.preset, mp.department_code,
      mp.referent_organisation_id as organisation_id
    from match_suggestion s join match_person mp on mp.person_id = s.person_id
    where s.rank <= ${PRECISION_AT} order by s.person_id, s.rank`.execute(db);

  const outcomes: Record<string, unknown>[] = [];
  const feedback: Record<string, unknown>[] = [];
  const day = () =>
    new Date(Date.parse(`${today}T12:00:00Z`) - f.number.int({ min: 0, max: OUTCOME_DAYS }) * 86_400_000)
      .toISOString()
      .slice(0, 10);
  const reasons = Object.keys(EXCLUSION_REASONS).filter((r) => r !== 'other');
  for (const s of top) {
    const base = {
      person_id: s.person_id,
      offer_id: s.offer_id,
      suggested_rank: s.rank,
      suggested_preset: s.preset,
      department_code: s.department_code,
      organisation_id: s.organisation_id,
    };
    const pContact = CONTACT_AT_SCORE_1 * Number(s.score) * (1 - (s.rank - 1) / (2 * PRECISION_AT));
    if (f.number.float({ min: 0, max: 1 }) < pContact) {
      const contacted = day();
      outcomes.push({ ...base, outcome: 'contacted', recorded_at: contacted });
      if (f.datatype.boolean(INTERVIEW_SHARE)) {
        outcomes.push({ ...base, outcome: 'interview', recorded_at: contacted });
        if (f.datatype.boolean(HIRE_SHARE))
          outcomes.push({ ...base, outcome: 'hired', recorded_at: contacted });
      }
      continue;
    }
    if (f.datatype.boolean(EXCLUDED_SHARE))
      feedback.push({
        person_id: s.person_id,
        offer_id: s.offer_id,
        party: 'counsellor',
        verdict: 'excluded',
        reason: f.helpers.arrayElement(reasons),
        organisation_id: s.organisation_id,
        actor_label: 'Conseiller (démonstration)',
      });
    else if (f.datatype.boolean(PERSON_VERDICT_SHARE))
      feedback.push({
        person_id: s.person_id,
        offer_id: s.offer_id,
        party: 'person',
        verdict: f.helpers.arrayElement(['interested', 'not_for_me']),
        reason: null,
        organisation_id: null,
        actor_label: 'La personne, depuis son espace',
      });
  }
  if (outcomes.length > 0)
    await sql`insert into match_outcome (person_id, offer_id, outcome, suggested_rank, suggested_preset,
        department_code, recorded_at, recorded_by_label, organisation_id)
      select person_id, offer_id, outcome, suggested_rank, suggested_preset, department_code,
        recorded_at::timestamptz, 'Conseiller (démonstration)', organisation_id
      from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) as x(person_id uuid, offer_id uuid, outcome text,
        suggested_rank int, suggested_preset text, department_code text, recorded_at text, organisation_id uuid)
      on conflict do nothing`.execute(db);
  if (feedback.length > 0)
    await sql`insert into match_feedback (person_id, offer_id, party, verdict, reason, actor_label, organisation_id)
      select person_id, offer_id, party, verdict, reason, actor_label, organisation_id
      from jsonb_to_recordset(${JSON.stringify(feedback)}::jsonb) as x(person_id uuid, offer_id uuid, party text,
        verdict text, reason text, actor_label text, organisation_id uuid)
      on conflict do nothing`.execute(db);
  log(
    `  appariement : ${run.persons} personnes, ${run.suggestions} suggestions, ${outcomes.length} suites, ${feedback.length} avis`,
  );
  return true;
}
