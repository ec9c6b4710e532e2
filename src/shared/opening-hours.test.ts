import { describe, expect, it } from 'vitest';
import { openingHoursInFrench } from './opening-hours.js';

describe('opening hours read in French', () => {
  it('reads days, ranges and times', () => {
    expect(openingHoursInFrench('Mo-Fr 08:30-12:30,13:30-17:00')).toBe(
      'Du lundi au vendredi de 8 h 30 à 12 h 30 et de 13 h 30 à 17 h',
    );
    expect(openingHoursInFrench('Mo,We 09:00-12:00; Sa 10:00-12:00; PH off')).toBe(
      'Le lundi, le mercredi de 9 h à 12 h ; le samedi de 10 h à 12 h ; fermé les jours fériés',
    );
    expect(openingHoursInFrench('24/7')).toBe('tous les jours, 24 h sur 24');
  });

  it('gives null for what it does not read, so the page shows the text as given', () => {
    expect(openingHoursInFrench('Mo-Fr 09:00-12:00 "sur rendez-vous"')).toBeNull();
    expect(openingHoursInFrench('week 1-53/2 Fr 09:00-12:00')).toBeNull();
    expect(openingHoursInFrench('')).toBeNull();
  });
});
