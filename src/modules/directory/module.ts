import type { IdentityDeps } from '../identity/deps.js';
import { defineModule } from '../module.js';
import { seedDemoDirectory } from './demo.js';
import { directoryHome, directoryNav } from './home.js';
import { directoryPages } from './pages.js';
import { directoryApiRoutes } from './routes.js';
import { type DirectoryService, directoryService } from './service.js';

/** Directory (issue 13): the region's partners' structures and services, in the data·inclusion schema. */
export const directoryModule = defineModule<'directory', DirectoryService, IdentityDeps>({
  name: 'directory',
  dependsOn: ['referentials', 'identity'],
  services: ({ db, config, mailer }, needs) =>
    directoryService(db, needs, { mailer, publicUrl: config.publicUrl, mapTiles: config.directoryMapTiles }),
  api: (app, services) => directoryApiRoutes(app, services),
  pages: (app, services) => directoryPages(app, services),
  home: directoryHome,
  nav: directoryNav,
  demo: seedDemoDirectory,
  bench: [
    {
      script: 'bench/directory.ts',
      measures:
        'recherche dans l’annuaire (besoin, fautes, « logement » à 20 km, filtres) sur 100 000 services, un à un et en boucle ouverte, avec la recherche par rayon seul pour comparaison (PGlite et PostgreSQL)',
    },
  ],
});
