import type { NavLink } from '../../web/page-context.js';
import type { Actor } from '../identity/model.js';
import type { HomeOffer } from '../module.js';
import { canPublish } from './rights.js';
import { STALE_AFTER_MONTHS } from './rules.js';

/**
 * The directory on the home page (issue 13 §5): everyone signed in searches the partners; an
 * organisation's administrators and gestionnaires keep its sheet up to date. HomeOffer is computed
 * synchronously: the number of records to review is shown on /annuaire/ma-structure, not here.
 */
export function directoryHome(actor: Actor): HomeOffer {
  const tiles = [
    {
      href: '/annuaire',
      title: 'Annuaire des partenaires',
      desc: 'Les structures et services d’insertion de la région : accompagnement, logement, mobilité, santé, formation.',
    },
  ];
  if (!canPublish(actor)) return { tiles };
  tiles.push({
    href: '/annuaire/ma-structure',
    title: 'Ma fiche dans l’annuaire',
    desc: 'La fiche de votre structure et de ses services, telle que les partenaires la lisent.',
  });
  return {
    tiles,
    tasks: [
      {
        // Below publishing offers (60): a sheet is reviewed twice a year, offers every week.
        rank: 50,
        title: 'Tenir à jour la fiche de votre structure',
        text: `Vos services, vos horaires, vos contacts : les partenaires vous orientent des personnes d’après votre fiche. Une fiche non revue depuis ${STALE_AFTER_MONTHS} mois est signalée comme ancienne.`,
        links: [
          { href: '/annuaire/ma-structure', label: 'Revoir ma fiche' },
          { href: '/annuaire', label: 'Chercher un partenaire' },
        ],
      },
    ],
  };
}

/** The directory in the main menu: everyone signed in searches it. */
export function directoryNav(_actor: Actor): NavLink[] {
  return [{ href: '/annuaire', label: 'Annuaire', order: 40 }];
}
