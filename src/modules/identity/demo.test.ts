import { describe, expect, it } from 'vitest';
import { isValidSiret } from '../../shared/siret.js';
import { DEMO_LOGINS, generateDemoRegion } from './demo.js';
import { organisationKinds, SIRET_REQUIRED } from './model.js';

const communes = Array.from({ length: 60 }, (_, i) => ({
  code: String(69001 + i),
  name: `Commune ${i}`,
  population: 5000 + i * 1000,
}));

describe('demo region generator', () => {
  it('is reproducible for a seed', () => {
    expect(generateDemoRegion(communes, 'Auvergne-Rhône-Alpes', 7)).toEqual(
      generateDemoRegion(communes, 'Auvergne-Rhône-Alpes', 7),
    );
    expect(generateDemoRegion(communes, 'Auvergne-Rhône-Alpes', 7)).not.toEqual(
      generateDemoRegion(communes, 'Auvergne-Rhône-Alpes', 8),
    );
  });

  it('creates about 40 organisations of every kind, each with an administrator', () => {
    const { organisations, users } = generateDemoRegion(communes, 'Auvergne-Rhône-Alpes', 2026);
    expect(organisations.length).toBeGreaterThanOrEqual(38);
    expect(new Set(organisations.map((o) => o.kind))).toEqual(new Set(organisationKinds));
    organisations.forEach((o, index) => {
      if (SIRET_REQUIRED.has(o.kind)) expect(isValidSiret(o.siret ?? '')).toBe(true);
      const admins = users.filter((u) =>
        u.memberships.some((m) => m.organisationIndex === index && m.role === 'administrateur'),
      );
      expect(admins.length, o.name).toBeGreaterThanOrEqual(1);
    });
    expect(new Set(users.map((u) => u.email)).size).toBe(users.length);
    for (const login of DEMO_LOGINS) expect(users.some((u) => u.email === login.email)).toBe(true);
    expect(new Set(organisations.map((o) => o.name)).size).toBe(organisations.length);
  });
});
