import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Alert, FieldGrid, Fieldset, InputField, RadioGroup, SelectField } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { suggested } from '../../web/form.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { ContactPointInput } from './contact-point-service.js';
import type { PersonsDeps } from './deps.js';
import { WANTED_SLOTS } from './form-values.js';
import { CIVILITIES } from './rules.js';

const orNull = (v: string) => (v === '' ? null : v);

function fromForm(body: unknown): ContactPointInput {
  const v = (n: string) => formValue(body, n);
  return {
    civility: orNull(v('civility')) as ContactPointInput['civility'],
    lastName: v('lastName'),
    firstName: v('firstName'),
    birthDate: v('birthDate'),
    email: orNull(v('email')),
    phone: orNull(v('phone')),
    communeCode: orNull(v('communeCode')),
    wantedJobs: WANTED_SLOTS.map((i) => v(`wantedJob${i}`)).filter(Boolean),
    organisationId: v('organisationId'),
    consentOn: v('consentOn'),
  };
}

/**
 * The town hall's contact point (issue 10 §2): « Inscrire une personne » registers the essentials
 * and hands the file to the accompanying organisation chosen with the person, who agreed to it.
 * After that the town hall sees nothing of the file: the confirmation names the organisation only.
 */
export async function contactPointPages(app: FastifyInstance, { persons }: PersonsDeps) {
  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<ContactPointInput>,
    error: AppError | null,
  ) {
    const choices = await persons.handoverChoices(request.actor!);
    const ctx = pageContext(request, reply);
    const errorOn = (name: string) => {
      const field = error?.field?.replace(/^wantedJobs\/(\d+)$/, (_m, i) => `wantedJob${Number(i) + 1}`);
      return field === name || (name === 'wantedJob1' && field === 'wantedJobs') ? error?.message : undefined;
    };
    return html(
      reply,
      <Layout title="Inscrire une personne" ctx={ctx}>
        <h1>Inscrire une personne et la confier à un accompagnement</h1>
        <p>
          La mairie enregistre l’essentiel et transmet le dossier à l’organisation choisie avec la personne.
          Cette organisation devient référente ; la mairie n’a plus accès au dossier ensuite.
        </p>
        {error ? <Alert kind="error" title="Inscription impossible" text={error.message} focus /> : ''}
        <form method="post" action="/mairie/inscription">
          <CsrfField token={ctx.csrf} />
          <Fieldset id="identite" legend="La personne">
            <RadioGroup
              name="civility"
              legend="Civilité"
              inline
              choices={Object.entries(CIVILITIES).map(([value, label]) => ({ value, label }))}
              value={values.civility ?? null}
            />
            <FieldGrid col="fr-col-12 fr-col-md-6">
              <InputField
                name="lastName"
                label="Nom"
                required
                value={values.lastName}
                error={errorOn('lastName')}
              />
              <InputField
                name="firstName"
                label="Prénom"
                required
                value={values.firstName}
                error={errorOn('firstName')}
              />
              <InputField
                name="birthDate"
                type="date"
                label="Date de naissance"
                required
                value={values.birthDate}
                error={errorOn('birthDate')}
              />
              <InputField
                name="communeCode"
                label="Commune de résidence"
                hint="Tapez le nom de la commune et choisissez-la dans la liste (son code INSEE est enregistré)"
                value={values.communeCode}
                error={errorOn('communeCode')}
                {...suggested('/communes/suggestions', 'communes-suggerees')}
              />
              <InputField
                name="email"
                type="email"
                label="Adresse électronique"
                value={values.email}
                error={errorOn('email')}
              />
              <InputField
                name="phone"
                type="tel"
                label="Téléphone"
                value={values.phone}
                error={errorOn('phone')}
              />
            </FieldGrid>
            <datalist id="communes-suggerees" />
          </Fieldset>
          <Fieldset
            id="metiers"
            legend="Métiers recherchés (1 à 5)"
            hint="Tapez un métier (ex. aide-soignant) et choisissez-le dans la liste : son code d’appellation ROME est enregistré"
          >
            <datalist id="appellations-suggerees" />
            <FieldGrid col="fr-col-12 fr-col-md-4">
              {WANTED_SLOTS.map((i) => (
                <InputField
                  name={`wantedJob${i}`}
                  label={`Métier recherché ${i}`}
                  value={values.wantedJobs?.[i - 1]}
                  required={i === 1}
                  error={errorOn(`wantedJob${i}`)}
                  {...suggested('/appellations/suggestions', 'appellations-suggerees')}
                />
              ))}
            </FieldGrid>
          </Fieldset>
          <Fieldset id="transmission" legend="Transmission du dossier">
            <SelectField
              name="organisationId"
              label="Organisation qui accompagnera la personne"
              required
              placeholder="Choisir"
              options={choices.map((o) => [o.id, o.name] as [string, string])}
              value={values.organisationId ?? null}
              error={errorOn('organisationId')}
            />
            <InputField
              name="consentOn"
              type="date"
              label="Date de l’accord de la personne"
              hint="La personne a été informée et accepte que son dossier soit transmis à cette organisation."
              required
              value={values.consentOn}
              error={errorOn('consentOn')}
            />
          </Fieldset>
          <button class="fr-btn" type="submit">
            Inscrire et transmettre
          </button>
        </form>
      </Layout>,
      error ? (error.kind === 'conflict' ? 409 : 400) : 200,
    );
  }

  app.get('/mairie/inscription', { config: { access: 'user' } }, async (request, reply) => {
    const info = (request.query as Record<string, unknown>).transmis;
    if (typeof info === 'string' && info) {
      const ctx = pageContext(request, reply);
      return html(
        reply,
        <Layout title="Dossier transmis" ctx={ctx}>
          <h1>Dossier transmis</h1>
          <Alert
            kind="success"
            title="La personne est inscrite"
            text={`Son dossier a été transmis à ${info.slice(0, 200)}.`}
          />
          <p>
            <a class="fr-btn" href="/mairie/inscription">
              Inscrire une autre personne
            </a>
          </p>
        </Layout>,
      );
    }
    return formPage(request, reply, { consentOn: new Date().toISOString().slice(0, 10) }, null);
  });

  app.post(
    '/mairie/inscription',
    { config: { access: 'user', audit: 'person.handed_over' } },
    async (request, reply) => {
      const input = fromForm(request.body);
      try {
        const { organisationName } = await persons.registerAndHandOver(request.actor!, input);
        return reply.redirect(`/mairie/inscription?transmis=${encodeURIComponent(organisationName)}`, 303);
      } catch (e) {
        if (e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict'))
          return formPage(request, reply, input, e);
        throw e;
      }
    },
  );
}
