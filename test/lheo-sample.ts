import { generateFeed } from '../src/modules/trainings/lheo/generate.js';
import type { LheoFormation } from '../src/modules/trainings/lheo/model.js';

/** One generated formation (an electrician's course at Lyon) for the LHÉO reader and import tests. */
export const sampleFormation = (seed: number, sessions: number): LheoFormation =>
  generateFeed({
    seed,
    sessions,
    appellations: [{ code: '11573', label: 'Électricien / Électricienne du bâtiment', rome: 'F1602' }],
    communes: [
      {
        code: '69123',
        name: 'Lyon',
        postalCode: '69001',
        latitude: 45.76,
        longitude: 4.83,
        population: 500000,
      },
    ],
    today: '2026-11-23',
  }).next().value as LheoFormation;
