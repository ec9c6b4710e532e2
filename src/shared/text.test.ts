import { describe, expect, it } from 'vitest';
import { queryTokens, searchForm } from './text.js';

describe('searchForm', () => {
  it('removes accents, case, ligatures and punctuation', () => {
    expect(searchForm('Électricien / Électricienne')).toBe('electricien electricienne');
    expect(searchForm('Saint-Étienne')).toBe('saint etienne');
    expect(searchForm('Œnologue')).toBe('oenologue');
    expect(searchForm("L'Haÿ-les-Roses")).toBe('l hay les roses');
  });

  it('expands the abbreviations people type for saints', () => {
    expect(queryTokens('st etienne')).toEqual(['saint', 'etienne']);
    expect(queryTokens('Ste-Foy')).toEqual(['sainte', 'foy']);
  });
});
