import { describe, expect, it } from 'vitest';
import { searchTerms } from './search-terms.js';

describe('the search box of « Mes personnes »', () => {
  it('looks a France Travail id up as an id only, not as names holding its letter', () => {
    expect(searchTerms('0049100G')).toEqual({ nameTokens: [], franceTravailId: '0049100G' });
    expect(searchTerms(' 0049100 g ')).toEqual({ nameTokens: [], franceTravailId: '0049100G' });
  });
  it('finds nothing for a mistyped id rather than everyone', () => {
    expect(searchTerms('12')).toEqual({ nameTokens: [], franceTravailId: '12' });
  });
  it('reads words as name tokens, accents and case aside', () => {
    expect(searchTerms('Dubreuil  Élodie')).toEqual({
      nameTokens: ['dubreuil', 'elodie'],
      franceTravailId: null,
    });
  });
});
