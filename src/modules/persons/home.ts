import type { NavLink } from '../../web/page-context.js';
import type { Actor } from '../identity/model.js';
import type { HomeOffer } from '../module.js';
import { canHoldFiles, isContactPoint } from './rights.js';

/** « Mes personnes » on the home page of those who follow people (rights.ts). */
export function personsHome(actor: Actor): HomeOffer {
  if (isContactPoint(actor))
    return {
      tiles: [
        {
          href: '/mairie/inscription',
          title: 'Inscrire une personne',
          desc: 'Point de contact : enregistrer une personne et confier son dossier à une organisation qui l’accompagnera.',
        },
      ],
    };
  if (!canHoldFiles(actor)) return {};
  return {
    tiles: [
      {
        href: '/personnes',
        title: 'Mes personnes',
        desc: 'Les dossiers des personnes que votre organisation accompagne, ou qui lui ont été partagés.',
      },
    ],
  };
}

/** « Mes personnes » in the main menu of the same people; « Inscrire une personne » for a town hall. */
export function personsNav(actor: Actor): NavLink[] {
  if (isContactPoint(actor))
    return [{ href: '/mairie/inscription', label: 'Inscrire une personne', order: 20 }];
  return canHoldFiles(actor) ? [{ href: '/personnes', label: 'Mes personnes', order: 20 }] : [];
}
