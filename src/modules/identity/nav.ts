import type { NavLink } from '../../web/page-context.js';
import type { Actor } from './model.js';

/** Identity's menu entries: home first, the partners' directory and one's organisation last. */
export function identityNav(actor: Actor): NavLink[] {
  return [
    { href: '/', label: 'Accueil', order: 0 },
    { href: '/organisations', label: 'Organisations partenaires', order: 80 },
    ...(actor.organisationId !== null
      ? [
          {
            href: '/membres',
            label: 'Membres de mon organisation',
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
