import { defineModule } from '../module.js';
import type { ReferentialsDeps } from './deps.js';
import { referentialsPage } from './page.js';
import { referentialsApiRoutes } from './routes.js';
import { type ReferentialsService, referentialsService } from './service.js';

/** ROME trades and appellations, communes and employment zones: what the other modules point at. */
export const referentialsModule = defineModule<'referentials', ReferentialsService, object>({
  name: 'referentials',
  dependsOn: [],
  services: ({ db, config }) => referentialsService(db, { cacheSize: config.autocompleteCacheSize }),
  api: (app, services: ReferentialsDeps) => referentialsApiRoutes(app, services),
  pages: (app, services: ReferentialsDeps) => referentialsPage(app, services),
  bench: [
    { script: 'bench/rome4-load.ts', measures: 'chargement du ROME 4.0 (PGlite et PostgreSQL)' },
    {
      script: 'bench/run.ts',
      measures: 'autocomplétion des appellations et des communes, rendu des pages connectées',
    },
  ],
});
