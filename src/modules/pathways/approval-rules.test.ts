import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  APPROVAL_STATUS_LABELS,
  type ApprovalFacts,
  type ApprovalStatus,
  approvalBaseEnd,
  approvalEndOn,
  approvalNumber,
  approvalStatus,
  checkProlongation,
  checkSuspension,
  inWaitingPeriod,
  newApprovalAllowed,
  PROLONGATION_REASONS,
  SUSPENSION_REASONS,
  suspensionMaxEndOn,
  suspensionReasonAllowed,
  waitingPeriodEndsOn,
} from './approval-rules.js';
import { addDays, compare, within } from './dates.js';

const pass = (startOn: string, more: Partial<ApprovalFacts> = {}): ApprovalFacts => ({
  startOn,
  baseEndOn: approvalBaseEnd(startOn),
  suspensions: [],
  prolongations: [],
  ...more,
});

describe('length and end', () => {
  test('a PASS lasts 2 years less a day', () => {
    expect(approvalBaseEnd('2026-01-15')).toBe('2028-01-14');
    expect(approvalBaseEnd('2026-03-01')).toBe('2028-02-29');
    expect(approvalBaseEnd('2024-02-29')).toBe('2026-02-27'); // relativedelta: 2026-02-28, minus a day
  });

  test('suspensions and prolongations push the end by their inclusive length', () => {
    const a = pass('2026-01-15', {
      suspensions: [{ startOn: '2026-03-01', endOn: '2026-03-10' }],
      prolongations: [{ startOn: '2028-01-25', endOn: '2028-02-24' }],
    });
    // 10 suspended days: 2028-01-24; then a 31-day prolongation starting the next day.
    expect(approvalEndOn(a)).toBe('2028-02-24');
  });
});

describe('status', () => {
  const a = pass('2026-01-15', { suspensions: [{ startOn: '2026-03-01', endOn: '2026-03-10' }] });
  test.each<[string, ApprovalStatus]>([
    ['2026-01-14', 'future'],
    ['2026-01-15', 'valid'],
    ['2026-03-01', 'suspended'],
    ['2026-03-10', 'suspended'],
    ['2026-03-11', 'valid'],
    ['2028-01-24', 'valid'],
    ['2028-01-25', 'expired'],
  ])('on %s the PASS is %s', (today, status) => {
    expect(approvalStatus(a, today)).toBe(status);
  });

  test('labels are itou’s', () => {
    expect(APPROVAL_STATUS_LABELS).toEqual({
      future: 'Valide (non démarré)',
      valid: 'Valide',
      suspended: 'Valide (suspendu)',
      expired: 'Expiré',
    });
  });
});

describe('waiting period', () => {
  test('2 years after the end, inclusive; the end day itself is not in it', () => {
    expect(waitingPeriodEndsOn('2026-06-30')).toBe('2028-06-30');
    expect(inWaitingPeriod('2026-06-30', '2026-06-30')).toBe(false);
    expect(inWaitingPeriod('2026-06-30', '2026-07-01')).toBe(true);
    expect(inWaitingPeriod('2026-06-30', '2028-06-30')).toBe(true);
    expect(inWaitingPeriod('2026-06-30', '2028-07-01')).toBe(false);
  });

  test('in the waiting period only an authorised prescriber’s diagnosis made after the end allows a new PASS', () => {
    const today = '2027-01-10';
    expect(newApprovalAllowed(null, today, null)).toBe(true);
    expect(newApprovalAllowed('2026-06-30', today, null)).toBe(false);
    expect(newApprovalAllowed('2026-06-30', today, { author: 'siae', madeOn: '2027-01-05' })).toBe(false);
    expect(newApprovalAllowed('2026-06-30', today, { author: 'prescriber', madeOn: '2026-06-30' })).toBe(
      false,
    );
    expect(newApprovalAllowed('2026-06-30', today, { author: 'prescriber', madeOn: '2026-07-01' })).toBe(
      true,
    );
    expect(newApprovalAllowed('2024-06-30', today, null)).toBe(true);
  });
});

describe('checkSuspension', () => {
  const a = pass('2026-01-15');
  const ok = { startOn: '2026-06-01', endOn: '2026-08-31', reason: 'CONTRACT_SUSPENDED' };
  const today = '2026-06-10';

  test('a suspension inside the PASS, started in the last 365 days, is accepted', () => {
    expect(checkSuspension(a, ok, today)).toEqual([]);
  });

  test('an unknown reason is refused', () => {
    expect(checkSuspension(a, { ...ok, reason: 'SICKNESS' }, today).map((p) => p.field)).toEqual(['reason']);
  });

  test('36 months is the longest: 36 months + 1 day refused', () => {
    const b = pass('2026-01-15', { baseEndOn: '2030-12-31' });
    const start = '2026-01-15';
    expect(suspensionMaxEndOn(start)).toBe('2029-01-14');
    expect(checkSuspension(b, { ...ok, startOn: start, endOn: '2029-01-14' }, '2026-02-01')).toEqual([]);
    const refused = checkSuspension(b, { ...ok, startOn: start, endOn: '2029-01-15' }, '2026-02-01');
    expect(refused.map((p) => p.field)).toEqual(['endOn']);
    expect(refused[0]?.message).toContain('14 janvier 2029');
  });

  test('backdating 365 days is accepted, 366 refused', () => {
    const b = pass('2025-01-01');
    const today2 = '2026-06-10';
    expect(checkSuspension(b, { ...ok, startOn: addDays(today2, -365), endOn: today2 }, today2)).toEqual([]);
    const refused = checkSuspension(b, { ...ok, startOn: addDays(today2, -366), endOn: today2 }, today2);
    expect(refused.map((p) => p.field)).toEqual(['startOn']);
  });

  test('a suspension may not start in the future, before the PASS or after its end', () => {
    expect(checkSuspension(a, { ...ok, startOn: '2026-06-11', endOn: '2026-07-01' }, today)[0]?.field).toBe(
      'startOn',
    );
    expect(
      checkSuspension(a, { ...ok, startOn: '2026-01-14', endOn: '2026-02-01' }, '2026-02-01')[0]?.field,
    ).toBe('startOn');
    expect(
      checkSuspension(a, { ...ok, startOn: '2028-01-15', endOn: '2028-02-01' }, '2028-01-20').map(
        (p) => p.field,
      ),
    ).toEqual(['startOn']);
    // The end moved by an earlier suspension is the limit.
    const b = pass('2026-01-15', { suspensions: [{ startOn: '2026-03-01', endOn: '2026-03-10' }] });
    expect(checkSuspension(b, { ...ok, startOn: '2028-01-20', endOn: '2028-02-01' }, '2028-01-20')).toEqual(
      [],
    );
  });

  test('the end may not precede the start; one day is the minimum', () => {
    expect(checkSuspension(a, { ...ok, startOn: '2026-06-01', endOn: '2026-05-31' }, today)[0]?.field).toBe(
      'endOn',
    );
    expect(checkSuspension(a, { ...ok, startOn: '2026-06-01', endOn: '2026-06-01' }, today)).toEqual([]);
  });

  test('a suspension overlapping another, even by one day, is refused', () => {
    const b = pass('2026-01-15', { suspensions: [{ startOn: '2026-03-01', endOn: '2026-03-10' }] });
    expect(
      checkSuspension(b, { ...ok, startOn: '2026-03-10', endOn: '2026-03-20' }, '2026-04-01')[0]?.field,
    ).toBe('startOn');
    expect(checkSuspension(b, { ...ok, startOn: '2026-03-11', endOn: '2026-03-20' }, '2026-04-01')).toEqual(
      [],
    );
  });

  test('the contrat passerelle reason is for EI and ACI only', () => {
    expect(suspensionReasonAllowed('CONTRAT_PASSERELLE', 'EI')).toBe(true);
    expect(suspensionReasonAllowed('CONTRAT_PASSERELLE', 'ACI')).toBe(true);
    expect(suspensionReasonAllowed('CONTRAT_PASSERELLE', 'AI')).toBe(false);
    expect(suspensionReasonAllowed('CONTRACT_BROKEN', 'AI')).toBe(true);
    expect(suspensionReasonAllowed('SICKNESS', 'AI')).toBe(false);
    expect(Object.keys(SUSPENSION_REASONS)).toHaveLength(5);
  });
});

describe('checkProlongation', () => {
  const a = pass('2026-01-15'); // ends 2028-01-14
  const start = '2028-01-15';
  const ctx = { siaeKind: 'ACI' as const, previous: [] };
  const until = (days: number) => addDays(start, days - 1);

  test('starts the day after the effective end, no other day', () => {
    expect(
      checkProlongation(a, { startOn: start, endOn: until(30), reason: 'COMPLETE_TRAINING' }, ctx),
    ).toEqual([]);
    expect(
      checkProlongation(a, { startOn: '2028-01-14', endOn: until(30), reason: 'COMPLETE_TRAINING' }, ctx)[0]
        ?.field,
    ).toBe('startOn');
    const suspended = pass('2026-01-15', { suspensions: [{ startOn: '2026-03-01', endOn: '2026-03-10' }] });
    expect(
      checkProlongation(suspended, { startOn: '2028-01-25', endOn: '2028-02-24', reason: 'RQTH' }, ctx),
    ).toEqual([]);
  });

  test.each(Object.entries(PROLONGATION_REASONS).map(([reason, r]) => [reason, r.maxDays] as const))(
    '%s: %i days accepted, one more refused',
    (reason, maxDays) => {
      const c = { siaeKind: 'AI' as const, previous: [] };
      expect(checkProlongation(a, { startOn: start, endOn: until(maxDays), reason }, c)).toEqual([]);
      const refused = checkProlongation(a, { startOn: start, endOn: until(maxDays + 1), reason }, c);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((p) => p.field === 'endOn')).toBe(true);
    },
  );

  test('limits are itou’s: 2, 3, 5 and 10 years, particular difficulties 12 months up to 3 years', () => {
    expect(PROLONGATION_REASONS.COMPLETE_TRAINING?.maxDays).toBe(730);
    expect(PROLONGATION_REASONS.RQTH?.maxDays).toBe(1095);
    expect(PROLONGATION_REASONS.SENIOR?.maxDays).toBe(1825);
    expect(PROLONGATION_REASONS.SENIOR_CDI?.maxDays).toBe(3650);
    expect(PROLONGATION_REASONS.PARTICULAR_DIFFICULTIES).toMatchObject({
      maxDays: 365,
      maxCumulativeDays: 1095,
    });
  });

  test('particular difficulties: AI and ACI only', () => {
    const p = { startOn: start, endOn: until(100), reason: 'PARTICULAR_DIFFICULTIES' };
    expect(checkProlongation(a, p, { siaeKind: 'AI', previous: [] })).toEqual([]);
    expect(checkProlongation(a, p, { siaeKind: 'ACI', previous: [] })).toEqual([]);
    for (const siaeKind of ['EI', 'ETTI', 'EITI'] as const) {
      expect(checkProlongation(a, p, { siaeKind, previous: [] }).map((x) => x.field)).toEqual(['reason']);
    }
  });

  test('cumulative limit: 3 × 365 days of particular difficulties accepted, a day more refused', () => {
    const previous = [
      { reason: 'PARTICULAR_DIFFICULTIES', startOn: '2028-01-15', endOn: '2029-01-13' }, // 365 days
      { reason: 'PARTICULAR_DIFFICULTIES', startOn: '2029-01-14', endOn: '2030-01-13' }, // 365 days
      { reason: 'RQTH', startOn: '2030-01-14', endOn: '2030-02-12' }, // another reason: not counted
    ];
    const b = pass('2026-01-15', { prolongations: previous });
    const next = '2030-02-13';
    expect(approvalEndOn(b)).toBe('2030-02-12');
    const c = { siaeKind: 'ACI' as const, previous };
    expect(
      checkProlongation(
        b,
        { startOn: next, endOn: addDays(next, 364), reason: 'PARTICULAR_DIFFICULTIES' },
        c,
      ),
    ).toEqual([]);
    const over = {
      siaeKind: 'ACI' as const,
      previous: [
        ...previous,
        { reason: 'PARTICULAR_DIFFICULTIES', startOn: '2030-02-13', endOn: '2030-02-13' },
      ],
    };
    const refused = checkProlongation(
      pass('2026-01-15', { prolongations: over.previous }),
      { startOn: '2030-02-14', endOn: addDays('2030-02-14', 364), reason: 'PARTICULAR_DIFFICULTIES' },
      over,
    );
    expect(refused).toHaveLength(1);
    expect(refused[0]?.message).toContain('1095 jours');
  });

  test('unknown or closed reasons (HEALTH_CONTEXT) are refused; the end may not precede the start', () => {
    expect(
      checkProlongation(a, { startOn: start, endOn: until(10), reason: 'HEALTH_CONTEXT' }, ctx).map(
        (p) => p.field,
      ),
    ).toEqual(['reason']);
    expect(
      checkProlongation(a, { startOn: start, endOn: addDays(start, -1), reason: 'RQTH' }, ctx).map(
        (p) => p.field,
      ),
    ).toEqual(['endOn']);
  });
});

describe('approvalNumber', () => {
  test('prefix then 7 digits, 12 characters', () => {
    expect(approvalNumber('99999', 42)).toBe('999990000042');
    expect(approvalNumber('XXXXX', 9_999_999)).toBe('XXXXX9999999');
    expect(() => approvalNumber('9999', 1)).toThrow(RangeError);
    expect(() => approvalNumber('99999', 0)).toThrow(RangeError);
    expect(() => approvalNumber('99999', 10_000_000)).toThrow(RangeError);
  });
});

describe('properties', () => {
  const day = fc
    .integer({ min: Date.UTC(2000, 0, 1) / 86_400_000, max: Date.UTC(2060, 0, 1) / 86_400_000 })
    .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
  /** A PASS with up to 3 non-overlapping suspensions inside its base length, and prolongations after. */
  const facts = fc
    .tuple(
      day,
      fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 120 })), {
        maxLength: 3,
      }),
      fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 3 }),
    )
    .map(([startOn, gaps, lengths]) => {
      const suspensions = [];
      let cursor = startOn;
      for (const [gap, len] of gaps) {
        const s = addDays(cursor, gap);
        suspensions.push({ startOn: s, endOn: addDays(s, len) });
        cursor = addDays(s, len + 1);
      }
      const base: ApprovalFacts = {
        startOn,
        baseEndOn: approvalBaseEnd(startOn),
        suspensions,
        prolongations: [],
      };
      const prolongations = [];
      let end = approvalEndOn(base);
      for (const len of lengths) {
        const p = { startOn: addDays(end, 1), endOn: addDays(end, len) };
        prolongations.push(p);
        end = p.endOn;
      }
      return { ...base, prolongations };
    });

  test('approvalEndOn >= baseEndOn', () => {
    fc.assert(
      fc.property(facts, (a) => {
        expect(compare(approvalEndOn(a), a.baseEndOn)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  test('approvalEndOn is monotone in a suspension’s length', () => {
    fc.assert(
      fc.property(
        facts,
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        (a, len, extra) => {
          const s = { startOn: a.startOn, endOn: addDays(a.startOn, len) };
          const longer = { startOn: a.startOn, endOn: addDays(a.startOn, len + extra) };
          const e1 = approvalEndOn({ ...a, suspensions: [s] });
          const e2 = approvalEndOn({ ...a, suspensions: [longer] });
          expect(compare(e2, e1)).toBe(1);
          expect(compare(addDays(e1, extra), e2)).toBe(0);
        },
      ),
    );
  });

  test('the status is exactly one and matches its definition', () => {
    fc.assert(
      fc.property(facts, fc.integer({ min: -400, max: 3000 }), (a, offset) => {
        const today = addDays(a.startOn, offset);
        const status = approvalStatus(a, today);
        const end = approvalEndOn(a);
        const expected: ApprovalStatus =
          compare(today, end) > 0
            ? 'expired'
            : compare(today, a.startOn) < 0
              ? 'future'
              : a.suspensions.some((s) => within(today, s.startOn, s.endOn))
                ? 'suspended'
                : 'valid';
        expect(status).toBe(expected);
        expect(Object.keys(APPROVAL_STATUS_LABELS)).toContain(status);
      }),
    );
  });

  test('valid never after approvalEndOn, never before the start', () => {
    fc.assert(
      fc.property(facts, fc.integer({ min: -400, max: 3000 }), (a, offset) => {
        const today = addDays(a.startOn, offset);
        if (approvalStatus(a, today) === 'valid') {
          expect(compare(today, approvalEndOn(a))).toBeLessThanOrEqual(0);
          expect(compare(today, a.startOn)).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  test('the waiting period starts the day after the end and lasts until waitingPeriodEndsOn', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -10, max: 1000 }), (end, offset) => {
        const today = addDays(end, offset);
        expect(inWaitingPeriod(end, today)).toBe(
          compare(today, end) > 0 && compare(today, waitingPeriodEndsOn(end)) <= 0,
        );
      }),
    );
  });
});
