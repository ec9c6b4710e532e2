import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Alert, InputField } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { formatDate, formatDateTime } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { PersonsDeps } from './deps.js';
import { ERASURE_KEEPS } from './rgpd-service.js';
import { BARRIERS, LEGAL_BASES, SITUATIONS } from './rules.js';
import type { PersonFile } from './service.js';

const fullName = (f: { firstName: string; lastName: string }) => `${f.firstName} ${f.lastName.toUpperCase()}`;

/** The export as a file to download: `personne-<id>.json`. */
export function sendExport(reply: FastifyReply, personId: string, data: unknown) {
  return reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="donnees-personne-${personId.slice(0, 8)}.json"`)
    .send(JSON.stringify(data, null, 2));
}

/** The export's content on one printable page (no PDF library is installed: the browser prints). */
export function ExportSheet(p: { data: Awaited<ReturnType<PersonsDeps['persons']['exportOwn']>> }) {
  const f: PersonFile = p.data.file;
  const rows: [string, string][] = [
    ['Nom', fullName(f)],
    ['Date de naissance', formatDate(f.birthDate)],
    ['Adresse électronique', f.email ?? '—'],
    ['Téléphone', f.phone ?? '—'],
    ['Commune', f.commune ? `${f.commune.name ?? f.commune.code}` : '—'],
    ['Identifiant France Travail', f.franceTravailId ?? '—'],
    ['Situations', f.situations.map((c) => SITUATIONS[c]?.label ?? c).join(', ') || '—'],
    ['Métiers recherchés', f.wantedJobs.map((j) => j.label ?? j.code).join(', ')],
    [
      'Expériences',
      f.pastJobs.map((j) => `${j.label ?? j.appellationCode} (${j.months} mois)`).join(', ') || '—',
    ],
    ['Disponible à partir du', f.availableFrom ? formatDate(f.availableFrom) : '—'],
    ['Rayon de mobilité', f.mobilityRadiusKm !== null ? `${f.mobilityRadiusKm} km` : '—'],
    ['Compétences déclarées', f.skills.map((s) => s.label ?? s.code).join(', ') || '—'],
    ['Freins', f.barriers.map((c) => BARRIERS[c]?.label ?? c).join(', ') || '—'],
    ['Notes du conseiller', f.notes ?? '—'],
    ['Organisation référente (responsable du traitement)', p.data.controller],
    ['Base légale', LEGAL_BASES[f.legalBasis]],
    ['Personne informée le', formatDate(f.informedOn)],
    [
      'Partagé avec',
      f.shares.map((s) => `${s.organisationName} (accord du ${formatDate(s.consentOn)})`).join(', ') ||
        'Personne',
    ],
    ['Profil visible des employeurs sans le nom', f.employerVisible ? 'Oui' : 'Non'],
    ['Dernier contact', p.data.lastContactAt ? formatDateTime(p.data.lastContactAt) : '—'],
  ];
  return (
    <>
      <p safe>{`${p.data.about} Export du ${formatDateTime(p.data.exportedAt)}.`}</p>
      <dl>
        {rows.map(([term, value]) => (
          <>
            <dt class="fr-text--bold" safe>
              {term}
            </dt>
            <dd class="fr-mb-2w" safe>
              {value}
            </dd>
          </>
        ))}
      </dl>
      <h2>Historique</h2>
      <ul>
        {p.data.history.map((h) => (
          <li
            safe
          >{`${formatDateTime(h.occurredAt ?? '')} — ${h.action} — ${h.by ?? '—'}${h.organisation ? ` (${h.organisation})` : ''}`}</li>
        ))}
      </ul>
    </>
  );
}

/**
 * The RGPD rights over a file, for its referent organisation (issue 10 §1): the whole file as JSON
 * or as a printable page (right of access, art. 15), the invitation to the person's own space, and
 * the erasure (art. 17) with what it keeps and why.
 */
export async function personRgpdPages(app: FastifyInstance, { persons }: PersonsDeps) {
  async function rgpdPage(
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    message: { error?: AppError; invited?: string } = {},
  ) {
    await persons.checkReferent(request.actor!, personId);
    const f = await persons.get(request.actor!, personId);
    const ctx = pageContext(request, reply);
    const err = message.error;
    return html(
      reply,
      <Layout title={`Données personnelles — ${fullName(f)}`} ctx={ctx}>
        <h1 safe>{`Données personnelles de ${fullName(f)}`}</h1>
        {message.invited ? (
          <Alert
            kind="success"
            title="Invitation envoyée"
            text={`Un lien a été envoyé à ${message.invited}.`}
          />
        ) : (
          ''
        )}
        {err && err.field !== 'confirm' ? (
          <Alert kind="error" title="Action impossible" text={err.message} focus />
        ) : (
          ''
        )}
        <p>
          <a href={`/personnes/${f.id}`}>Retour au dossier</a>
        </p>
        <h2>Droit d’accès (RGPD, article 15)</h2>
        <p>Remettez à la personne l’ensemble de son dossier.</p>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <a class="fr-btn" href={`/personnes/${f.id}/export.json`}>
              Télécharger le dossier complet (JSON)
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={`/personnes/${f.id}/export`}>
              Version imprimable
            </a>
          </li>
        </ul>
        <h2>Espace personnel</h2>
        <p>
          La personne reçoit un lien par courriel pour ouvrir son espace : elle y voit et corrige son profil,
          et télécharge ses données.
        </p>
        <form method="post" action={`/personnes/${f.id}/invitation`} class="fr-mb-4w">
          <CsrfField token={ctx.csrf} />
          <button class="fr-btn fr-btn--secondary" type="submit" disabled={!f.email}>
            Inviter la personne à son espace
          </button>
          {f.email ? '' : <p class="fr-hint-text">Ajoutez d’abord son adresse électronique au dossier.</p>}
        </form>
        <h2>Droit à l’effacement (RGPD, article 17)</h2>
        <p>
          L’effacement supprime le dossier, ses partages, son historique et l’espace de la personne. Il ne
          peut pas être annulé.
        </p>
        <p>Ce qui est gardé, et pourquoi :</p>
        <ul>
          {ERASURE_KEEPS.map((k) => (
            <li>{k}</li>
          ))}
        </ul>
        <form method="post" action={`/personnes/${f.id}/effacement`}>
          <CsrfField token={ctx.csrf} />
          <InputField
            name="confirm"
            label="Pour confirmer, recopiez le nom de famille de la personne"
            required
            error={err?.field === 'confirm' ? err.message : undefined}
            autocomplete="off"
          />
          <button class="fr-btn fr-btn--tertiary" type="submit">
            Effacer définitivement le dossier
          </button>
        </form>
      </Layout>,
      err ? 400 : 200,
    );
  }

  app.get(
    '/personnes/:personId/donnees',
    { config: { access: 'user', audit: 'person.read' } },
    async (request, reply) => rgpdPage(request, reply, (request.params as { personId: string }).personId),
  );

  app.get(
    '/personnes/:personId/export.json',
    { config: { access: 'user', audit: 'person.exported' } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      return sendExport(reply, personId, await persons.exportFile(request.actor!, personId));
    },
  );

  app.get(
    '/personnes/:personId/export',
    { config: { access: 'user', audit: 'person.exported' } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      const data = await persons.exportFile(request.actor!, personId);
      const ctx = pageContext(request, reply);
      return html(
        reply,
        <Layout title={`Dossier complet — ${fullName(data.file)}`} ctx={ctx}>
          <h1 safe>{`Dossier de ${fullName(data.file)}`}</h1>
          <p class="psl-no-print">
            Pour un PDF, imprimez cette page et choisissez « Enregistrer au format PDF ».
          </p>
          <ExportSheet data={data} />
        </Layout>,
      );
    },
  );

  app.post(
    '/personnes/:personId/invitation',
    { config: { access: 'user', audit: ['person.invited', 'person.read'] } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      try {
        const { email } = await persons.invite(request.actor!, personId);
        return rgpdPage(request, reply, personId, { invited: email });
      } catch (e) {
        if (e instanceof AppError && e.kind === 'invalid')
          return rgpdPage(request, reply, personId, { error: e });
        throw e;
      }
    },
  );

  app.post(
    '/personnes/:personId/effacement',
    { config: { access: 'user', audit: ['person.erased', 'person.read'] } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      try {
        await persons.erase(request.actor!, personId, formValue(request.body, 'confirm'));
      } catch (e) {
        if (e instanceof AppError && e.kind === 'invalid')
          return rgpdPage(request, reply, personId, { error: e });
        throw e;
      }
      return reply.redirect('/personnes?info=efface', 303);
    },
  );
}
