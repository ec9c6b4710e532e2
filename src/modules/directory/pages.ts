import type { FastifyInstance } from 'fastify';
import type { DirectoryDeps } from './deps.js';
import { importPages } from './import-pages.js';
import { publishPages } from './publish-pages.js';
import { searchPages } from './search-pages.js';
import { sheetPages } from './sheet-pages.js';

/** The directory's pages: search (public and professionals), sheets, publication, import. */
export async function directoryPages(app: FastifyInstance, deps: DirectoryDeps) {
  await searchPages(app, deps);
  await sheetPages(app, deps);
  await publishPages(app, deps);
  await importPages(app, deps);
}
