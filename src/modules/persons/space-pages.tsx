import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { AppError } from '../../shared/errors.js';
import {
  Alert,
  CheckboxField,
  CheckboxGroup,
  FieldGrid,
  InputField,
  SelectField,
  suggested,
} from '../../web/components.js';
import { formValue, formValues, html, pageContext } from '../../web/context.js';
import { rotateCsrfSecret } from '../../web/csrf.js';
import { formatDate } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { PersonsDeps } from './deps.js';
import { skillsFromForm, WANTED_SLOTS } from './form-values.js';
import { sendExport } from './rgpd-pages.js';
import { MOBILITY_MEANS, WORKING_TIMES } from './rules.js';
import type { PersonFile } from './service.js';
import { SkillsField } from './skills-field.js';
import type { SelfProfile } from './space-service.js';

/** The space's session cookie: HttpOnly, SameSite=Lax, `__Host-` over HTTPS (as the staff's). */
export const PERSON_COOKIE = 'passerelle_personne';
export const personCookieName = (secure: boolean) => (secure ? `__Host-${PERSON_COOKIE}` : PERSON_COOKIE);

/** The persons module's request hook: who is signed in to their own space (request.person). */
export function personSpaceHooks(app: FastifyInstance, { persons }: PersonsDeps, config: Config) {
  const name = personCookieName(config.secureCookies);
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/static/')) return;
    const token = request.cookies[name];
    if (token) request.person = await persons.personFromSession(token);
  });
}

const personId = (request: FastifyRequest) => request.person!.personId;
const orNull = (v: string) => (v === '' ? null : v);

/** The self-edit form as the service's input (values as typed: the service names a wrong one). */
function selfFromForm(body: unknown): SelfProfile {
  const v = (n: string) => formValue(body, n);
  const radius = v('mobilityRadiusKm');
  return {
    email: orNull(v('email')),
    phone: orNull(v('phone')),
    communeCode: orNull(v('communeCode')),
    availableFrom: orNull(v('availableFrom')),
    workingTime: orNull(v('workingTime')) as SelfProfile['workingTime'],
    mobilityRadiusKm: radius === '' ? null : /^\d{1,4}$/.test(radius) ? Number(radius) : -1,
    mobilityMeans: formValues(body, 'mobilityMeans') as SelfProfile['mobilityMeans'],
    hasVehicle: v('hasVehicle') === 'true',
    wantedJobs: WANTED_SLOTS.map((i) => v(`wantedJob${i}`)).filter(Boolean),
    skills: skillsFromForm(body),
  };
}

/**
 * « Mon espace » (issue 10 §2): the person invited by their counsellor signs in with a link mailed
 * each time, sees and corrects their profile, chooses whether employers may see it without their
 * name, downloads their data, signs out. Short sentences, one idea each (FALC-friendly), one column
 * on a phone (the DSFR grid stacks its columns under 768 px).
 */
export async function personSpacePages(app: FastifyInstance, { persons }: PersonsDeps, config: Config) {
  const cookieName = personCookieName(config.secureCookies);
  const cookie = { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' } as const;

  function signInPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { sent?: boolean; error?: string },
  ) {
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Entrer dans mon espace" ctx={ctx}>
        <h1>Entrer dans mon espace</h1>
        {state.sent ? (
          <Alert
            kind="success"
            title="Regardez vos courriels"
            text="Si votre adresse est connue, vous allez recevoir un lien. Le lien marche 30 minutes."
          />
        ) : (
          ''
        )}
        {state.error ? <Alert kind="error" title="Ce lien ne marche pas" text={state.error} focus /> : ''}
        <p>Écrivez votre adresse électronique.</p>
        <p>Nous vous envoyons un lien pour entrer.</p>
        <form method="post" action="/mon-espace/connexion">
          <CsrfField token={ctx.csrf} />
          <InputField
            name="email"
            type="email"
            label="Votre adresse électronique"
            autocomplete="email"
            required
          />
          <button class="fr-btn" type="submit">
            Recevoir mon lien
          </button>
        </form>
      </Layout>,
      state.error ? 400 : 200,
    );
  }

  app.get('/mon-espace/connexion', { config: { access: 'public' } }, (request, reply) =>
    signInPage(request, reply, { sent: (request.query as Record<string, unknown>).envoye === '1' }),
  );

  app.post(
    '/mon-espace/connexion',
    { config: { access: 'public', rateLimit: { max: 5, timeWindow: 15 * 60_000 } } },
    async (request, reply) => {
      await persons.requestSignInLink(formValue(request.body, 'email').slice(0, 254));
      return reply.redirect('/mon-espace/connexion?envoye=1', 303);
    },
  );

  // The mailed link shows a button: mail filters open links to check them, which would use up a
  // single-use link before the person clicks it; a form is only sent by the person.
  app.get('/mon-espace/lien', { config: { access: 'public' } }, (request, reply) => {
    const ctx = pageContext(request, reply);
    const token = String((request.query as Record<string, unknown>).jeton ?? '').slice(0, 100);
    return html(
      reply,
      <Layout title="Entrer dans mon espace" ctx={ctx}>
        <h1>Bienvenue</h1>
        <p>Cliquez sur le bouton pour entrer dans votre espace.</p>
        <form method="post" action="/mon-espace/lien">
          <CsrfField token={ctx.csrf} />
          <input type="hidden" name="jeton" value={token} />
          <button class="fr-btn" type="submit">
            Entrer dans mon espace
          </button>
        </form>
      </Layout>,
    );
  });

  app.post(
    '/mon-espace/lien',
    {
      config: {
        access: 'public',
        audit: 'person.space_signed_in',
        rateLimit: { max: 20, timeWindow: 15 * 60_000 },
      },
    },
    async (request, reply) => {
      try {
        const { sessionToken } = await persons.signInWithLink(formValue(request.body, 'jeton'));
        reply.setCookie(cookieName, sessionToken, { ...cookie, maxAge: config.sessionTtlHours * 3600 });
        rotateCsrfSecret(request, reply, config.secureCookies);
        return reply.redirect('/mon-espace', 303);
      } catch (e) {
        if (e instanceof AppError && e.kind === 'invalid')
          return signInPage(request, reply, { error: e.message });
        throw e;
      }
    },
  );

  /** A wanted job field's hint: the job now saved in it, in words, or how to choose one. */
  function jobHint(f: PersonFile, v: SelfProfile, slot: number): string | undefined {
    const saved = f.wantedJobs[slot - 1];
    if (saved && v.wantedJobs?.[slot - 1] === saved.code && saved.label)
      return `Aujourd’hui : ${saved.label}.`;
    return slot === 1 ? 'Tapez le nom du métier et choisissez dans la liste.' : undefined;
  }

  async function spacePage(
    request: FastifyRequest,
    reply: FastifyReply,
    f: PersonFile,
    state: { info?: string; error?: AppError; values?: SelfProfile } = {},
  ) {
    const ctx = pageContext(request, reply);
    const v: SelfProfile = state.values ?? {
      email: f.email,
      phone: f.phone,
      communeCode: f.commune?.code ?? null,
      availableFrom: f.availableFrom,
      workingTime: f.workingTime,
      mobilityRadiusKm: f.mobilityRadiusKm,
      mobilityMeans: f.mobilityMeans as SelfProfile['mobilityMeans'],
      hasVehicle: f.hasVehicle,
      wantedJobs: f.wantedJobs.map((j) => j.code),
      skills: f.skills.map((s) => s.code),
    };
    const skillChoices = await persons.skillChoices(v.skills ?? [], v.wantedJobs ?? []);
    const err = state.error;
    const errorOn = (name: string) => {
      const field = err?.field?.replace(/^wantedJobs\/(\d+)$/, (_m, i) => `wantedJob${Number(i) + 1}`);
      return field === name || (name === 'wantedJob1' && field === 'wantedJobs') ? err?.message : undefined;
    };
    return html(
      reply,
      <Layout title="Mon espace" ctx={ctx}>
        <h1 safe>{`Bonjour ${f.firstName}`}</h1>
        {state.info ? <Alert kind="success" title={state.info} /> : ''}
        {err ? <Alert kind="error" title="Ce n’est pas enregistré" text={err.message} focus /> : ''}
        <p safe>{`Votre conseiller est à ${f.referentOrganisation.name}.`}</p>

        <h2>Mes métiers</h2>
        <ul>
          {f.wantedJobs.map((j) => (
            <li safe>{j.label ?? j.code}</li>
          ))}
        </ul>

        <h2>Mes compétences</h2>
        {f.skills.length ? (
          <ul>
            {f.skills.map((s) => (
              <li safe>{s.label ?? s.code}</li>
            ))}
          </ul>
        ) : (
          <p>Vous n’avez pas encore dit ce que vous savez faire. Vous pouvez l’ajouter plus bas.</p>
        )}

        {/* The matching's page (issue 11 §3), by its URL: a link is no import. */}
        <h2>Des offres pour moi</h2>
        <p>Nous cherchons des offres qui correspondent à vos métiers, près de chez vous.</p>
        <p>
          <a class="fr-btn" href="/mon-espace/offres">
            Voir les offres pour moi
          </a>
        </p>

        <h2>Mon profil pour les employeurs</h2>
        <p>Les employeurs peuvent voir votre profil sans votre nom.</p>
        <p>Ils ne voient pas votre nom, votre adresse ni votre téléphone.</p>
        <p>C’est vous qui choisissez.</p>
        <form method="post" action="/mon-espace/visibilite" class="fr-mb-4w">
          <CsrfField token={ctx.csrf} />
          <CheckboxField
            name="employerVisible"
            label="Les employeurs peuvent voir mon profil sans mon nom"
            checked={f.employerVisible}
          />
          <button class="fr-btn fr-btn--secondary" type="submit">
            Enregistrer mon choix
          </button>
        </form>

        <h2>Corriger mes informations</h2>
        <form method="post" action="/mon-espace/profil" class="fr-mb-4w">
          <CsrfField token={ctx.csrf} />
          <input type="hidden" name="version" value={String(f.version)} />
          <FieldGrid col="fr-col-12 fr-col-md-6">
            <InputField
              name="email"
              type="email"
              label="Mon adresse électronique"
              value={v.email}
              autocomplete="email"
              error={errorOn('email')}
            />
            <InputField
              name="phone"
              type="tel"
              label="Mon téléphone"
              value={v.phone}
              autocomplete="tel"
              error={errorOn('phone')}
            />
            {/* A person knows their town's name, not its INSEE code: the field suggests communes as
                they type, and says in words which commune the code in it is (walk of issue 10). */}
            <InputField
              name="communeCode"
              label="Ma commune"
              hint={
                f.commune && v.communeCode === f.commune.code
                  ? `Aujourd’hui : ${f.commune.name ?? f.commune.code}. Pour changer, tapez le nom de votre commune et choisissez dans la liste.`
                  : 'Tapez le nom de votre commune et choisissez dans la liste.'
              }
              value={v.communeCode}
              error={errorOn('communeCode')}
              {...suggested('/communes/suggestions', 'communes-suggerees')}
            />
            <InputField
              name="availableFrom"
              type="date"
              label="Je peux commencer le"
              value={v.availableFrom}
              error={errorOn('availableFrom')}
            />
            <SelectField
              name="workingTime"
              label="Je cherche un travail"
              placeholder="Je ne sais pas"
              options={Object.entries(WORKING_TIMES)}
              value={v.workingTime ?? null}
            />
            <InputField
              name="mobilityRadiusKm"
              type="number"
              label="Je peux aller travailler jusqu’à (km)"
              value={
                v.mobilityRadiusKm === null || v.mobilityRadiusKm === undefined
                  ? ''
                  : String(v.mobilityRadiusKm)
              }
              error={errorOn('mobilityRadiusKm')}
              extra={{ min: '0', max: '200' }}
            />
          </FieldGrid>
          {/* Room between the blocks: at 375 px the boxes touched the fields around them. */}
          <div class="fr-mt-3w">
            <CheckboxGroup
              name="mobilityMeans"
              legend="Pour me déplacer, j’ai"
              choices={Object.entries(MOBILITY_MEANS).map(([value, label]) => ({ value, label }))}
              values={v.mobilityMeans ?? []}
            />
          </div>
          <div class="fr-mb-3w">
            <CheckboxField name="hasVehicle" label="J’ai un véhicule" checked={v.hasVehicle ?? false} />
          </div>
          <datalist id="communes-suggerees" />
          <datalist id="appellations-suggerees" />
          <FieldGrid col="fr-col-12 fr-col-md-4">
            {WANTED_SLOTS.map((i) => (
              <InputField
                name={`wantedJob${i}`}
                label={`Métier ${i}`}
                // The field holds the job's ROME code: its hint says the job in words.
                hint={jobHint(f, v, i)}
                value={v.wantedJobs?.[i - 1]}
                required={i === 1}
                error={errorOn(`wantedJob${i}`)}
                {...suggested('/appellations/suggestions', 'appellations-suggerees')}
              />
            ))}
          </FieldGrid>
          <SkillsField choices={skillChoices} values={v.skills ?? []} error={err ?? null} plain />
          <button class="fr-btn" type="submit">
            Enregistrer
          </button>
        </form>

        <h2>Mes données</h2>
        <p>Vous pouvez télécharger toutes vos données.</p>
        <p>
          <a class="fr-btn fr-btn--secondary" href="/mon-espace/mes-donnees">
            Télécharger mes données
          </a>
        </p>
        <p
          safe
        >{`Vos données sont gardées tant que vous êtes suivi(e). Sans contact pendant ${config.personRetentionMonths} mois, elles sont effacées.`}</p>
        <p>Pour les faire effacer avant, demandez-le à votre conseiller.</p>
        {f.informedOn ? (
          <p class="fr-hint-text" safe>{`Vous avez été informé(e) le ${formatDate(f.informedOn)}.`}</p>
        ) : (
          ''
        )}

        <form method="post" action="/mon-espace/deconnexion">
          <CsrfField token={ctx.csrf} />
          <button class="fr-btn fr-btn--tertiary" type="submit">
            Sortir de mon espace
          </button>
        </form>
      </Layout>,
      err ? (err.kind === 'conflict' ? 409 : 400) : 200,
    );
  }

  app.get(
    '/mon-espace',
    { config: { access: 'person', audit: 'person.self_read' } },
    async (request, reply) => {
      const info = (request.query as Record<string, unknown>).info;
      const f = await persons.ownFile(personId(request));
      return spacePage(request, reply, f, {
        info: info === 'enregistre' ? 'C’est enregistré' : undefined,
      });
    },
  );

  app.post(
    '/mon-espace/profil',
    { config: { access: 'person', audit: ['person.self_updated', 'person.self_read'] } },
    async (request, reply) => {
      const values = selfFromForm(request.body);
      const version = Number(formValue(request.body, 'version'));
      try {
        if (!Number.isInteger(version) || version < 1)
          throw new AppError('invalid', 'Rechargez la page, puis recommencez.', 'version');
        await persons.updateOwn(personId(request), version, values);
      } catch (e) {
        if (e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict'))
          return spacePage(request, reply, await persons.ownFile(personId(request)), { error: e, values });
        throw e;
      }
      return reply.redirect('/mon-espace?info=enregistre', 303);
    },
  );

  app.post(
    '/mon-espace/visibilite',
    { config: { access: 'person', audit: 'person.self_updated' } },
    async (request, reply) => {
      await persons.setEmployerVisibility(
        personId(request),
        formValue(request.body, 'employerVisible') === 'true',
      );
      return reply.redirect('/mon-espace?info=enregistre', 303);
    },
  );

  app.get(
    '/mon-espace/mes-donnees',
    { config: { access: 'person', audit: 'person.self_exported' } },
    async (request, reply) =>
      sendExport(reply, personId(request), await persons.exportOwn(personId(request))),
  );

  app.post('/mon-espace/deconnexion', { config: { access: 'person' } }, async (request, reply) => {
    await persons.signOut(request.person!.sessionId);
    reply.clearCookie(cookieName, cookie);
    rotateCsrfSecret(request, reply, config.secureCookies);
    return reply.redirect('/mon-espace/connexion', 303);
  });
}
