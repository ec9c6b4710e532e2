import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../shared/formats.js';
import { unstorableField } from './validation.js';

describe('the edge checks', () => {
  it('names the first field holding a character no column can store', () => {
    expect(unstorableField({ a: 'ok', b: { c: ['x', 'y\u0000'] } })).toBe('b/c/1');
    expect(unstorableField({ 'k\u0000': 1 })).toBe('k\u0000');
    expect(unstorableField({ a: 'lone \uD800 surrogate' })).toBe('a');
    expect(unstorableField({ a: 'bell \u0007' })).toBe('a');
    expect(unstorableField('\u001F')).toBe('body');
    // Tabs, line breaks, emoji (surrogate pairs), RTL marks and combining accents are text.
    expect(unstorableField({ a: 'l1\r\n\tl2 👩‍👩‍👧 \u202Eabc e\u0301' })).toBeNull();
  });

  it('survives a cyclic or deeply nested value', () => {
    const fields: Record<string, unknown> = { name: 'ok' };
    fields.self = { fields };
    expect(unstorableField(fields)).toBeNull();
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableField(deep)).toMatch(/^0(\/0)*$/);
  });

  it('accepts only dates that exist in the calendar', () => {
    for (const bad of ['2027-02-31', '0000-00-00', '2027-13-45', '2027-02-29', '1899-12-31', '2027-1-1'])
      expect(isIsoDate(bad), bad).toBe(false);
    for (const good of ['2028-02-29', '2027-12-31', '1900-01-01']) expect(isIsoDate(good), good).toBe(true);
  });
});
