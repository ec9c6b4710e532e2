import { describe, expect, it } from 'vitest';
import { completeLuhn, isValidSiret, luhnValid } from './siret.js';

describe('SIRET', () => {
  it('accepts real SIRETs and rejects a wrong control digit', () => {
    // DINUM (13002526500013) and Pôle emploi's former head office (13000548100010): public registry values.
    expect(isValidSiret('13002526500013')).toBe(true);
    expect(isValidSiret('130 025 265 00013')).toBe(true);
    expect(isValidSiret('13002526500014')).toBe(false);
  });

  it('rejects anything that is not 14 digits', () => {
    for (const bad of ['', '1300252650001', '130025265000133', '1300252650001A'])
      expect(isValidSiret(bad)).toBe(false);
  });

  it('applies the La Poste rule (sum of digits multiple of 5) to SIREN 356000000', () => {
    expect(isValidSiret('35600000049837')).toBe(true);
    expect(luhnValid('35600000049837')).toBe(false);
  });

  it('completes a prefix into a valid SIRET for generated data', () => {
    const siret = completeLuhn('1234567890123');
    expect(siret).toHaveLength(14);
    expect(isValidSiret(siret)).toBe(true);
  });
});
