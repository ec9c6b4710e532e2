import type { Actor } from '../identity/model.js';
import type { HomeOffer } from '../module.js';
import { canManageOffers } from './rights.js';

/** « Mes offres » for employers' and SIAE's managers; « Offres d’emploi » for every signed-in person. */
export function offersHome(actor: Actor): HomeOffer {
  const tiles = [
    {
      href: '/offres',
      title: 'Offres d’emploi',
      desc: 'Les offres publiées par les employeurs et les SIAE de la région, et celles importées.',
    },
  ];
  if (canManageOffers(actor))
    tiles.unshift({
      href: '/employeur/offres',
      title: 'Mes offres',
      desc: 'Les offres d’emploi de votre organisation : brouillons, publiées, pourvues.',
    });
  return { tiles };
}
