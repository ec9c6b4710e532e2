import type { NavLink } from '../../web/page-context.js';
import type { Actor } from '../identity/model.js';
import type { HomeOffer } from '../module.js';

/** STUB (H3): the directory on the home page. */
export function directoryHome(_actor: Actor): HomeOffer {
  return {};
}

/** The directory in the main menu: everyone signed in searches it. */
export function directoryNav(_actor: Actor): NavLink[] {
  return [{ href: '/annuaire', label: 'Annuaire', order: 40 }];
}
