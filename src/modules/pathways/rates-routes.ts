import type { FastifyInstance } from 'fastify';
import type { PathwaysDeps } from './deps.js';

/** Rates and CTA API (issue 12 §6). */
export async function ratesApiRoutes(_app: FastifyInstance, _deps: PathwaysDeps) {}
