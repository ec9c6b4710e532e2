import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from './context.js';
import { LinkButtons } from './form-actions.js';
import { Layout, type PageContext } from './layout.js';
import type { Problem } from './problem.js';
import { frenchHtml } from './typography.js';

/** The page context, or an anonymous one for a request refused before its hooks ran (router errors). */
function errorContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  try {
    return pageContext(request, reply);
  } catch {
    return { actor: null, csrf: '', path: '/', nav: [] };
  }
}

export function renderErrorPage(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  const ctx = errorContext(request, reply);
  const page = (
    <Layout title={problem.title} ctx={ctx}>
      <h1 safe>{problem.title}</h1>
      <p class="fr-text--lead" safe>
        {problem.detail}
      </p>
      <p class="fr-text--sm" safe>{`Erreur ${problem.status}`}</p>
      <LinkButtons
        links={[
          { href: '/', label: 'Page d’accueil' },
          ...(problem.status === 401 ? [{ href: '/connexion', label: 'Se connecter' }] : []),
        ]}
      />
    </Layout>
  );
  // The same typography as every other page (web/context.ts `html`).
  return typeof page === 'string' ? frenchHtml(page) : page.then(frenchHtml);
}
