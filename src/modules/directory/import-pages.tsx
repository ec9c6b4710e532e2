import type { FastifyInstance } from 'fastify';
import type { DirectoryDeps } from './deps.js';

/** STUB. */
export async function importPages(_app: FastifyInstance, _deps: DirectoryDeps) {}
