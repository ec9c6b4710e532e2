import type { FastifyInstance } from 'fastify';
import { html, pageContext } from './context.js';
import { Layout } from './layout.js';

const PAGES: Record<string, { title: string; body: string[] }> = {
  '/accessibilite': {
    title: 'Déclaration d’accessibilité',
    body: [
      'La Région s’engage à rendre Passerelle accessible conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.',
      'État de conformité : Passerelle est partiellement conforme au référentiel général d’amélioration de l’accessibilité (RGAA) version 4.1. Chaque page est vérifiée automatiquement (axe-core) à chaque modification ; l’audit complet reste à conduire.',
      'Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez l’administrateur de votre organisation pour être orienté vers une alternative accessible. Vous pouvez aussi saisir le Défenseur des droits.',
    ],
  },
  '/mentions-legales': {
    title: 'Mentions légales',
    body: [
      'Éditeur : la Région, pour le compte du service public régional de l’orientation, de l’emploi et de la formation et de ses partenaires.',
      'Les référentiels ROME 4.0 (France Travail) et le code officiel géographique (INSEE) sont réutilisés sous Licence Ouverte / Etalab 2.0 ; leurs versions sont sur la page « Référentiels ».',
    ],
  },
  '/donnees-personnelles': {
    title: 'Données personnelles',
    body: [
      'Passerelle traite les données des professionnels qui l’utilisent (nom, adresse électronique, organisation, rôle) pour leur donner accès au service. Chaque connexion et chaque consultation d’un dossier personnel sont tracées dans un journal d’audit consultable par les administrateurs.',
      'Les personnes accompagnées disposent des droits d’accès, de rectification, d’effacement et de limitation prévus par le RGPD, à exercer auprès de l’organisation qui les accompagne.',
    ],
  },
};

export async function staticPages(app: FastifyInstance) {
  for (const [path, page] of Object.entries(PAGES)) {
    app.get(path, { config: { access: 'public' } }, (request, reply) =>
      html(
        reply,
        <Layout title={page.title} ctx={pageContext(request, reply)}>
          <h1 safe>{page.title}</h1>
          {page.body.map((p) => (
            <p safe>{p}</p>
          ))}
        </Layout>,
      ),
    );
  }
}
