import type { NavLink } from '../../web/page-context.js';
import type { Actor } from '../identity/model.js';
import { canSeePurchases, importRights, isTrainingOrganisation } from './rights.js';

/** The training offer's menu entries, each for those who may use it (rights.ts). */
export function trainingsNav(actor: Actor): NavLink[] {
  return [
    { href: '/formations', label: 'Formations', order: 10 },
    ...(isTrainingOrganisation(actor)
      ? [{ href: '/mon-offre', label: 'Mon offre de formation', order: 11 }]
      : []),
    ...(importRights(actor) !== null
      ? [{ href: '/formations/imports', label: 'Imports LHÉO', order: 12 }]
      : []),
    ...(canSeePurchases(actor) ? [{ href: '/financeurs', label: 'Financeurs et places', order: 13 }] : []),
  ];
}
