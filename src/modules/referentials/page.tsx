import type { FastifyInstance } from 'fastify';
import { html, pageContext } from '../../web/context.js';
import { formatDate, MISSING } from '../../web/format.js';
import { Layout } from '../../web/layout.js';
import { DataTable, NumberCell } from '../../web/table.js';
import type { ReferentialsDeps } from './deps.js';

/** What each loaded table is, for the people who rely on it (names as in `referential_load`). */
const LABELS: Record<string, string> = {
  rome_trades: 'ROME : fiches métiers (codes à 5 caractères)',
  rome_appellations: 'ROME : appellations (intitulés de métier)',
  rome4_metiers: 'ROME 4.0 : métiers',
  rome4_skills: 'ROME 4.0 : savoir-faire, savoir-être et savoirs',
  rome4_metier_skills: 'ROME 4.0 : compétences de chaque métier',
  rome4_mobility: 'ROME 4.0 : mobilités entre métiers proches',
  rome4_work_contexts: 'ROME 4.0 : contextes de travail',
  communes: 'Communes (code officiel géographique)',
  commune_history: 'Anciens codes de communes',
  employment_zones: 'Zones d’emploi INSEE 2020',
};

/**
 * « Référentiels » (public): which version of ROME and of the communes the service uses, so that a
 * partner whose software still codes in ROME v3 knows what Passerelle reads (issue 10 §4).
 */
export async function referentialsPage(app: FastifyInstance, { referentials }: ReferentialsDeps) {
  /**
   * The <datalist> options of an appellation field, for whatever it is named (htmx sends the
   * field's own name): the label shown, the ROME appellation code sent, as /communes/suggestions
   * does for communes. A person's wanted jobs, an offer's job: typed as words, stored as codes.
   */
  app.get('/appellations/suggestions', { config: { access: 'public' } }, async (request, reply) => {
    const typed = Object.values((request.query ?? {}) as Record<string, unknown>).find(
      (v): v is string => typeof v === 'string' && v.trim() !== '',
    );
    const q = (typed ?? '').trim().slice(0, 100);
    // A code already chosen suggests nothing more.
    const hits = q && !/^\d+$/.test(q) ? await referentials.suggestAppellations(q, 10) : [];
    return html(
      reply,
      <>
        {hits.map((a) => (
          <option value={a.code} safe>{`${a.label} — ${a.romeCode}`}</option>
        ))}
      </>,
    );
  });

  app.get('/referentiels', { config: { access: 'public' } }, async (request, reply) => {
    const loads = await referentials.loads();
    const rome4 = loads.find((l) => l.name === 'rome4_metiers');
    return html(
      reply,
      <Layout title="Référentiels" ctx={pageContext(request, reply)}>
        <h1>Référentiels</h1>
        <p>
          {rome4?.version
            ? `Passerelle utilise le ROME 4.0 de France Travail, version ${rome4.version}, et le code officiel géographique de l’INSEE.`
            : 'Les référentiels ne sont pas encore chargés.'}
        </p>
        <DataTable
          caption="Référentiels chargés"
          headers={['Référentiel', 'Version', 'Lignes', 'Chargé le', 'Source']}
          numeric={[2]}
        >
          {loads.map((l) => (
            <tr>
              <td safe>{LABELS[l.name] ?? l.name}</td>
              <td safe>{l.version ?? MISSING}</td>
              <NumberCell value={l.rowCount} />
              <td safe>{formatDate(l.loadedAt)}</td>
              <td safe>{l.source}</td>
            </tr>
          ))}
        </DataTable>
      </Layout>,
    );
  });
}
