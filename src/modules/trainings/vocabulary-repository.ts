import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

/**
 * The catalogue's vocabulary for typo correction: `training_word` holds the French stems of the
 * active trainings' texts (refreshed by each import). A stem is what the search matches, but not
 * a word to show a person (« plaquist », « electricit »): `surfaceWord` finds the word of the
 * catalogue it comes from.
 */
export function vocabularyRepository(db: Db) {
  return {
    /**
     * Catalogue stems close to a misspelt one, best trigram similarity first; the caller picks
     * among them by edit distance (trigrams alone prefer « electricit » to « electricien » for
     * « electricein »: 0.53 against 0.50).
     */
    async candidates(lexeme: string, limit = 20): Promise<string[]> {
      const { rows } = await sql<{ word: string }>`
        select word from training_word where word % ${lexeme}
        order by similarity(word, ${lexeme}) desc, word limit ${limit}`.execute(db);
      if (rows.length) return rows.map((r) => r.word);
      // Short words have few trigrams: words of the catalogue that start like it are the next best guess.
      const prefix = await sql<{ word: string }>`
        select word from training_word where word like ${`${lexeme.slice(0, Math.max(4, lexeme.length - 2))}%`}
        order by length(word), word limit ${limit}`.execute(db);
      return prefix.rows.map((r) => r.word);
    },

    /**
     * The most frequent word, as written in the titles and texts of a few active trainings, whose
     * French stem is `lexeme` (« plaquist » → « plaquiste », « electricien » → « électricien »).
     * Null when none is found (the stem is then shown as is).
     */
    async surfaceWord(lexeme: string): Promise<string | null> {
      const { rows } = await sql<{ word: string }>`
        select w as word
        from (
          select title || ' ' || objective || ' ' || content as text from training
          where status = 'active' and search_vector @@ to_tsquery('simple', ${lexeme})
          limit 20
        ) t
        cross join lateral regexp_split_to_table(lower(t.text), '[^[:alpha:]]+') w
        where length(w) >= 3
          and (select string_agg(lexeme, ' ') from unnest(to_tsvector('french', f_unaccent(w)))) = ${lexeme}
        group by w order by count(*) desc, length(w), w limit 1`.execute(db);
      return rows[0]?.word ?? null;
    },
  };
}
