import type { FastifyInstance } from 'fastify';
import type { PersonsDeps } from './deps.js';
import { personEditPages } from './edit-pages.js';
import { personFilePages } from './file-page.js';
import { personListPage } from './list-page.js';

/** The counsellors' pages: « Mes personnes », the file (profile, history), create, edit, share. */
export async function personsPages(app: FastifyInstance, services: PersonsDeps) {
  await personListPage(app, services);
  await personEditPages(app, services);
  await personFilePages(app, services);
}
