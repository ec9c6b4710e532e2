import type { NavLink } from '../../web/page-context.js';
import type { Actor } from './model.js';

/** Identity's menu entries: home first, the partner organisations and one's organisation last. */
export function identityNav(actor: Actor): NavLink[] {
  return [
    { href: '/', label: 'Accueil', order: 0 },
    // Short labels: with the directory (issue 13), a France Travail administrator's menu ran 14 px
    // past 1280 px; the pages keep their full titles.
    { href: '/organisations', label: 'Organisations', order: 80 },
    ...(actor.organisationId !== null
      ? [
          {
            href: '/membres',
            label: 'Membres',
            order: 90,
            // Member pages live under /organisations/:id/membres but belong to this entry.
            current: (path: string) => path.endsWith('/membres'),
          },
        ]
      : []),
    ...(actor.isSuperAdmin || actor.role === 'administrateur'
      ? [{ href: '/journal', label: 'Journal d’audit', order: 95 }]
      : []),
  ];
}
