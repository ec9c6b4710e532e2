import { directoryModule } from './directory/module.js';
import { identityModule } from './identity/module.js';
import { matchingModule } from './matching/module.js';
import type { AnyModule, ModuleContext, ServicesOf } from './module.js';
import { offersModule } from './offers/module.js';
import { pathwaysModule } from './pathways/module.js';
import { personsModule } from './persons/module.js';
import { referentialsModule } from './referentials/module.js';
import { trainingsModule } from './trainings/module.js';

/**
 * The modules of Passerelle, in dependency order: each uses only the services of those before it
 * (checked at start by `orderFaults` and by a test). Adding a module is one line here.
 */
export const modules = [
  referentialsModule,
  identityModule,
  trainingsModule,
  personsModule,
  offersModule,
  matchingModule,
  directoryModule,
  pathwaysModule,
] as const;

/** Every module's service under its name: what the app builds and hands to routes and pages. */
export type Services = ServicesOf<typeof modules>;

/**
 * Every module's service, each built from those of the modules before it (the app, and the CLI jobs
 * that need a module's use cases with their dependencies: npm run expire:orientations).
 */
export function buildServices(context: ModuleContext, overrides: Partial<Services> = {}): Services {
  const built: Record<string, unknown> = {};
  for (const module of modules as readonly AnyModule[])
    built[module.name] = overrides[module.name as keyof Services] ?? module.services(context, built);
  return built as Services;
}
