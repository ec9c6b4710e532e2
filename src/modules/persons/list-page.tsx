import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Alert, DataTable, FieldGrid, InputField, Pagination, SelectField } from '../../web/components.js';
import { html, pageContext, pageParam } from '../../web/context.js';
import { suggested } from '../../web/form.js';
import { formatCount, formatDate, MISSING } from '../../web/format.js';

const NOT_GIVEN: string = 'Non précisé';

import { Layout } from '../../web/layout.js';
import type { PersonsDeps } from './deps.js';
import { SITUATIONS } from './rules.js';
import type { PersonListQuery } from './schemas.js';

const str = (q: Record<string, unknown>, k: string) => {
  const v = q[k];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

/** The query a page receives, kept to what the service understands (a bad value is a 400 naming it). */
function listQuery(raw: Record<string, unknown>, page: number): PersonListQuery {
  const pick = <T extends string>(k: string, allowed: readonly T[]) => {
    const v = str(raw, k);
    if (v !== undefined && !allowed.includes(v as T))
      throw new AppError('invalid', `Filtre « ${k} » invalide.`, k);
    return v as T | undefined;
  };
  const department = str(raw, 'department');
  if (department && !/^(\d{2,3}|2[ABab])$/.test(department))
    throw new AppError('invalid', 'Département : un code comme 69 ou 2A.', 'department');
  // The form's field is « communeCode », the name /communes/suggestions reads, so that typing a
  // name suggests communes (a counsellor knows « Vienne », not 38544); links and pages keep « commune ».
  const communeField = str(raw, 'communeCode') !== undefined ? 'communeCode' : 'commune';
  const commune = str(raw, communeField);
  if (commune && !/^[0-9AB]{5}$/.test(commune))
    throw new AppError(
      'invalid',
      'Commune : tapez son nom puis choisissez-la dans la liste proposée.',
      communeField,
    );
  return {
    q: str(raw, 'q')?.slice(0, 100),
    scope: pick('scope', ['all', 'referent', 'shared'] as const),
    situation: pick('situation', Object.keys(SITUATIONS) as (keyof typeof SITUATIONS)[]),
    age: pick('age', ['young', 'senior'] as const),
    department,
    commune,
    availableNow: pick('availableNow', ['true', 'false'] as const),
    page,
  };
}

/** « Mes personnes »: search and the daily filters, a DSFR table, pages; works without JavaScript. */
export async function personListPage(app: FastifyInstance, { persons }: PersonsDeps) {
  app.get('/personnes', { config: { access: 'user', audit: 'persons.list' } }, async (request, reply) => {
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const query = listQuery(raw, pageParam(request));
    const result = await persons.list(request.actor!, query);
    const ctx = pageContext(request, reply);
    const kept = new URLSearchParams(
      Object.entries(query).filter(([k, v]) => k !== 'page' && v !== undefined) as [string, string][],
    );
    return html(
      reply,
      <Layout title="Mes personnes" ctx={ctx}>
        <h1>Mes personnes</h1>
        {raw.info === 'efface' ? (
          <Alert
            kind="success"
            title="Dossier effacé"
            text="Le dossier a été effacé. Le journal d’audit garde la trace des accès, sans le nom de la personne."
          />
        ) : (
          ''
        )}
        <p>
          Les personnes dont votre organisation tient le dossier, et celles dont le dossier lui a été partagé.{' '}
          <a class="fr-link" href="/personnes/nouvelle">
            Créer un dossier
          </a>
        </p>
        <form method="get" action="/personnes" role="search" aria-label="Rechercher une personne">
          <FieldGrid col="fr-col-12 fr-col-md-4">
            <InputField name="q" label="Nom ou identifiant France Travail" value={query.q} />
            <SelectField
              name="scope"
              label="Dossiers"
              options={[
                ['all', 'Tous'],
                ['referent', 'Tenus par mon organisation'],
                ['shared', 'Partagés avec mon organisation'],
              ]}
              value={query.scope ?? 'all'}
            />
            <SelectField
              name="situation"
              label="Situation"
              hint="RSA, ASS, AAH, RQTH : dossiers tenus seulement"
              placeholder="Toutes"
              options={Object.entries(SITUATIONS).map(([k, s]) => [k, s.label])}
              value={query.situation ?? null}
            />
            <SelectField
              name="age"
              label="Âge"
              placeholder="Tous"
              options={[
                ['young', 'Moins de 26 ans'],
                ['senior', '50 ans et plus'],
              ]}
              value={query.age ?? null}
            />
            <InputField name="department" label="Département" hint="Ex. : 69" value={query.department} />
            <InputField
              name="communeCode"
              label="Commune"
              hint="Tapez le nom, puis choisissez dans la liste"
              value={query.commune}
              {...suggested('/communes/suggestions', 'communes-suggerees')}
            />
            <SelectField
              name="availableNow"
              label="Disponibilité"
              placeholder="Toutes"
              options={[['true', 'Disponibles aujourd’hui']]}
              value={query.availableNow ?? null}
            />
          </FieldGrid>
          <datalist id="communes-suggerees" />
          <button type="submit" class="fr-btn fr-mt-2w fr-mb-3w">
            Rechercher
          </button>
        </form>
        {result.total === 0 ? <Alert kind="info" title="Aucune personne ne correspond à ces critères" /> : ''}
        <DataTable
          caption={formatCount(result.total, 'personne')}
          headers={['Nom', 'Naissance', 'Commune', 'Métier recherché', 'Disponible', 'Dossier']}
          stacked
        >
          {result.items.map((p) => (
            // The text cells wrap (fr-cell--multiline): DSFR cells do not by default, and a long
            // appellation or « Partagé par » an organisation's full name made the table wider than
            // the page at 1280 px (counsellor walk).
            <tr>
              <td class="fr-cell--multiline">
                <a href={`/personnes/${p.id}`} safe>
                  {`${p.lastName.toUpperCase()} ${p.firstName}`}
                </a>
              </td>
              <td data-label="Naissance" safe>
                {formatDate(p.birthDate)}
              </td>
              <td data-label="Commune" class="fr-cell--multiline" safe>
                {p.communeName ? `${p.communeName} (${p.departmentCode})` : String(MISSING)}
              </td>
              <td data-label="Métier recherché" class="fr-cell--multiline" safe>
                {p.wantedJob ?? '—'}
              </td>
              <td data-label="Disponible" safe>
                {p.availableFrom ? formatDate(p.availableFrom) : String(NOT_GIVEN)}
              </td>
              <td data-label="Dossier" class="fr-cell--multiline" safe>
                {/* « Tenu » alone read as a status of the person (counsellor walk). */}
                {p.isReferent ? 'Tenu par mon organisation' : `Partagé par ${p.referentName}`}
              </td>
            </tr>
          ))}
        </DataTable>
        <Pagination
          page={result.page}
          total={result.total}
          pageSize={result.pageSize}
          baseQuery={kept}
          path="/personnes"
        />
      </Layout>,
    );
  });
}
