import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  addDays,
  addMonths,
  addYears,
  compare,
  daysBetween,
  inclusiveDays,
  isCalendarDate,
  maxDate,
  within,
} from './dates.js';

/** Any calendar date from 1950 to 2100, as an ISO string. */
const isoDate = fc
  .integer({ min: Date.UTC(1950, 0, 1) / 86_400_000, max: Date.UTC(2100, 11, 31) / 86_400_000 })
  .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

describe('dates', () => {
  test('addDays crosses months, years and leap days', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  test('addMonths clamps to the end of a shorter month (dateutil relativedelta)', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-08-31', 1)).toBe('2026-09-30');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 2)).toBe('2027-01-15');
    expect(addMonths('2026-01-15', -13)).toBe('2024-12-15');
    expect(addMonths('2026-01-15', 36)).toBe('2029-01-15');
  });

  test('addYears turns 29 February into 28 February in a common year', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2026-06-10', -2)).toBe('2024-06-10');
  });

  test('daysBetween, compare, inclusiveDays, within, maxDate', () => {
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30);
    expect(daysBetween('2026-01-31', '2026-01-01')).toBe(-30);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(compare('2026-01-02', '2026-01-10')).toBe(-1);
    expect(compare('2026-01-10', '2026-01-10')).toBe(0);
    expect(compare('2026-02-01', '2026-01-10')).toBe(1);
    expect(inclusiveDays('2026-03-01', '2026-03-10')).toBe(10);
    expect(inclusiveDays('2026-03-01', '2026-03-01')).toBe(1);
    expect(within('2026-03-01', '2026-03-01', '2026-03-10')).toBe(true);
    expect(within('2026-03-10', '2026-03-01', '2026-03-10')).toBe(true);
    expect(within('2026-03-11', '2026-03-01', '2026-03-10')).toBe(false);
    expect(maxDate('2026-03-11', '2026-03-01')).toBe('2026-03-11');
  });

  test('malformed or non-existent dates are refused', () => {
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('26-01-01')).toBe(false);
    expect(isCalendarDate('0050-01-01')).toBe(false);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2026-02-01', 1.5)).toThrow(RangeError);
    expect(() => addMonths('2026/02/01', 1)).toThrow(RangeError);
  });

  test('property: addDays round-trips and agrees with daysBetween', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -20_000, max: 20_000 }), (d, n) => {
        const moved = addDays(d, n);
        expect(isCalendarDate(moved)).toBe(true);
        expect(addDays(moved, -n)).toBe(d);
        expect(daysBetween(d, moved)).toBe(n);
        expect(compare(moved, d)).toBe(Math.sign(n));
      }),
    );
  });

  test('property: addMonths keeps the day when it exists, else gives the last day of the month', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -600, max: 600 }), (d, n) => {
        const moved = addMonths(d, n);
        expect(isCalendarDate(moved)).toBe(true);
        const [y, m, day] = d.split('-').map(Number) as [number, number, number];
        const [y2, m2, day2] = moved.split('-').map(Number) as [number, number, number];
        expect(y2 * 12 + m2 - (y * 12 + m)).toBe(n);
        const lastOfTarget = new Date(Date.UTC(y2, m2, 0)).getUTCDate();
        expect(day2).toBe(Math.min(day, lastOfTarget));
        // Round trip: exact unless the day was clamped.
        if (day <= 28) expect(addMonths(moved, -n)).toBe(d);
        // Monotone: a later month never gives an earlier date.
        expect(compare(addMonths(d, n + 1), moved)).toBe(1);
      }),
    );
  });

  test('property: addYears(n) is addMonths(12 n), and addMonths composes when no day is clamped', () => {
    fc.assert(
      fc.property(
        isoDate,
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: -50, max: 50 }),
        (d, a, b) => {
          expect(addYears(d, a)).toBe(addMonths(d, 12 * a));
          if (Number(d.slice(8)) <= 28) expect(addMonths(addMonths(d, a), b)).toBe(addMonths(d, a + b));
        },
      ),
    );
  });

  test('property: compare is a total order consistent with string order of ISO dates', () => {
    fc.assert(
      fc.property(isoDate, isoDate, (a, b) => {
        expect(compare(a, b)).toBe(a < b ? -1 : a > b ? 1 : 0);
        expect(compare(a, b)).toBe(-compare(b, a) || 0);
        expect(inclusiveDays(a, b)).toBe(daysBetween(a, b) + 1);
      }),
    );
  });
});
