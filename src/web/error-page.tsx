import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from './context.js';
import { Layout } from './layout.js';
import type { Problem } from './problem.js';

export function renderErrorPage(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  const ctx = pageContext(request, reply);
  return (
    <Layout title={problem.title} ctx={ctx}>
      <h1 safe>{problem.title}</h1>
      <p class="fr-text--lead" safe>
        {problem.detail}
      </p>
      <p class="fr-text--sm" safe>{`Erreur ${problem.status}`}</p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/">
            Page d’accueil
          </a>
        </li>
        {problem.status === 401 ? (
          <li>
            <a class="fr-btn fr-btn--secondary" href="/connexion">
              Se connecter
            </a>
          </li>
        ) : (
          ''
        )}
      </ul>
    </Layout>
  );
}
