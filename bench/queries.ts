import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Faker, fr } from '@faker-js/faker';

/**
 * What counsellors type in the job field: a prefix of a real appellation label (3 letters up to
 * the whole label), often without accents or capitals, sometimes with a letter missing.
 * Seeded, so every run sends the same requests.
 */
export function appellationQueries(count: number, seed = 42): string[] {
  const f = new Faker({ locale: [fr] });
  f.seed(seed);
  const labels = readFileSync(resolve(import.meta.dirname, '../data/referentials/appellations.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t')[1]!);
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const label = f.helpers.arrayElement(labels);
    const words = label.split(/[ /]+/).filter((w) => w.length > 0);
    let q = words.slice(0, f.number.int({ min: 1, max: Math.min(3, words.length) })).join(' ');
    q = q.slice(0, f.number.int({ min: Math.min(3, q.length), max: q.length }));
    if (f.datatype.boolean(0.6)) q = q.normalize('NFD').replace(/\p{Diacritic}/gu, '');
    if (f.datatype.boolean(0.7)) q = q.toLowerCase();
    if (q.length > 5 && f.datatype.boolean(0.15)) {
      const at = f.number.int({ min: 1, max: q.length - 2 });
      q = q.slice(0, at) + q.slice(at + 1);
    }
    queries.push(q);
  }
  return queries;
}
