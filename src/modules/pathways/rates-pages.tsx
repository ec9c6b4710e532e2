import type { FastifyInstance } from 'fastify';
import type { PathwaysDeps } from './deps.js';

/** Rates and the basin's CTA page (issue 12 §6). */
export async function ratesPages(_app: FastifyInstance, _deps: PathwaysDeps) {}
