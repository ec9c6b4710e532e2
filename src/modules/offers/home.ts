import type { NavLink } from '../../web/page-context.js';
import type { Actor } from '../identity/model.js';
import type { HomeOffer } from '../module.js';
import { canImportOffers, canManageOffers } from './rights.js';

/** « Mes offres » for employers' and SIAE's managers; « Offres d’emploi » for every signed-in person. */
export function offersHome(actor: Actor): HomeOffer {
  const tiles = [
    {
      href: '/offres',
      title: 'Offres d’emploi',
      desc: 'Les offres publiées par les employeurs et les SIAE de la région, et celles importées.',
    },
  ];
  if (canImportOffers(actor))
    tiles.push({
      href: '/offres/imports',
      title: 'Imports d’offres',
      desc: 'Importer un flux d’offres au format France Travail et lire le rapport de chaque import : rejets et avertissements.',
    });
  if (!canManageOffers(actor)) return { tiles };
  tiles.unshift({
    href: '/employeur/offres',
    title: 'Mes offres',
    desc: 'Les offres d’emploi de votre organisation : brouillons, publiées, pourvues.',
  });
  // An employer's or an SIAE's manager comes to publish and follow offers (above the training search).
  return {
    tiles,
    tasks: [
      {
        rank: 60,
        title: 'Publier et suivre vos offres d’emploi',
        text: 'Un métier, le lieu, le contrat et les compétences attendues : l’offre est vue des conseillers de la région.',
        links: [
          { href: '/employeur/offres/nouvelle', label: 'Publier une offre' },
          { href: '/employeur/offres', label: 'Mes offres' },
        ],
      },
    ],
  };
}

/** The job offers in the main menu: everyone reads them, managers keep their own. */
export function offersNav(actor: Actor): NavLink[] {
  return [
    { href: '/offres', label: 'Offres d’emploi', order: 30 },
    ...(canManageOffers(actor) ? [{ href: '/employeur/offres', label: 'Mes offres', order: 31 }] : []),
    ...(canImportOffers(actor) ? [{ href: '/offres/imports', label: 'Imports d’offres', order: 32 }] : []),
  ];
}
