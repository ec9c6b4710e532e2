import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { AppError } from '../../shared/errors.js';
import { Alert, ButtonsGroup } from '../../web/components.js';
import { formValue, html, pageContext } from '../../web/context.js';
import { rotateCsrfSecret } from '../../web/csrf.js';
import { Fieldset, InputField } from '../../web/form.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { IdentityDeps } from './deps.js';
import { LoginThrottled } from './login-throttle.js';
import { fieldErrors, PasswordField, SuccessAlert } from './page-helpers.js';
import { sessionCookieName } from './session-cookie.js';

/** Longer targets are not ours: no page of Passerelle needs more (2,048: the usual URL budget). */
const MAX_NEXT_LENGTH = 2048;
/** Browsers drop tabs and newlines inside a URL and read `\` as `/`, so `/\t/evil.com` is `//evil.com`. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const UNSAFE_IN_NEXT = /[\u0000-\u001f\u007f\\]/;

/**
 * The one check of a redirect target taken from user input (issue 8, hole 5): a path of this site,
 * or `/`. Control characters and backslashes are refused outright, raw or percent-encoded, rather
 * than guessed at; what is left is resolved against the public URL the way a browser would and
 * kept only if it stays on that origin and is not protocol-relative. The answer is the URL's own serialisation (ASCII, percent-
 * encoded), so it is always a valid Location header: `/%0D%0AX` gave a 500.
 */
export function safeNext(value: unknown, publicUrl: string): string {
  if (typeof value !== 'string' || value.length > MAX_NEXT_LENGTH) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || UNSAFE_IN_NEXT.test(value)) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return '/';
  }
  if (UNSAFE_IN_NEXT.test(decoded)) return '/';
  const base = new URL(publicUrl);
  let target: URL;
  try {
    target = new URL(value, base);
  } catch {
    return '/';
  }
  const path = `${target.pathname}${target.search}${target.hash}`;
  // Dot segments can leave a protocol-relative path: `/.//evil.com` resolves to `//evil.com`.
  return target.origin === base.origin && !path.startsWith('//') ? path : '/';
}

const meta = (request: FastifyRequest) => ({
  ip: request.ip ?? null,
  userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
});

export async function authPages(app: FastifyInstance, deps: IdentityDeps, config: Config) {
  const { identity } = deps;
  const cookieName = sessionCookieName(config.secureCookies);
  const nextOf = (value: unknown) => safeNext(value, config.publicUrl);
  // Cleared with the flags it was set with: a browser ignores a `__Host-` cookie set without Secure.
  const sessionCookie = { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' } as const;

  function loginPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { email?: string; error?: string; next?: string; info?: string },
    status = 200,
  ) {
    const ctx = pageContext(request, reply);
    return html(
      reply,
      // A refused login says so in the title, the first thing a screen reader reads on the new page.
      <Layout
        title={state.error ? `Erreur : ${state.error.replace(/\.$/, '')} — Connexion` : 'Connexion'}
        ctx={ctx}
      >
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
            <h1>Connexion à Passerelle</h1>
            <SuccessAlert message={state.info} />
            {state.error ? <Alert kind="error" title="Connexion impossible" text={state.error} focus /> : ''}
            <form method="post" action="/connexion">
              <CsrfField token={ctx.csrf} />
              <input type="hidden" name="suite" value={state.next ?? '/'} />
              <Fieldset id="identifiants" legend="Vos identifiants">
                <InputField
                  name="email"
                  label="Adresse électronique"
                  type="email"
                  value={state.email}
                  required
                  autocomplete="username"
                  hint="Format attendu : nom@domaine.fr"
                />
                <PasswordField name="password" label="Mot de passe" />
              </Fieldset>
              <ButtonsGroup>
                <button type="submit" class="fr-btn">
                  Se connecter
                </button>
              </ButtonsGroup>
              <p>
                <a class="fr-link" href="/mot-de-passe/oubli">
                  Mot de passe oublié ?
                </a>
              </p>
            </form>
          </div>
        </div>
      </Layout>,
      status,
    );
  }

  app.get('/connexion', { config: { access: 'public' } }, (request, reply) => {
    const q = request.query as Record<string, unknown>;
    if (request.actor) return reply.redirect(nextOf(q.suite));
    return loginPage(request, reply, {
      next: nextOf(q.suite),
      info: q.info === 'mot-de-passe' ? 'Votre mot de passe est enregistré : connectez-vous.' : undefined,
    });
  });

  app.post(
    '/connexion',
    {
      config: {
        access: 'public',
        rateLimit: { max: config.loginRateLimit.max, timeWindow: config.loginRateLimit.windowMs },
      },
    },
    async (request, reply) => {
      const email = formValue(request.body, 'email');
      const password = (request.body as Record<string, string> | undefined)?.password ?? '';
      const next = nextOf(formValue(request.body, 'suite'));
      try {
        const { token } = await identity.login(email, password, meta(request));
        reply.setCookie(cookieName, token, { ...sessionCookie, maxAge: config.sessionTtlHours * 3600 });
        rotateCsrfSecret(request, reply, config.secureCookies);
        return reply.redirect(next, 303);
      } catch (error) {
        if (error instanceof AppError && error.kind === 'unauthenticated') {
          return loginPage(request, reply, { email, error: error.message, next }, 401);
        }
        if (error instanceof LoginThrottled) {
          reply.header('retry-after', String(error.retryAfterSeconds));
          // A browser gets the form back with the reason; other clients the 429 problem.
          if (request.headers.accept?.includes('text/html')) {
            return loginPage(request, reply, { email, error: error.message, next }, 429);
          }
        }
        throw error;
      }
    },
  );

  app.post('/deconnexion', { config: { access: 'user' } }, async (request, reply) => {
    await identity.logout(request.actor!);
    reply.clearCookie(cookieName, sessionCookie);
    rotateCsrfSecret(request, reply, config.secureCookies);
    return reply.redirect('/connexion', 303);
  });

  app.get('/mot-de-passe/oubli', { config: { access: 'public' } }, (request, reply) =>
    forgotPage(request, reply, {}),
  );
  app.post(
    '/mot-de-passe/oubli',
    { config: { access: 'public', rateLimit: { max: 5, timeWindow: 15 * 60_000 } } },
    async (request, reply) => {
      const email = formValue(request.body, 'email');
      if (!email.includes('@'))
        return forgotPage(
          request,
          reply,
          { email, error: 'Saisissez une adresse électronique valide.' },
          400,
        );
      await identity.requestPasswordReset(email, meta(request));
      return forgotPage(request, reply, { sent: true });
    },
  );

  function forgotPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { email?: string; error?: string; sent?: boolean },
    status = 200,
  ) {
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title="Mot de passe oublié" ctx={ctx}>
        <h1>Mot de passe oublié</h1>
        {state.sent ? (
          <Alert
            kind="success"
            title="Demande enregistrée"
            text="Si un compte correspond à cette adresse, un courriel contenant un lien de réinitialisation valable une heure vient de lui être envoyé."
          />
        ) : (
          ''
        )}
        <form method="post" action="/mot-de-passe/oubli">
          <CsrfField token={ctx.csrf} />
          <InputField
            name="email"
            label="Adresse électronique"
            type="email"
            value={state.email}
            error={state.error}
            required
            autocomplete="email"
          />
          <button type="submit" class="fr-btn">
            Recevoir un lien
          </button>
        </form>
      </Layout>,
      status,
    );
  }

  async function newPasswordPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    error?: string,
    status = 200,
  ) {
    const ctx = pageContext(request, reply);
    let linkError: string | null = null;
    let email = '';
    try {
      email = (await identity.checkPasswordLink(token)).email;
    } catch (e) {
      linkError = (e as Error).message;
    }
    return html(
      reply,
      <Layout title="Choisir un mot de passe" ctx={ctx}>
        <h1>Choisir un mot de passe</h1>
        {linkError ? (
          <>
            <Alert kind="error" title="Lien invalide" text={linkError} />
            <a class="fr-link" href="/mot-de-passe/oubli">
              Demander un nouveau lien
            </a>
          </>
        ) : (
          <form method="post" action="/mot-de-passe/nouveau">
            <CsrfField token={ctx.csrf} />
            <input type="hidden" name="jeton" value={token} />
            <input type="hidden" name="email" value={email} autocomplete="username" />
            <p>
              Compte : <strong safe>{email}</strong>
            </p>
            <PasswordField name="password" label="Nouveau mot de passe" isNew error={error} />
            <button type="submit" class="fr-btn">
              Enregistrer le mot de passe
            </button>
          </form>
        )}
      </Layout>,
      status,
    );
  }

  app.get('/mot-de-passe/nouveau', { config: { access: 'public' } }, (request, reply) =>
    newPasswordPage(request, reply, (request.query as Record<string, string>).jeton ?? ''),
  );
  app.post('/mot-de-passe/nouveau', { config: { access: 'public' } }, async (request, reply) => {
    const token = formValue(request.body, 'jeton');
    const password = (request.body as Record<string, string> | undefined)?.password ?? '';
    try {
      await identity.setPasswordWithLink(token, password, meta(request));
    } catch (error) {
      const errors = fieldErrors(error);
      return newPasswordPage(request, reply, token, errors.password ?? errors.jeton, 400);
    }
    reply.clearCookie(cookieName, sessionCookie);
    return reply.redirect('/connexion?info=mot-de-passe', 303);
  });

  // My account (/mon-compte): its own file, registered with the sign-in pages it follows from.
}
