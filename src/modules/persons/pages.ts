import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { contactPointPages } from './contact-point-pages.js';
import type { PersonsDeps } from './deps.js';
import { personEditPages } from './edit-pages.js';
import { personFilePages } from './file-page.js';
import { personListPage } from './list-page.js';
import { personRgpdPages } from './rgpd-pages.js';
import { skillSuggestionsPage } from './skills-field.js';
import { personSpacePages } from './space-pages.js';

/**
 * The counsellors' pages: « Mes personnes », the file (profile, history), create, edit, share, the
 * RGPD rights; the person's own space; the town hall's contact point.
 */
export async function personsPages(app: FastifyInstance, services: PersonsDeps, config: Config) {
  await personListPage(app, services);
  await personEditPages(app, services);
  await personFilePages(app, services);
  await personRgpdPages(app, services);
  await personSpacePages(app, services, config);
  await contactPointPages(app, services);
  await skillSuggestionsPage(app, services);
}
