import { FieldGrid, InputField } from '../../web/form.js';
import { type Actor, currentMembership } from '../identity/model.js';
import type { HomeOffer, MainTask } from '../module.js';
import { canSeePurchases, importRights, isTrainingOrganisation } from './rights.js';

/** The training search, on the home page of those whose main task it is. */
function SearchForm() {
  return (
    <form method="get" action="/formations" role="search" aria-label="Recherche de formations">
      <FieldGrid
        col={['fr-col-12 fr-col-md-5', 'fr-col-12 fr-col-md-4', 'fr-col-12 fr-col-md-3 fr-mt-md-7w']}
      >
        <InputField name="q" label="Métier, formation, compétence" hint="Ex. : aide-soignant, cariste" />
        <InputField name="commune" label="Autour de la commune" hint="Nom ou code INSEE" />
        <button type="submit" class="fr-btn">
          Rechercher
        </button>
      </FieldGrid>
    </form>
  );
}

/**
 * The training offer on the home page: a training organisation keeps its offer up to date, an
 * analyst who may see purchases reads funders and places, everyone else searches a training for
 * the person in front of them (the default task, lowest rank).
 */
export function trainingsHome(actor: Actor): HomeOffer {
  const tiles = [
    {
      href: '/formations',
      title: 'Formations',
      desc: 'L’offre de formation de la région, ses sessions et ses places.',
    },
  ];
  const current = currentMembership(actor);
  if (!current) return { tiles };
  const tasks: MainTask[] = [
    {
      rank: 0,
      title: 'Rechercher une formation',
      text: 'Un métier, une formation ou une compétence, autour d’une commune.',
      links: [],
      form: String(<SearchForm />),
    },
  ];
  if (isTrainingOrganisation(actor))
    tasks.push({
      rank: 50,
      title: 'Tenir à jour votre offre de formation',
      text: 'Vos formations, leurs sessions et leurs places, telles que les conseillers les voient.',
      links: [
        { href: '/mon-offre', label: 'Mon offre de formation' },
        ...(importRights(actor) ? [{ href: '/formations/imports', label: 'Importer un flux LHÉO' }] : []),
      ],
    });
  if (current.role === 'analyste' && canSeePurchases(actor))
    tasks.push({
      rank: 40,
      title: 'Suivre les financeurs et les places',
      text: 'Les places achetées par financeur, territoire, métier et trimestre.',
      links: [{ href: '/financeurs', label: 'Financeurs et places' }],
    });
  return { tasks, tiles };
}
