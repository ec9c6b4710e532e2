import type { Db } from '../../db/database.js';
import { invalid } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import type { Mailer } from '../../shared/mailer.js';
import { sendDigests } from './digest.js';
import { recordsRepository } from './records-repository.js';
import { rematchRepository, type SuggestionRow } from './rematch-repository.js';
import { matchRepository } from './repository.js';
import { DEFAULT_PRESET, isPreset, PRESETS, type PresetName, STORED_SUGGESTIONS } from './rules.js';

export interface RematchOptions {
  mailer: Mailer;
  /** Where the mails' links point (config.publicUrl). */
  publicUrl: string;
  /** Today's ISO date (tests fix it). */
  today?: () => string;
}

/** Ranking statements run at once within a batch (the pool's connections; 2 cores measured). */
export const RANKING_PARALLEL = 2;

/** Persons per batch: one features query, one ranking per preset and one store statement each. */
export const DEFAULT_BATCH = 500;
const MAX_BATCH = 2000;

export interface RematchCounts {
  persons: number;
  suggestions: number;
  strongNew: number;
  events: number;
}

/**
 * Re-matching (issue 11 §1 « Nightly (and on change) re-matching stores each person's top
 * suggestions and notifies the referent counsellor of new strong matches (outbox event; mail
 * digest) »). The CLI (npm run rematch) runs refreshTensions → rematchAll → sendDigests each night;
 * the matching service calls rematchPersons when a file's wanted jobs or skills or its preset change.
 */
export function rematchUseCases(db: Db, options: RematchOptions) {
  const repo = rematchRepository(db);
  const match = matchRepository(db);
  const records = recordsRepository(db);
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));

  /**
   * One batch: the persons' features, their top offers under each one's stored preset (one
   * ranking statement per preset present), then one transaction storing them (and the run's
   * progress, so that a resumed run never skips nor repeats a committed batch).
   */
  async function rematchBatch(personIds: string[], runId: string | null): Promise<RematchCounts> {
    const [features, stored] = await Promise.all([
      match.personFeatures(personIds),
      records.presets(personIds),
    ]);
    const byPreset = new Map<PresetName, typeof features>();
    for (const f of features) {
      const name = stored.get(f.personId);
      const preset = name && isPreset(name) ? name : DEFAULT_PRESET;
      const group = byPreset.get(preset);
      if (group) group.push(f);
      else byPreset.set(preset, [f]);
    }
    const rows: SuggestionRow[] = [];
    for (const [preset, persons] of byPreset) {
      // The ranking is the batch's cost: its persons in RANKING_PARALLEL statements at once, one per
      // core of PostgreSQL (PGlite runs them one after the other, as it would anyway).
      const size = Math.ceil(persons.length / RANKING_PARALLEL);
      const parts = await Promise.all(
        Array.from({ length: RANKING_PARALLEL }, (_, i) => persons.slice(i * size, (i + 1) * size))
          .filter((part) => part.length > 0)
          .map((part) =>
            match.topOffers(part, preset, PRESETS[preset].weights, STORED_SUGGESTIONS, today(), {
              skipDismissed: true,
            }),
          ),
      );
      const top = new Map(parts.flatMap((part) => [...part]));
      for (const [personId, matches] of top)
        for (const [i, m] of matches.entries())
          rows.push({
            person_id: personId,
            offer_id: m.offerId,
            preset,
            rank: i + 1,
            score: m.score,
            terms: { terms: m.terms, facts: m.facts },
          });
    }
    return repo.transaction(async (tx) => {
      const r = await repo.storeBatch(tx, personIds, rows);
      if (runId)
        await repo.advanceRun(tx, runId, {
          persons: personIds.length,
          lastPersonId: personIds[personIds.length - 1]!,
          suggestions: r.suggestions,
          strongNew: r.strongNew,
        });
      return { persons: personIds.length, ...r };
    });
  }

  return {
    /** Offers and seekers per employment zone and métier: run before the re-match (the tension term reads it). */
    refreshTensions: () => repo.refreshTensions(today()),

    /**
     * Every person, in id order and in batches; resumable (a 'running' run goes on after its last
     * person) and safe to re-run (the same data gives the same rows and no new event). Nothing is
     * kept across batches: memory stays flat whatever the number of persons.
     */
    async rematchAll(
      opts: { onProgress?: (done: number, total: number) => void; batchSize?: number } = {},
    ): Promise<RematchCounts & { runId: string; resumed: boolean; total: number }> {
      const batchSize = Math.min(MAX_BATCH, Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH)));
      const run = await repo.startOrResumeRun();
      const totals: RematchCounts = { persons: 0, suggestions: 0, strongNew: 0, events: 0 };
      let after = run.last_person_id;
      let done = run.persons_done;
      try {
        for (;;) {
          const ids = await repo.personIdsAfter(after, batchSize);
          if (ids.length === 0) break;
          const r = await rematchBatch(ids, run.id);
          totals.persons += r.persons;
          totals.suggestions += r.suggestions;
          totals.strongNew += r.strongNew;
          totals.events += r.events;
          after = ids[ids.length - 1]!;
          done += ids.length;
          opts.onProgress?.(done, Math.max(run.persons_total, done));
        }
      } catch (e) {
        await repo.finishRun(run.id, e instanceof Error ? e.message.slice(0, 500) : String(e));
        throw e;
      }
      await repo.finishRun(run.id);
      return { ...totals, runId: run.id, resumed: run.resumed, total: run.persons_total };
    },

    /** A few persons, on change (wanted jobs, skills, preset): the same batch, outside any run. */
    async rematchPersons(personIds: string[]): Promise<RematchCounts> {
      for (const id of personIds)
        if (!isUuid(id)) throw invalid('personId', 'Identifiant de personne invalide.');
      const ids = await repo.existingPersons([...new Set(personIds)]);
      const totals: RematchCounts = { persons: 0, suggestions: 0, strongNew: 0, events: 0 };
      for (let i = 0; i < ids.length; i += DEFAULT_BATCH) {
        const r = await rematchBatch(ids.slice(i, i + DEFAULT_BATCH), null);
        totals.persons += r.persons;
        totals.suggestions += r.suggestions;
        totals.strongNew += r.strongNew;
        totals.events += r.events;
      }
      return totals;
    },

    /**
     * « On change » (issue 11 §1): the files whose wanted jobs, skills, place… or preset changed
     * since the last pass, re-matched (`npm run rematch -- --changes`, every few minutes by cron;
     * the counsellor's page is always computed live, this refreshes what is stored and notified).
     */
    async rematchChanged(): Promise<RematchCounts> {
      const startedAt = new Date();
      const { ids } = await repo.changedSince();
      const r = await this.rematchPersons(ids);
      await repo.recordChangesPass(startedAt, r.persons, r.suggestions, r.strongNew);
      return r;
    },

    /** The outbox consumer: one mail per referent counsellor (digest.ts). */
    sendDigests: () => sendDigests(db, options.mailer, options.publicUrl),
  };
}

export type RematchUseCases = ReturnType<typeof rematchUseCases>;
