import type { NavLink } from '../../web/page-context.js';
import { type Actor, currentMembership } from '../identity/model.js';
import type { HomeOffer } from '../module.js';
import { followsPeople } from './core.js';

const isSiae = (actor: Actor) => currentMembership(actor)?.organisationKind.startsWith('siae_') ?? false;

/**
 * The pathways on the home page (issue 12): an SIAE's counsellor comes first to answer the
 * orientations it received; a prescriber to its daily lists. Everyone signed in reads the basins'
 * rates (aggregates, small counts hidden).
 */
export function pathwaysHome(actor: Actor): HomeOffer {
  const tiles = [
    {
      href: '/cta',
      title: 'Sorties de l’IAE par bassin',
      desc: 'Taux de sorties dynamiques par structure, type de SIAE et bassin d’emploi ; engagements de l’accord-cadre suivis en CTA.',
    },
  ];
  if (!followsPeople(actor)) return { tiles };
  const siae = isSiae(actor);
  return {
    tasks: siae
      ? [
          {
            title: 'Répondre aux orientations reçues',
            text: 'Les personnes que les prescripteurs vous orientent : étudiez, acceptez avec une date d’entrée ou refusez avec un motif.',
            links: [
              { href: '/orientations?cote=recues', label: 'Orientations reçues' },
              { href: '/iae', label: 'Mes salariés en insertion' },
            ],
            rank: 65,
          },
        ]
      : [],
    tiles: [
      {
        href: '/parcours/suivi',
        title: 'Suivi des parcours',
        desc: 'Sans nouvelles depuis 30 jours, PASS IAE et contrats qui finissent, orientations en attente de réponse.',
      },
      {
        href: siae ? '/orientations?cote=recues' : '/orientations?cote=envoyees',
        title: 'Orientations',
        desc: siae
          ? 'Les demandes reçues des prescripteurs et leurs réponses.'
          : 'Les orientations envoyées aux partenaires et leurs réponses, celles reçues aussi.',
      },
      ...tiles,
    ],
  };
}

/**
 * Counsellors get their daily tools in the menu (the follow-up, which leads to the orientations); the basins' rates are a
 * home tile for them (a menu of nine entries wrapped on two lines at 1280 px), a menu entry for
 * those who come to read figures (analysts, administrators).
 */
export function pathwaysNav(actor: Actor): NavLink[] {
  if (!followsPeople(actor)) return [{ href: '/cta', label: 'Sorties IAE', order: 34 }];
  // One entry: with two (« Orientations », « Suivi des parcours ») a France Travail administrator's
  // menu ran 40 px past 1280 (e2e/offers.e2e.ts); the follow-up page leads to the orientations.
  return [{ href: '/parcours/suivi', label: 'Parcours', order: 22 }];
}
