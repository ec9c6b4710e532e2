import type { FastifyInstance } from 'fastify';
import { DataTable } from './components.js';
import { html, pageContext } from './context.js';
import { Layout } from './layout.js';

/**
 * /api/docs in French with the DSFR look (issue 9 §6): Swagger UI is English and, measured with
 * axe-core, failed 4 kinds of WCAG rules (contrast, landmarks, labels). This page lists the API
 * from the same OpenAPI document (so it cannot drift from the routes); Swagger UI stays one link
 * away for trying calls, and the document itself at /api/docs/json.
 */

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean }[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export async function apiDocsPage(app: FastifyInstance, interactivePrefix: string) {
  app.get('/api/docs/json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  app.get('/api/docs', { config: { access: 'public' }, schema: { hide: true } }, (request, reply) => {
    const spec = app.swagger() as {
      info: { title: string; description?: string; version: string };
      paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
    };
    const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const tag = op.tags?.[0] ?? 'Autres';
        byTag.set(tag, [...(byTag.get(tag) ?? []), { method: method.toUpperCase(), path, op }]);
      }
    }
    return html(
      reply,
      <Layout title="Documentation de l’API" ctx={pageContext(request, reply)}>
        <h1>Documentation de l’API</h1>
        <p class="fr-text--lead" safe>
          {spec.info.description ?? ''}
        </p>
        <ul>
          <li>
            Authentification : un jeton créé par l’administrateur de votre organisation (page « Jetons d’API
            »), dans l’en-tête <code>Authorization: Bearer psl_…</code>.
          </li>
          <li>
            Erreurs : au format <code>application/problem+json</code>, avec le champ en cause dans{' '}
            <code>field</code> pour une donnée refusée.
          </li>
          <li>
            Spécification OpenAPI complète : <a href="/api/docs/json">/api/docs/json</a> ; pour essayer les
            appels dans le navigateur :{' '}
            <a href={`${interactivePrefix}/`}>console interactive (Swagger UI, en anglais)</a>.
          </li>
        </ul>
        {[...byTag].map(([tag, operations]) => (
          <section class="fr-mt-4w">
            <h2 safe>{tag}</h2>
            <DataTable
              caption={`${tag} : ${operations.length} opérations`}
              hideCaption
              headers={['Méthode', 'Adresse', 'Rôle de l’opération']}
            >
              {operations.map(({ method, path, op }) => (
                <tr>
                  <td>
                    <span class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon" safe>
                      {method}
                    </span>
                  </td>
                  <td>
                    <code safe>{path}</code>
                  </td>
                  <td safe>{op.summary ?? op.description ?? ''}</td>
                </tr>
              ))}
            </DataTable>
          </section>
        ))}
      </Layout>,
    );
  });
}
