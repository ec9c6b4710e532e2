import type { FastifyInstance } from 'fastify';
import type { PathwaysDeps } from './deps.js';

/** The SIAE's and prescribers' IAE pages: eligibility, hire, PASS, contracts, exits (issue 12 §7). */
export async function iaePages(_app: FastifyInstance, _deps: PathwaysDeps) {}
