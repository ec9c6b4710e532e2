import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Alert, InputField, SelectField } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { PersonsDeps } from './deps.js';
import { PersonForm } from './form-page.js';
import { personFromForm } from './form-values.js';
import type { PersonInput } from './schemas.js';

/** A refusal a form shows again (its field named), rather than an error page. */
const shownInForm = (e: unknown): e is AppError =>
  e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict');

/**
 * Creating, editing and sharing a file. A refused form is shown again with what was typed and
 * never reads the file again (the route declares only its write: shared/audit.ts).
 */
export async function personEditPages(app: FastifyInstance, { persons }: PersonsDeps) {
  async function createPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<PersonInput>,
    error: AppError | null,
  ) {
    const ctx = pageContext(request, reply);
    const duplicate = error?.kind === 'conflict' && error.field === 'confirmDuplicate';
    const skillChoices = await persons.skillChoices(values.skills ?? [], values.wantedJobs ?? []);
    return html(
      reply,
      <Layout title="Créer le dossier d’une personne" ctx={ctx}>
        <h1>Créer le dossier d’une personne</h1>
        <PersonForm
          action="/personnes"
          csrf={ctx.csrf}
          values={values}
          error={error}
          duplicate={duplicate}
          skillChoices={skillChoices}
          submitLabel="Créer le dossier"
        />
      </Layout>,
      error ? (duplicate ? 409 : 400) : 200,
    );
  }

  app.get('/personnes/nouvelle', { config: { access: 'user' } }, async (request, reply) => {
    // The form is offered to those who may create a file only.
    persons.requireFileHolder(request.actor!);
    return createPage(request, reply, { legalBasis: 'public_service' }, null);
  });

  app.post('/personnes', { config: { access: 'user', audit: 'person.created' } }, async (request, reply) => {
    const input = personFromForm(request.body);
    try {
      const { id } = await persons.create(request.actor!, input);
      return reply.redirect(`/personnes/${id}?info=cree`, 303);
    } catch (e) {
      if (shownInForm(e)) return createPage(request, reply, input, e);
      throw e;
    }
  });

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    values: Partial<PersonInput>,
    version: number,
    error: AppError | null,
    known?: Record<string, string>,
  ) {
    const ctx = pageContext(request, reply);
    const skillChoices = await persons.skillChoices(values.skills ?? [], values.wantedJobs ?? []);
    return html(
      reply,
      <Layout title="Modifier le dossier" ctx={ctx}>
        <h1>Modifier le dossier</h1>
        <PersonForm
          action={`/personnes/${personId}/modifier`}
          csrf={ctx.csrf}
          values={values}
          version={version}
          error={error}
          skillChoices={skillChoices}
          submitLabel="Enregistrer"
          known={known}
        />
      </Layout>,
      error ? (error.kind === 'conflict' ? 409 : 400) : 200,
    );
  }

  app.get(
    '/personnes/:personId/modifier',
    { config: { access: 'user', audit: 'person.read' } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      await persons.checkReferent(request.actor!, personId);
      const f = await persons.get(request.actor!, personId);
      return editPage(
        request,
        reply,
        personId,
        {
          ...(f as unknown as Partial<PersonInput>),
          communeCode: f.commune?.code ?? null,
          wantedJobs: f.wantedJobs.map((j) => j.code),
          skills: f.skills.map((s) => s.code),
          pastJobs: f.pastJobs.map((j) => ({ appellationCode: j.appellationCode, months: j.months })),
        },
        f.version,
        null,
        Object.fromEntries([
          ...(f.commune?.name ? [[f.commune.code, f.commune.name]] : []),
          ...f.wantedJobs.flatMap((j) => (j.label ? [[j.code, j.label]] : [])),
          ...f.pastJobs.flatMap((j) => (j.label ? [[j.appellationCode, j.label]] : [])),
        ]),
      );
    },
  );

  app.post(
    '/personnes/:personId/modifier',
    { config: { access: 'user', audit: 'person.updated' } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      const { confirmDuplicate: _, ...input } = personFromForm(request.body);
      const version = Number(formValue(request.body, 'version'));
      try {
        if (!Number.isInteger(version) || version < 1)
          throw new AppError('invalid', 'Version du dossier manquante : rouvrez le dossier.', 'version');
        await persons.update(request.actor!, personId, { ...input, version });
        return reply.redirect(`/personnes/${personId}?info=modifie`, 303);
      } catch (e) {
        if (shownInForm(e)) return editPage(request, reply, personId, input, version || 1, e);
        throw e;
      }
    },
  );

  async function sharePage(
    request: FastifyRequest,
    reply: FastifyReply,
    personId: string,
    name: string | null,
    values: { organisationId?: string; consentOn?: string },
    error: AppError | null,
  ) {
    const ctx = pageContext(request, reply);
    const organisations = await persons.shareChoices(request.actor!);
    return html(
      reply,
      <Layout title="Partager le dossier" ctx={ctx}>
        <h1>Partager le dossier</h1>
        {name ? <p safe>{`Dossier de ${name}.`}</p> : ''}
        <p>
          L’organisation choisie lira ce dossier, sans les situations et freins sensibles ni les notes. Le
          partage demande le consentement de la personne : indiquez sa date.
        </p>
        {error ? <Alert kind="error" title="Partage impossible" text={error.message} focus /> : ''}
        <form method="post" action={`/personnes/${personId}/partage`}>
          <CsrfField token={ctx.csrf} />
          <SelectField
            name="organisationId"
            label="Organisation"
            required
            placeholder="Choisir une organisation"
            options={organisations.map((o) => [o.id, o.name])}
            value={values.organisationId ?? null}
            error={error?.field === 'organisationId' ? error.message : undefined}
          />
          <InputField
            name="consentOn"
            type="date"
            label="Date du consentement de la personne"
            required
            value={values.consentOn}
            error={error?.field === 'consentOn' ? error.message : undefined}
          />
          <button type="submit" class="fr-btn">
            Partager
          </button>
        </form>
        {/* A way back without sharing: the page had none but the browser's. */}
        <p class="fr-mt-3w">
          <a class="fr-link" href={`/personnes/${personId}`}>
            Retour au dossier sans partager
          </a>
        </p>
      </Layout>,
      error ? 400 : 200,
    );
  }

  app.get(
    '/personnes/:personId/partage',
    { config: { access: 'user', audit: 'person.read' } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      await persons.checkReferent(request.actor!, personId);
      const f = await persons.get(request.actor!, personId);
      return sharePage(request, reply, personId, `${f.firstName} ${f.lastName}`, {}, null);
    },
  );

  app.post(
    '/personnes/:personId/partage',
    { config: { access: 'user', audit: 'person.shared' } },
    async (request, reply) => {
      const { personId } = request.params as { personId: string };
      const values = {
        organisationId: formValue(request.body, 'organisationId'),
        consentOn: formValue(request.body, 'consentOn'),
      };
      try {
        await persons.share(request.actor!, personId, values);
        return reply.redirect(`/personnes/${personId}?info=partage`, 303);
      } catch (e) {
        if (e instanceof AppError && e.kind === 'invalid')
          return sharePage(request, reply, personId, null, values, e);
        throw e;
      }
    },
  );
}
