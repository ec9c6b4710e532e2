/** The DSFR footer: the service's purpose and the mandatory links (accessibility, legal notices). */
const BOTTOM_LINKS: [string, string][] = [
  ['/accessibilite', 'Accessibilité : partiellement conforme'],
  ['/mentions-legales', 'Mentions légales'],
  ['/donnees-personnelles', 'Données personnelles'],
  ['/referentiels', 'Référentiels'],
  ['/api/docs', 'API'],
];

/** The « République française » block mark that the DSFR puts in the header and the footer. */
export function StateLogo() {
  return (
    <p class="fr-logo">
      République
      <br />
      Française
    </p>
  );
}

export function Footer() {
  return (
    <footer class="fr-footer" id="pied-de-page">
      <div class="fr-container">
        <div class="fr-footer__body">
          <div class="fr-footer__brand fr-enlarge-link">
            <a href="/" title="Retour à l’accueil — Passerelle">
              <StateLogo />
            </a>
          </div>
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">
              Passerelle est le service numérique partagé de la Région et de ses partenaires de l’emploi, de
              l’orientation et de la formation.
            </p>
          </div>
        </div>
        <div class="fr-footer__bottom">
          <ul class="fr-footer__bottom-list">
            {BOTTOM_LINKS.map(([href, label]) => (
              <li class="fr-footer__bottom-item">
                <a class="fr-footer__bottom-link" href={href} safe>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </footer>
  );
}
