import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Mailer } from '../shared/mailer.js';
import type { NavLink } from '../web/page-context.js';
import type { Actor } from './identity/model.js';

/** What every module may build its service from: the platform, never another module's internals. */
export interface ModuleContext {
  config: Config;
  db: Db;
  mailer: Mailer;
  /** What every module offers a person on the home page (the page is identity's; the offers are each module's). */
  homeOffers(actor: Actor): HomeOffer[];
}

/**
 * The one task a role comes for, offered first on its home page (issue 9 §6): a counsellor searches
 * a training for the person in front of them, an analyst reads funders and places, a training
 * organisation keeps its offer up to date, an administrator manages the members.
 */
export interface MainTask {
  title: string;
  text: string;
  links: { href: string; label: string }[];
  /** The task's own form, rendered by its module (e.g. the training search), instead of the links. */
  form?: string;
  /** The most specific task wins: higher first (platform administration 100, members 90…). */
  rank: number;
}

/** A tile of the home page: a place of the service this person may go to. */
export interface HomeTile {
  href: string;
  title: string;
  desc: string;
}

/** A module's part of a person's home page. */
export interface HomeOffer {
  tasks?: MainTask[];
  tiles?: HomeTile[];
}

/** What a module's demo data is seeded with (`npm start` on a new database, `npm run seed:demo`). */
export interface DemoContext {
  db: Db;
  log: (line: string) => void;
  /** The seed of every generator: the same demo region on every machine. */
  seed: number;
  /** INSEE code of the demo region. */
  regionCode: string;
  /** The password of every demo account (public: printed at start). */
  password: string;
  /** ISO date the demo's dates are drawn around. */
  today: string;
}

/**
 * One module of Passerelle (ARCHITECTURE.md): its name, the service it builds from the services of
 * the modules it depends on, its JSON API under /api/v1, its pages, and optionally its demo data and
 * its benchmarks. `modules/index.ts` lists the modules in dependency order; the app builds each
 * service in that order, then registers hooks, API routes and pages in a loop.
 *
 * `Needs` is the slice of the services a module uses (its `deps.ts`); its own service is added
 * under its name, so routes and pages receive `Needs & { [name]: Service }`.
 */
export interface Module<Name extends string = string, Service = unknown, Needs = object> {
  readonly name: Name;
  /** The modules whose services this one uses: they come before it in modules/index.ts. */
  readonly dependsOn: readonly string[];
  services(ctx: ModuleContext, needs: Needs): Service;
  /**
   * Request hooks for every route (who is asking, what is audited): registered on the root
   * instance before any route, in module order.
   */
  hooks?(
    app: FastifyInstance,
    services: Needs & Record<Name, Service>,
    ctx: ModuleContext,
  ): Promise<void> | void;
  /** JSON API routes, registered under /api/v1. */
  api?(
    app: FastifyInstance,
    services: Needs & Record<Name, Service>,
    ctx: ModuleContext,
  ): Promise<void> | void;
  /** What this module offers a person on the home page (tasks are given only to members acting for an organisation). */
  home?(actor: Actor): HomeOffer;
  /** The entries of the main menu this module offers a signed-in person. */
  nav?(actor: Actor): NavLink[];
  /** HTML pages. */
  pages?(
    app: FastifyInstance,
    services: Needs & Record<Name, Service>,
    ctx: ModuleContext,
  ): Promise<void> | void;
  /**
   * Seeds this module's part of the demo region, after the modules before it. Returns false when
   * the database already holds data: the demo is then left as it is and the modules after it skip.
   */
  demo?(ctx: DemoContext): Promise<boolean>;
  /** Benchmark scripts of this module (paths from the project root), run in order by `npm run bench`. */
  readonly bench?: readonly { script: string; measures: string }[];
}

/** Checks a module against the contract while keeping its literal name and service types. */
export function defineModule<Name extends string, Service, Needs>(
  module: Module<Name, Service, Needs>,
): Module<Name, Service, Needs> {
  return module;
}

/** Any module, for the loops of the app (each module's own types were checked where it is defined). */
// biome-ignore lint/suspicious/noExplicitAny: the loops pass each module the services its Needs names.
export type AnyModule = Module<string, unknown, any>;

/** The services of a list of modules: `{ [name]: service }` for each. */
export type ServicesOf<M extends readonly AnyModule[]> = {
  [K in M[number] as K['name']]: ReturnType<K['services']>;
};

/**
 * Where a module list breaks its order: a module that depends on one missing or listed after it.
 * Empty when the list is in dependency order (checked at start and by a test).
 */
export function orderFaults(modules: readonly AnyModule[]): string[] {
  const seen = new Set<string>();
  const faults: string[] = [];
  for (const module of modules) {
    if (seen.has(module.name)) faults.push(`« ${module.name} » est listé deux fois.`);
    for (const dependency of module.dependsOn)
      if (!seen.has(dependency))
        faults.push(`« ${module.name} » dépend de « ${dependency} », qui n’est pas listé avant lui.`);
    seen.add(module.name);
  }
  return faults;
}
