import type { FastifyInstance } from 'fastify';
import { Alert, DataTable } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { formatCount, formatDate, formatDateTime } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import type { PersonsDeps } from './deps.js';
import {
  BARRIERS,
  CIVILITIES,
  CONTRACT_TYPES,
  DRIVING_LICENCES,
  EDUCATION_LEVELS,
  LEGAL_BASES,
  MOBILITY_MEANS,
  REGISTERED_CATEGORIES,
  SITUATIONS,
  WORKING_TIMES,
} from './rules.js';
import type { PersonFile } from './service.js';

const reads = { access: 'user', audit: 'person.read' } as const;
/**
 * What an empty fact reads: words, not a dash, which a screen reader spells « tiret » and a
 * counsellor read as « zero » or « unknown » (walk of issue 10).
 */
const EMPTY = 'Non renseigné';
const labels = (codes: readonly string[], dict: Record<string, string | { label: string }>) =>
  codes.length
    ? codes.map((c) => {
        const l = dict[c];
        return typeof l === 'string' ? l : (l?.label ?? c);
      })
    : [EMPTY];

const HISTORY_ACTIONS: Record<string, string> = {
  'person.created': 'Création du dossier',
  'person.updated': 'Modification',
  'person.shared': 'Partage',
  'person.invited': 'Invitation à son espace',
  'person.handed_over': 'Inscription par la mairie et transmission',
  'person.self_updated': 'Correction par la personne',
};

/** The fields a history line names, as the form calls them (the API's names are English). */
const FIELD_LABELS: Record<string, string> = {
  civility: 'civilité',
  lastName: 'nom',
  firstName: 'prénom',
  birthDate: 'date de naissance',
  email: 'adresse électronique',
  phone: 'téléphone',
  franceTravailId: 'identifiant France Travail',
  communeCode: 'commune',
  registeredCategory: 'inscription',
  situations: 'situations',
  educationLevel: 'niveau de formation',
  drivingLicences: 'permis',
  hasVehicle: 'véhicule',
  mobilityRadiusKm: 'rayon de mobilité',
  mobilityMeans: 'moyens de déplacement',
  availableFrom: 'disponibilité',
  workingTime: 'temps de travail',
  contractTypes: 'contrats acceptés',
  wantedJobs: 'métiers recherchés',
  pastJobs: 'expériences',
  skills: 'compétences',
  barriers: 'freins',
  notes: 'notes',
  legalBasis: 'base légale',
  informedOn: 'date d’information',
  employerVisible: 'profil visible des employeurs',
};

/** A term and its description in the file (dl of the DSFR's plain typography). */
function Facts(p: { rows: [string, string | string[]][] }) {
  return (
    <dl>
      {p.rows.map(([term, value]) => (
        <>
          <dt class="fr-text--bold" safe>
            {term}
          </dt>
          <dd class="fr-mb-2w" safe>
            {Array.isArray(value) ? value.join(', ') : value}
          </dd>
        </>
      ))}
    </dl>
  );
}

/**
 * The sections of a file (profile, history) as a DSFR navigation with `aria-current="page"`: each
 * section is its own page (an audited read each), so links, not ARIA tabs, which would promise
 * panels switched in place (and DSFR's tabs script would take them over). A counsellor walk read
 * the former tags as filters.
 */
export type FileSection = 'profil' | 'historique' | 'parcours' | 'eligibilite' | 'suggestions' | 'se-former';

/**
 * The file's sections: the profile and history are this module's; the suggestions and the way to
 * a training (issue 11) are the matching module's pages, which show this same navigation.
 */
export const FileSections = (p: { personId: string; current: FileSection }) => (
  <nav class="fr-nav fr-mb-3w" id="sections-dossier" aria-label="Sections du dossier">
    <ul class="fr-nav__list">
      {(
        [
          ['profil', 'Profil', `/personnes/${p.personId}`],
          ['historique', 'Historique', `/personnes/${p.personId}/historique`],
          ['parcours', 'Parcours', `/personnes/${p.personId}/parcours`],
          ['eligibilite', 'Éligibilité IAE', `/personnes/${p.personId}/eligibilite`],
          ['suggestions', 'Offres suggérées', `/personnes/${p.personId}/suggestions`],
          ['se-former', 'Se former', `/personnes/${p.personId}/se-former`],
        ] as const
      ).map(([key, text, href]) => (
        <li class="fr-nav__item">
          <a class="fr-nav__link" href={href} aria-current={p.current === key ? 'page' : undefined}>
            {text}
          </a>
        </li>
      ))}
    </ul>
  </nav>
);
const Tabs = (p: { file: PersonFile; current: FileSection }) => (
  <FileSections personId={p.file.id} current={p.current} />
);

export const fileTitle = (f: Pick<PersonFile, 'civility' | 'firstName' | 'lastName'>) =>
  `${f.civility ? `${CIVILITIES[f.civility]} ` : ''}${f.firstName} ${f.lastName.toUpperCase()}`;

/** The person file (profile and history tabs): an audited read each (config.audit). */
export async function personFilePages(app: FastifyInstance, { persons }: PersonsDeps) {
  app.get('/personnes/:personId', { config: reads }, async (request, reply) => {
    const f = await persons.get(request.actor!, (request.params as { personId: string }).personId);
    const ctx = pageContext(request, reply);
    const info = (request.query as Record<string, unknown>).info;
    return html(
      reply,
      <Layout title={fileTitle(f)} ctx={ctx}>
        <h1 safe>{fileTitle(f)}</h1>
        {info === 'cree' ? <Alert kind="success" title="Dossier créé" /> : ''}
        {info === 'modifie' ? <Alert kind="success" title="Dossier modifié" /> : ''}
        {info === 'partage' ? <Alert kind="success" title="Dossier partagé" /> : ''}
        <p
          safe
        >{`Dossier tenu par ${f.referentOrganisation.name}. Mis à jour le ${formatDateTime(f.updatedAt)}.`}</p>
        {f.sensitiveOmitted ? (
          <Alert
            kind="info"
            title="Dossier partagé"
            text="Les situations et freins sensibles, et les notes, restent à l’organisation référente."
          />
        ) : (
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href={`/personnes/${f.id}/modifier`}>
                Modifier
              </a>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href={`/personnes/${f.id}/partage`}>
                Partager avec une organisation
              </a>
            </li>
            <li>
              <a class="fr-btn fr-btn--tertiary" href={`/personnes/${f.id}/donnees`}>
                Données personnelles : export, espace, effacement
              </a>
            </li>
          </ul>
        )}
        <Tabs file={f} current="profil" />
        <h2>Identité et contact</h2>
        <Facts
          rows={[
            ['Date de naissance', `${formatDate(f.birthDate)} (${formatCount(f.age, 'an')})`],
            ['Identifiant France Travail', f.franceTravailId ?? EMPTY],
            ['Adresse électronique', f.email ?? EMPTY],
            ['Téléphone', f.phone ?? EMPTY],
            [
              'Commune',
              f.commune
                ? `${f.commune.name ?? f.commune.code}${f.commune.departmentCode ? ` (${f.commune.departmentCode})` : ''}`
                : EMPTY,
            ],
          ]}
        />
        <h2>Situation</h2>
        <Facts
          rows={[
            [
              'Inscription',
              f.registeredCategory
                ? REGISTERED_CATEGORIES[f.registeredCategory]
                : 'Aucune inscription connue',
            ],
            [
              'Situations',
              [
                ...(f.young ? ['Moins de 26 ans'] : []),
                ...(f.senior ? ['50 ans et plus'] : []),
                ...(f.situations.length ? labels(f.situations, SITUATIONS) : []),
              ].join(', ') || 'Aucune situation particulière',
            ],
            [
              'Niveau de formation',
              f.educationLevel
                ? ((EDUCATION_LEVELS as Record<string, string>)[f.educationLevel] ?? f.educationLevel)
                : EMPTY,
            ],
            ['Freins', labels(f.barriers, BARRIERS)],
          ]}
        />
        <h2>Mobilité et disponibilité</h2>
        <Facts
          rows={[
            ['Permis', labels(f.drivingLicences, DRIVING_LICENCES)],
            ['Véhicule', f.hasVehicle ? 'Oui' : 'Non'],
            ['Rayon de mobilité', f.mobilityRadiusKm === null ? EMPTY : `${f.mobilityRadiusKm} km`],
            ['Moyens de déplacement', labels(f.mobilityMeans, MOBILITY_MEANS)],
            ['Disponible à partir du', f.availableFrom ? formatDate(f.availableFrom) : 'Non précisé'],
            ['Temps de travail', f.workingTime ? WORKING_TIMES[f.workingTime] : EMPTY],
            ['Contrats acceptés', labels(f.contractTypes, CONTRACT_TYPES)],
          ]}
        />
        <h2>Métiers</h2>
        <Facts
          rows={[
            ['Métiers recherchés', f.wantedJobs.map((j) => j.label ?? j.code)],
            [
              'Compétences déclarées',
              f.skills.length
                ? f.skills.map((s) => s.label ?? `Compétence ${s.code} (retirée du ROME)`)
                : ['Aucune compétence déclarée'],
            ],
            [
              'Expériences',
              f.pastJobs.length
                ? f.pastJobs.map(
                    (j) => `${j.label ?? j.appellationCode} (${formatCount(j.months, 'mois', 'mois')})`,
                  )
                : ['Aucune expérience enregistrée'],
            ],
          ]}
        />
        {f.sensitiveOmitted ? (
          ''
        ) : (
          <>
            <h2>Notes</h2>
            <p safe>{f.notes ?? 'Aucune note.'}</p>
          </>
        )}
        <h2>Information et partages</h2>
        <Facts
          rows={[
            ['Base légale', LEGAL_BASES[f.legalBasis]],
            ['Personne informée le', formatDate(f.informedOn)],
            ...(f.sensitiveOmitted
              ? []
              : ([
                  [
                    'Qui voit aussi ce dossier',
                    f.shares.length
                      ? f.shares.map((s) =>
                          s.basis === 'orientation'
                            ? `${s.organisationName} (orientation acceptée, enregistrée par ${s.recordedBy}${s.until ? `, jusqu’au ${formatDate(s.until)}` : ', pendant le parcours'})`
                            : `${s.organisationName} (consentement du ${formatDate(s.consentOn)}, enregistré par ${s.recordedBy})`,
                        )
                      : ['Aucune organisation'],
                  ],
                ] as [string, string[]][])),
          ]}
        />
      </Layout>,
    );
  });

  app.get('/personnes/:personId/historique', { config: reads }, async (request, reply) => {
    const { personId } = request.params as { personId: string };
    const f = await persons.get(request.actor!, personId);
    const history = await persons.history(request.actor!, personId);
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title={`Historique — ${fileTitle(f)}`} ctx={ctx}>
        <h1 safe>{fileTitle(f)}</h1>
        <Tabs file={f} current="historique" />
        {history.length === 0 ? (
          <p>Aucun événement enregistré pour ce dossier depuis sa création dans Passerelle.</p>
        ) : (
          <DataTable caption="Historique du dossier" headers={['Date', 'Événement', 'Par', 'Détail']}>
            {history.map((h) => (
              <tr>
                <td safe>{formatDateTime(h.occurredAt)}</td>
                <td safe>{HISTORY_ACTIONS[h.action] ?? h.action}</td>
                <td class="fr-cell--multiline" safe>
                  {`${h.actor ?? '—'}${h.organisation ? ` (${h.organisation})` : ''}`}
                </td>
                <td class="fr-cell--multiline" safe>
                  {h.sharedWith
                    ? `avec ${h.sharedWith}`
                    : h.fields.length
                      ? `champs : ${h.fields.map((f) => FIELD_LABELS[f] ?? f).join(', ')}`
                      : ''}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Layout>,
    );
  });
}
