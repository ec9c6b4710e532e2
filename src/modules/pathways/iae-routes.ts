import type { FastifyInstance } from 'fastify';
import type { PathwaysDeps } from './deps.js';

/** /api/v1/eligibility-diagnoses, /api/v1/approvals, /api/v1/exits (issue 12 §7). */
export async function iaeApiRoutes(_app: FastifyInstance, _deps: PathwaysDeps) {}
