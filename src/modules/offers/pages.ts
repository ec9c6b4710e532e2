import type { FastifyInstance } from 'fastify';
import type { OffersDeps } from './deps.js';

/** The offers' pages: « Mes offres », the offer form, the offer page, the published offers. */
export async function offersPages(_app: FastifyInstance, _services: OffersDeps) {}
