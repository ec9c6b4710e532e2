/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// La Poste's establishments share SIREN 356000000 and fail Luhn; INSEE checks them with
// "sum of the 14 digits is a multiple of 5" instead (INSEE, note on SIRET control keys).
const LA_POSTE_SIREN = '356000000';

export function normaliseSiret(raw: string): string {
  return raw.replace(/[\s.]/g, '');
}

export function isValidSiret(raw: string): boolean {
  const siret = normaliseSiret(raw);
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith(LA_POSTE_SIREN) && siret !== '35600000000048') {
    const sum = [...siret].reduce((acc, c) => acc + Number(c), 0);
    return sum % 5 === 0;
  }
  return luhnValid(siret);
}

/** Completes a 13-digit prefix with the digit that makes it Luhn-valid (for generated data). */
export function completeLuhn(prefix13: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = `${prefix13}${d}`;
    if (luhnValid(candidate)) return candidate;
  }
  throw new Error('unreachable');
}
