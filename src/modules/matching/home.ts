import type { NavLink } from '../../web/page-context.js';
import type { Actor } from '../identity/model.js';
import type { HomeOffer } from '../module.js';
import { canSeeMatchQuality } from './quality-service.js';

/** The analysts' way to the match quality (issue 11 §3); counsellors reach suggestions from a file. */
export function matchingHome(actor: Actor): HomeOffer {
  if (!canSeeMatchQuality(actor)) return {};
  return {
    tiles: [
      {
        href: '/analyses/appariement',
        title: 'Qualité des suggestions d’offres',
        desc: 'Sur les offres suggérées aux personnes, combien ont mené à un contact, un entretien ou une embauche : par préréglage et par département.',
      },
    ],
  };
}

export function matchingNav(actor: Actor): NavLink[] {
  return canSeeMatchQuality(actor)
    ? [{ href: '/analyses/appariement', label: 'Qualité des suggestions', order: 14 }]
    : [];
}
