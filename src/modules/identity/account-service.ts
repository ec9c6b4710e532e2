import { conflict, forbidden, invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import {
  hashPassword,
  passwordWeakness,
  readPasswordLink,
  signPasswordLink,
  verifyPassword,
  verifyPasswordLink,
} from './credentials.js';
import type { Actor } from './model.js';
import type { IdentityContext, RequestMeta } from './service-context.js';

const RESET_TTL_SECONDS = 3600;

/** A person's own account: password (changed, reset by mailed link), profile; the first super-admin. */
export function accountService({ deps, repo, loginFailures, change, passwordLink }: IdentityContext) {
  async function checkPasswordLink(token: string) {
    const parsed = readPasswordLink(token);
    const user = parsed && isUuid(parsed.userId) ? await repo.findUser(parsed.userId) : undefined;
    if (!user || !verifyPasswordLink(deps.secret, token, user.password_hash)) {
      throw invalid(
        'jeton',
        'Ce lien n’est plus valable : il a expiré ou a déjà servi. Demandez-en un nouveau.',
      );
    }
    return user;
  }

  return {
    async requestPasswordReset(email: string, meta: RequestMeta) {
      const user = await repo.findUserByEmail(email);
      // Same answer whether or not the account exists (no account enumeration).
      if (!user?.is_active) return;
      const token = signPasswordLink(deps.secret, user.id, user.password_hash, RESET_TTL_SECONDS);
      await deps.mailer.send({
        to: user.email,
        subject: 'Passerelle — réinitialisation de votre mot de passe',
        text: `Bonjour ${user.first_name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule fois) :\n${passwordLink('/mot-de-passe/nouveau', token)}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message.`,
      });
      await repo.audit(deps.db, {
        actorUserId: user.id,
        actorLabel: user.email,
        actorOrganisationId: null,
        action: 'auth.password_reset_requested',
        ip: meta.ip,
      });
    },

    checkPasswordLink,

    async setPasswordWithLink(token: string, password: string, meta: RequestMeta) {
      const weakness = passwordWeakness(password);
      if (weakness) throw invalid('password', weakness);
      const user = await checkPasswordLink(token);
      const hash = await hashPassword(password);
      await repo.transaction(async (tx) => {
        await repo.updateUser(tx, user.id, { passwordHash: hash });
        await repo.deleteUserSessions(tx, user.id);
        await repo.audit(tx, {
          actorUserId: user.id,
          actorLabel: user.email,
          actorOrganisationId: null,
          action: 'auth.password_set',
          ip: meta.ip,
        });
      });
      loginFailures.clear(user.id); // the e-mailed link proved the user (issue 8, hole 12)
    },

    async changePassword(actor: Actor, current: string, next: string) {
      if (!actor.userId) throw forbidden();
      const user = await repo.findUser(actor.userId);
      if (!user || !(await verifyPassword(user.password_hash, current))) {
        throw invalid('currentPassword', 'Le mot de passe actuel est incorrect.');
      }
      const weakness = passwordWeakness(next);
      if (weakness) throw invalid('newPassword', weakness);
      const hash = await hashPassword(next);
      await change(actor, async (tx) => {
        await repo.updateUser(tx, user.id, { passwordHash: hash });
        await repo.deleteUserSessions(tx, user.id, actor.sessionId);
        return {
          audit: { action: 'auth.password_changed', subjectType: 'user', subjectId: user.id },
        };
      });
    },

    async profile(actor: Actor) {
      if (!actor.userId) throw forbidden();
      const user = await repo.findUser(actor.userId);
      if (!user) throw notFound();
      return { email: user.email, firstName: user.first_name, lastName: user.last_name };
    },

    async updateProfile(actor: Actor, values: { firstName: string; lastName: string }) {
      if (!actor.userId) throw forbidden();
      const firstName = values.firstName.trim();
      const lastName = values.lastName.trim();
      if (!firstName) throw invalid('firstName', 'Le prénom est obligatoire.');
      if (!lastName) throw invalid('lastName', 'Le nom est obligatoire.');
      const userId = actor.userId;
      await change(actor, async (tx) => {
        await repo.updateUser(tx, userId, { firstName, lastName });
        return {
          audit: { action: 'user.profile_updated', subjectType: 'user', subjectId: userId },
        };
      });
    },

    /** For `npm run create-admin`: the first super-admin of a bare database. */
    async createSuperAdmin(values: { email: string; firstName: string; lastName: string; password: string }) {
      const weakness = passwordWeakness(values.password);
      if (weakness) throw invalid('password', weakness);
      if (await repo.findUserByEmail(values.email))
        throw conflict('email', 'Un compte existe déjà avec cette adresse.');
      const passwordHash = await hashPassword(values.password);
      return repo.transaction(async (tx) => {
        const id = await repo.insertUser(tx, { ...values, passwordHash, superAdmin: true });
        await repo.audit(tx, {
          actorUserId: null,
          actorLabel: 'ligne de commande',
          actorOrganisationId: null,
          action: 'user.super_admin_created',
          subjectType: 'user',
          subjectId: id,
        });
        return id;
      });
    },
  };
}
