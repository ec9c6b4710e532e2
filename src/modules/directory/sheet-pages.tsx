import type { Children } from '@kitajs/html';
import type { FastifyInstance } from 'fastify';
import { openingHoursInFrench } from '../../shared/opening-hours.js';
import { Alert, Badges, ButtonsGroup } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { formatDate, formatNumber } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import type { DirectoryDeps } from './deps.js';
import { type EnumName, familyOf, labelOf, labelsOf, THEMATIQUE_FAMILIES } from './enums.js';
import type { StoredService, StoredStructure } from './records-repository.js';
import { STALE_AFTER_MONTHS } from './rules.js';

const STALE_NOTICE = `Informations mises à jour il y a plus de ${STALE_AFTER_MONTHS} mois : vérifiez-les auprès de la structure.`;

/**
 * A link read from a record (an import may carry any URI the schema's `uri` format accepts, such
 * as `javascript:`): only http and https addresses become links.
 */
const isWebLink = (url: string | null): url is string => !!url && /^https?:\/\//i.test(url);

/** A link to another site, opened in a new window, said so in its title (RGAA 6.1, DSFR's external links). */
function ExternalLink(p: { href: string; text: string }) {
  return (
    <a href={p.href} target="_blank" rel="noopener" title={`${p.text} – nouvelle fenêtre`} safe>
      {p.text}
    </a>
  );
}

/** A term and its description (dl of the DSFR's plain typography); a term without value is left out. */
/** Opening hours read in French when their OpenStreetMap syntax is the common one, else as given. */
const hours = (value: string | null) => openingHoursInFrench(value) ?? value;

function Fact(p: { term: string; text?: string | null; children?: Children }) {
  if (!p.children && !p.text) return '';
  return (
    <>
      <dt class="fr-text--bold" safe>
        {p.term}
      </dt>
      {p.children ? (
        <dd class="fr-mb-2w">{p.children as 'safe'}</dd>
      ) : (
        <dd class="fr-mb-2w fr-text--pre-line" safe>
          {p.text}
        </dd>
      )}
    </>
  );
}

const labels = (name: EnumName, values: string[] | null) => labelsOf(name, values).join(', ') || null;

/** The thématiques grouped under their family (« Logement et hébergement : louer un logement ; … »). */
function Thematiques(p: { codes: string[] | null }) {
  const families = new Map<string, string[]>();
  for (const code of p.codes ?? []) {
    const family = familyOf(code);
    families.set(family, [...(families.get(family) ?? []), labelOf('thematiques', code)]);
  }
  if (!families.size) return <p>Aucune thématique précisée.</p>;
  return (
    <dl>
      {[...families].map(([family, list]) => (
        <Fact term={THEMATIQUE_FAMILIES[family] ?? family} text={list.join(' ; ')} />
      ))}
    </dl>
  );
}

/** A postal address on two lines (street and complement, then postcode and commune). */
function address(r: {
  adresse: string | null;
  complement_adresse: string | null;
  code_postal: string | null;
  commune: string | null;
}): string | null {
  const street = [r.adresse, r.complement_adresse].filter(Boolean).join(', ');
  const town = [r.code_postal, r.commune].filter(Boolean).join(' ');
  return [street, town].filter(Boolean).join('\n') || null;
}

function Phone(p: { number: string }) {
  return (
    <a href={`tel:${p.number.replace(/[^\d+]/g, '')}`} safe>
      {p.number}
    </a>
  );
}

function Mail(p: { address: string }) {
  return (
    <a href={`mailto:${p.address}`} safe>
      {p.address}
    </a>
  );
}

/** « Mis à jour le … », and the stale notice (issue 13 §5: each record shows its last update; stale ones are flagged). */
function Freshness(p: { dateMaj: string; stale: boolean }) {
  return (
    <>
      <p class="fr-text--sm fr-mb-2w" safe>
        {`Mis à jour le ${formatDate(p.dateMaj)}`}
      </p>
      {p.stale ? <Alert kind="warning" title="Informations à vérifier" text={STALE_NOTICE} /> : ''}
    </>
  );
}

function Breadcrumb(p: { trail: { href: string; text: string }[]; current: string }) {
  return (
    <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
      <ol class="fr-breadcrumb__list">
        {p.trail.map((t) => (
          <li>
            <a class="fr-breadcrumb__link" href={t.href} safe>
              {t.text}
            </a>
          </li>
        ))}
        <li>
          <a class="fr-breadcrumb__link" aria-current="page" safe>
            {p.current}
          </a>
        </li>
      </ol>
    </nav>
  );
}

/** « Source : dora », with the record's page at its producer. */
function Source(p: { source: string; link: string | null }) {
  if (p.source === 'passerelle') return <p class="fr-text--sm">Source : publié sur Passerelle.</p>;
  return (
    <p class="fr-text--sm">
      <span safe>{`Source : ${p.source}`}</span>
      {isWebLink(p.link) ? (
        <>
          {' — '}
          <ExternalLink href={p.link} text="voir la fiche chez le producteur" />
        </>
      ) : (
        ''
      )}
    </p>
  );
}

/** The structure's block of a service sheet, and the facts of a structure sheet. */
function StructureFacts(p: { s: StoredStructure }) {
  const s = p.s;
  return (
    <dl>
      <Fact term="Adresse" text={address(s)} />
      <Fact term="Téléphone">{s.telephone ? <Phone number={s.telephone} /> : ''}</Fact>
      <Fact term="Courriel">{s.courriel ? <Mail address={s.courriel} /> : ''}</Fact>
      <Fact term="Site internet">
        {isWebLink(s.site_web) ? <ExternalLink href={s.site_web} text={s.site_web} /> : ''}
      </Fact>
      <Fact term="Horaires d’accueil" text={hours(s.horaires_accueil)} />
      <Fact term="Accessibilité du lieu">
        {isWebLink(s.accessibilite_lieu) ? (
          <ExternalLink href={s.accessibilite_lieu} text="Informations d’accessibilité (Acceslibre)" />
        ) : (
          ''
        )}
      </Fact>
      <Fact term="Réseaux porteurs" text={labels('reseauxPorteurs', s.reseaux_porteurs)} />
      <Fact term="SIRET" text={s.siret} />
    </dl>
  );
}

function volumeText(v: StoredService): string | null {
  const parts = [
    v.volume_horaire_hebdomadaire !== null
      ? `${formatNumber(v.volume_horaire_hebdomadaire)} h par semaine`
      : '',
    v.nombre_semaines !== null
      ? `pendant ${v.nombre_semaines} semaine${v.nombre_semaines > 1 ? 's' : ''}`
      : '',
  ].filter(Boolean);
  return parts.join(', ') || null;
}

/** The sheets of a service and of a structure (issue 13 §1), public: the public reads what users mobilise. */
export async function sheetPages(app: FastifyInstance, deps: DirectoryDeps) {
  const { directory } = deps;

  app.get('/annuaire/services/:serviceId', { config: { access: 'public' } }, async (request, reply) => {
    const { serviceId } = request.params as { serviceId: string };
    const sheet = await directory.service(request.actor ?? null, serviceId);
    const { service: v, structure: s } = sheet;
    const ctx = pageContext(request, reply);
    const frais = v.frais ? labelOf('frais', v.frais) : null;
    return html(
      reply,
      <Layout title={v.nom} ctx={ctx}>
        <Breadcrumb
          trail={[
            { href: '/annuaire', text: 'Annuaire' },
            { href: `/annuaire/structures/${s.uuid}`, text: s.nom },
          ]}
          current={v.nom}
        />
        <h1 safe>{v.nom}</h1>
        <p>
          Proposé par{' '}
          <a href={`/annuaire/structures/${s.uuid}`} safe>
            {s.nom}
          </a>
        </p>
        <Badges
          badges={[
            ...(v.type ? [{ text: labelOf('types', v.type) }] : []),
            ...(frais
              ? [{ text: frais, kind: v.frais === 'gratuit' ? ('success' as const) : undefined }]
              : []),
            ...(sheet.stale ? [{ text: 'À vérifier', kind: 'warning' as const }] : []),
          ]}
        />
        <Freshness dateMaj={v.date_maj} stale={sheet.stale} />
        {sheet.orient || sheet.editable ? (
          <ButtonsGroup class="fr-btns-group--inline-md">
            {sheet.orient === 'orient' ? (
              <a class="fr-btn" href={`/orientations/nouvelle?vers=service&service=${v.uuid}`}>
                Orienter une personne vers ce service
              </a>
            ) : (
              ''
            )}
            {sheet.editable ? (
              <a class="fr-btn fr-btn--secondary" href={`/annuaire/ma-structure/services/${v.uuid}/modifier`}>
                Modifier ce service
              </a>
            ) : (
              ''
            )}
          </ButtonsGroup>
        ) : (
          ''
        )}
        {sheet.orient === 'contact-partner' ? (
          <div class="fr-callout fr-mb-3w">
            <p class="fr-callout__text">
              Ce partenaire n’est pas sur Passerelle : vous ne pouvez pas lui adresser d’orientation ici.
              Mobilisez ce service avec ses contacts, ci-dessous.
            </p>
          </div>
        ) : (
          ''
        )}

        <h2>Présentation</h2>
        <p class="fr-text--pre-line" safe>
          {v.description}
        </p>

        <h2>Thématiques</h2>
        <Thematiques codes={v.thematiques} />

        <h2>Pour qui</h2>
        <dl>
          <Fact term="Public" text={labels('publics', v.publics) ?? 'Tous publics'} />
          <Fact term="Précisions sur le public" text={v.publics_precisions} />
          <Fact term="Conditions d’accès" text={v.conditions_acces} />
          <Fact term="Zone d’éligibilité" text={sheet.zone.join(', ') || null} />
        </dl>

        <h2>Modalités</h2>
        <dl>
          <Fact
            term="Frais"
            text={
              frais ? `${frais}${v.frais_precisions ? ` : ${v.frais_precisions}` : ''}` : v.frais_precisions
            }
          />
          <Fact term="Modes d’accueil" text={labels('modesAccueil', v.modes_accueil)} />
          <Fact term="Durée" text={volumeText(v)} />
          <Fact term="Lieu" text={address(v)} />
          <Fact term="Horaires d’accueil" text={hours(v.horaires_accueil)} />
        </dl>

        <h2>Comment mobiliser ce service</h2>
        <dl>
          <Fact term="Mobilisable par" text={labels('mobilisablePar', v.mobilisable_par)} />
          <Fact term="Modes de mobilisation" text={labels('modesMobilisation', v.modes_mobilisation)} />
          <Fact term="Précisions" text={v.mobilisation_precisions} />
          <Fact term="Lien de mobilisation">
            {isWebLink(v.lien_mobilisation) ? (
              <ExternalLink href={v.lien_mobilisation} text="Mobiliser ce service en ligne" />
            ) : (
              ''
            )}
          </Fact>
        </dl>

        <h2>Contact</h2>
        {v.contact_nom_prenom || v.telephone || v.courriel ? (
          <dl>
            <Fact term="Personne à contacter" text={v.contact_nom_prenom} />
            <Fact term="Téléphone">{v.telephone ? <Phone number={v.telephone} /> : ''}</Fact>
            <Fact term="Courriel">{v.courriel ? <Mail address={v.courriel} /> : ''}</Fact>
          </dl>
        ) : (
          <p>Contactez la structure (ci-dessous).</p>
        )}

        <h2>La structure</h2>
        <p>
          <a href={`/annuaire/structures/${s.uuid}`} safe>
            {s.nom}
          </a>
        </p>
        <StructureFacts s={s} />
        <Source source={v.source} link={v.lien_source} />
      </Layout>,
    );
  });

  app.get('/annuaire/structures/:structureId', { config: { access: 'public' } }, async (request, reply) => {
    const { structureId } = request.params as { structureId: string };
    const sheet = await directory.structure(request.actor ?? null, structureId);
    const s = sheet.structure;
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title={s.nom} ctx={ctx}>
        <Breadcrumb trail={[{ href: '/annuaire', text: 'Annuaire' }]} current={s.nom} />
        <h1 safe>{s.nom}</h1>
        <Freshness dateMaj={s.date_maj} stale={sheet.stale} />
        {s.description ? (
          <p class="fr-text--pre-line" safe>
            {s.description}
          </p>
        ) : (
          ''
        )}
        <StructureFacts s={s} />
        <h2 safe>{`Services (${sheet.services.length})`}</h2>
        {sheet.services.length ? (
          <ul>
            {sheet.services.map((v) => (
              <li class="fr-mb-2w">
                <a href={`/annuaire/services/${v.uuid}`} safe>
                  {v.nom}
                </a>
                <p class="fr-text--sm fr-mb-1v" safe>
                  {[
                    ...new Set(
                      (v.thematiques ?? []).map((t) => THEMATIQUE_FAMILIES[familyOf(t)] ?? familyOf(t)),
                    ),
                  ].join(', ')}
                </p>
                <Badges
                  small
                  badges={[
                    ...((v.mobilisable_par ?? []).includes('usagers')
                      ? [{ text: 'Mobilisable par les usagers', kind: 'info' as const }]
                      : [{ text: 'Sur orientation d’un professionnel' }]),
                    ...(v.stale ? [{ text: 'À vérifier', kind: 'warning' as const }] : []),
                  ]}
                />
              </li>
            ))}
          </ul>
        ) : (
          <p>Cette structure ne publie aucun service pour l’instant.</p>
        )}
        <Source source={s.source} link={s.lien_source} />
      </Layout>,
    );
  });
}
