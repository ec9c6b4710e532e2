import type { Kysely } from 'kysely';
import { runScript } from '../script.js';

/**
 * What real LHÉO feeds carry beyond the catalogue's columns (issue 9, « fidélité »): the principal
 * Formacode, CERTIFINFO, the general objective, registration periods, the teaching organisations,
 * languages, recruitment area, durations, contracting, datecrea/datemaj, the information address,
 * the URL of an action, the potential of an organisation and every <extras> verbatim. They are
 * nested and read back only to show a training or to export it, never searched: one jsonb column
 * per level (src/modules/trainings/lheo/stored.ts says what each holds) rather than twenty columns.
 * Rows imported before hold '{}' and read back with empty values until their next import.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    alter table training_provider add column lheo jsonb not null default '{}'::jsonb;
    alter table training add column lheo jsonb not null default '{}'::jsonb;
    alter table training_action add column lheo jsonb not null default '{}'::jsonb;
    alter table training_session add column lheo jsonb not null default '{}'::jsonb;
    `,
  );
}
