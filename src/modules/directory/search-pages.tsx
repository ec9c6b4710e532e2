import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Alert, Badges, TagLinks } from '../../web/components.js';
import { html, pageContext } from '../../web/context.js';
import { FieldGrid, InputField, SelectField, suggested } from '../../web/form.js';
import { formatCount, formatDate, formatNumber } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import { Pagination } from '../../web/pagination.js';
import type { DirectoryDeps } from './deps.js';
import { ENUMS, THEMATIQUE_FAMILIES } from './enums.js';
import { ResultsMap } from './map.js';
import { STALE_AFTER_MONTHS } from './rules.js';
import type { DirectoryHit, DirectorySearchResult, RawQuery } from './search-service.js';

/** The search's own fields, kept in the pagination's links. */
const SEARCH_FIELDS = ['q', 'thematique', 'commune', 'radiusKm', 'public', 'frais', 'accueil', 'type'];
/** The fields the form shows its refusal next to; another one is said above the results. */
const FORM_FIELDS = new Set(SEARCH_FIELDS);

function keptQuery(q: RawQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const k of SEARCH_FIELDS) {
    const v = q[k];
    if (typeof v === 'string' && v.trim()) params.set(k, v.trim());
  }
  return params;
}

/** « 12 services », « 1 service », « Aucun service ». */
export const serviceCount = (n: number) => formatCount(n, 'service', 'services', 'Aucun service');

/** The badges of a result: its thématiques, Gratuit, À distance, and « À vérifier » when stale. */
export function hitBadges(hit: DirectoryHit) {
  return [
    ...(hit.stale
      ? [
          {
            text: `À vérifier : mise à jour il y a plus de ${STALE_AFTER_MONTHS} mois`,
            kind: 'warning' as const,
          },
        ]
      : []),
    ...(hit.frais === 'gratuit' ? [{ text: 'Gratuit', kind: 'success' as const }] : []),
    ...(hit.remote || hit.modesAccueil.some((m) => m.code === 'a-distance')
      ? [{ text: 'À distance', kind: 'info' as const }]
      : []),
    ...hit.thematiques.slice(0, 3).map((t) => ({ text: t.label })),
  ];
}

/** Where the service is, as the list says it: « Lyon · à 3,2 km », « à distance ». */
export function hitPlace(hit: DirectoryHit): string {
  if (hit.remote) return 'À distance';
  const parts = [hit.commune, hit.distanceKm !== null ? `à ${formatNumber(hit.distanceKm)} km` : null];
  return parts.filter(Boolean).join(' · ');
}

/** What the words were read as: « Besoin compris : Logement et hébergement ». */
export function understood(result: Pick<DirectorySearchResult, 'needs' | 'corrections'>): string[] {
  const lines: string[] = [];
  if (result.needs.length) lines.push(`Besoin compris : ${result.needs.map((n) => n.label).join(', ')}`);
  if (result.corrections.length)
    lines.push(
      `Recherche corrigée : ${result.corrections.map((c) => `« ${c.from} » → « ${c.to} »`).join(', ')}`,
    );
  return lines;
}

/** /annuaire (issue 13 §2): the directory's search, for the public and for professionals. */
export async function searchPages(app: FastifyInstance, { directory }: DirectoryDeps) {
  app.get('/annuaire', { config: { access: 'public' } }, async (request, reply) => {
    const q = request.query as RawQuery;
    const ctx = pageContext(request, reply);
    const query = keptQuery(q);
    let result: DirectorySearchResult | null = null;
    let error: AppError | null = null;
    try {
      result = await directory.search(request.actor, q);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      error = e;
    }
    const v = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : '');
    const bind = (name: string) => ({
      name,
      value: v(name),
      error: error?.field === name ? error.message : undefined,
    });
    const offset = result ? (result.page - 1) * result.perPage : 0;
    const markers = (result?.items ?? []).flatMap((hit, i) =>
      !hit.remote && hit.latitude !== null && hit.longitude !== null
        ? [
            {
              n: offset + i + 1,
              href: `/annuaire/services/${hit.uuid}`,
              nom: hit.nom,
              latitude: hit.latitude,
              longitude: hit.longitude,
            },
          ]
        : [],
    );
    const heading = result
      ? `${serviceCount(result.total)}${result.commune ? ` à moins de ${result.radiusKm} km de ${result.commune.name} ou à distance` : ''}`
      : '';
    return html(
      reply,
      <Layout title={result ? `Annuaire des partenaires — ${heading}` : 'Annuaire des partenaires'} ctx={ctx}>
        <h1>Annuaire des partenaires</h1>
        <p>
          Les services des structures de la région : logement, mobilité, garde d’enfants, santé, droits,
          emploi, formation… Décrivez le besoin avec vos mots.
        </p>
        <form method="get" action="/annuaire" role="search" aria-label="Recherche dans l’annuaire">
          <FieldGrid col={['fr-col-12 fr-col-md-6', 'fr-col-12 fr-col-md-4', 'fr-col-12 fr-col-md-2']}>
            <InputField
              {...bind('q')}
              label="Votre besoin"
              hint="Ex. : logement, loyer impayé, permis, garde d’enfants, dettes, CV, cours de français. Les fautes de frappe sont corrigées."
            />
            <>
              <InputField
                {...bind('commune')}
                label="Commune"
                hint="Nom ou code INSEE, puis choisissez dans la liste"
                {...suggested('/formations/communes-suggerees', 'communes-annuaire')}
              />
              <datalist id="communes-annuaire" />
            </>
            <SelectField
              {...bind('radiusKm')}
              value={v('radiusKm') || '20'}
              label="Rayon"
              options={['5', '10', '20', '30', '50', '100'].map((r) => [r, `${r} km`])}
            />
          </FieldGrid>
          <FieldGrid col="fr-col-12 fr-col-md-4 fr-col-lg-2">
            <SelectField
              {...bind('thematique')}
              label="Thématique"
              placeholder="Toutes"
              options={Object.entries(THEMATIQUE_FAMILIES)}
            />
            <SelectField
              {...bind('public')}
              label="Public"
              placeholder="Tous"
              options={ENUMS.publics.filter((p) => p.value !== 'tous-publics').map((p) => [p.value, p.label])}
            />
            <SelectField
              {...bind('frais')}
              label="Frais"
              placeholder="Tous"
              options={[
                ['gratuit', 'Gratuit'],
                ['payant', 'Payant'],
              ]}
            />
            <SelectField
              {...bind('accueil')}
              label="Accueil"
              placeholder="Tous"
              options={[
                ['en-presentiel', 'Sur place'],
                ['a-distance', 'À distance'],
              ]}
            />
            <SelectField
              {...bind('type')}
              label="Type de service"
              placeholder="Tous"
              options={ENUMS.types.map((t) => [t.value, t.label])}
            />
            <button type="submit" class="fr-btn fr-icon-search-line fr-btn--icon-left fr-mt-lg-4w">
              Rechercher
            </button>
          </FieldGrid>
        </form>
        {error && !FORM_FIELDS.has(error.field ?? '') ? (
          <Alert kind="error" title="Recherche impossible" text={error.message} />
        ) : (
          ''
        )}
        {result ? (
          <section class="fr-mt-3w" aria-labelledby="resultats">
            <h2 class="fr-h4" id="resultats" aria-live="polite" safe>
              {heading}
            </h2>
            {understood(result).map((line) => (
              <p class="fr-text--sm fr-mb-1w" safe>
                {line}
              </p>
            ))}
            {result.families.length > 1 ? (
              <nav aria-label="Affiner par thématique" class="fr-mb-1w">
                <TagLinks
                  tags={result.families.map((f) => {
                    const refined = new URLSearchParams(query);
                    refined.set('thematique', f.family);
                    return {
                      text: `${f.label} (${f.count})`,
                      href: `/annuaire?${refined}`,
                      current: v('thematique') === f.family,
                    };
                  })}
                />
              </nav>
            ) : (
              ''
            )}
            {result.publicOnly ? (
              <p class="fr-text--sm">
                Vous voyez les services que chacun peut solliciter directement. Les professionnels connectés
                voient aussi ceux qu’ils mobilisent pour les personnes qu’ils accompagnent.
              </p>
            ) : (
              ''
            )}
            {markers.length ? (
              <ResultsMap
                centre={result.commune}
                radiusKm={result.commune ? result.radiusKm : null}
                markers={markers}
                tiles={directory.mapTiles}
              />
            ) : (
              ''
            )}
            <ol class="psl-results" start={offset + 1}>
              {result.items.map((hit) => (
                <li class="fr-card fr-card--horizontal fr-enlarge-link fr-mb-2w">
                  <div class="fr-card__body">
                    <div class="fr-card__content">
                      <h3 class="fr-card__title">
                        <a href={`/annuaire/services/${hit.uuid}`} safe>
                          {hit.nom}
                        </a>
                      </h3>
                      <p class="fr-card__desc" safe>
                        {[hit.structureNom, hitPlace(hit)].filter(Boolean).join(' — ')}
                      </p>
                      <div class="fr-card__start">
                        <Badges small badges={hitBadges(hit)} />
                      </div>
                      <div class="fr-card__end">
                        <p class="fr-card__detail" safe>
                          {`${hit.mobilisableParUsagers ? 'Accessible directement' : 'Sur orientation d’un professionnel'} · mis à jour le ${formatDate(hit.dateMaj)}`}
                        </p>
                      </div>
                    </div>
                  </div>
                </li>
              ))}
            </ol>
            {result.items.length === 0 ? (
              <p>
                Aucun service ne correspond. Élargissez le rayon, retirez un critère ou décrivez le besoin
                autrement.
              </p>
            ) : (
              ''
            )}
            <Pagination
              page={result.page}
              total={result.total}
              pageSize={result.perPage}
              baseQuery={query}
              path="/annuaire"
              maxPage={1000}
            />
          </section>
        ) : (
          ''
        )}
      </Layout>,
      error ? 400 : 200,
    );
  });
}
