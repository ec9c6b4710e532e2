import { describe, expect, it } from 'vitest';
import { auditCheck, markAudited, markAuditWritten, newAuditTrail, runWithAuditTrail } from './audit.js';

/** A trail as a request that ran `fn` leaves it. */
async function trailOf(fn: () => Promise<void> | void) {
  const trail = newAuditTrail();
  await runWithAuditTrail(trail, async () => {
    await fn();
  });
  return trail;
}

describe('audit declarations', () => {
  it('writes the declared read line once per audited data read, with what the repository said', async () => {
    const trail = await trailOf(async () => {
      markAudited('members', 'read', { rows: 3 });
      await Promise.resolve();
      markAudited('members', 'read', { organisationId: 'x' });
    });
    expect(auditCheck(['members.read'], trail, { failed: false })).toEqual({
      reads: [{ action: 'members.read', details: { rows: 3, organisationId: 'x' }, undeclared: false }],
      violations: [],
    });
  });

  it('names an undeclared read as a violation and still writes its line', async () => {
    const trail = await trailOf(() => markAudited('audit_log', 'read'));
    const { reads, violations } = auditCheck([], trail, { failed: false });
    expect(violations).toEqual(['lit « audit_log » sans déclarer son action d’audit (audit_log.read)']);
    expect(reads).toEqual([{ action: 'audit_log.read', details: {}, undeclared: true }]);
  });

  it('refuses a declaration of another category', async () => {
    const trail = await trailOf(() => markAudited('purchases', 'read'));
    expect(auditCheck(['members.read'], trail, { failed: false }).violations).toHaveLength(1);
  });

  it('requires a committed write of audited data to have written its declared line', async () => {
    const silent = await trailOf(() => markAudited('training_offer', 'write'));
    expect(auditCheck(['training_session.updated'], silent, { failed: false }).violations).toEqual([
      'modifie « training_offer » sans écrire de ligne d’audit (training_session.updated)',
    ]);
    // Failed: the transaction rolled back with its line.
    expect(auditCheck(['training_session.updated'], silent, { failed: true }).violations).toEqual([]);
    const audited = await trailOf(() => {
      markAudited('training_offer', 'write');
      markAuditWritten('training_session.updated');
    });
    expect(auditCheck(['training_session.updated'], audited, { failed: false })).toEqual({
      reads: [],
      violations: [],
    });
    expect(auditCheck([], audited, { failed: false }).violations).toHaveLength(1);
  });

  it('ignores marks made outside a request (command line, demo seeding)', () => {
    expect(() => markAudited('training_offer', 'write')).not.toThrow();
  });
});
