import { invalid, notFound } from '../../shared/errors.js';
import { isUuid } from '../../shared/formats.js';
import type { Mailer } from '../../shared/mailer.js';
import { randomToken, sha256 } from '../identity/credentials.js';
import type { Actor } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { checkProfile, staleEdit } from './input.js';
import { requireReferent } from './rights.js';
import type { PersonPatch } from './schemas.js';
import { type ServiceCore, THE_PERSON } from './service-core.js';

/** What the person's space needs from the platform (config and mailer, given by module.ts). */
export interface SpaceOptions {
  mailer: Mailer;
  /** Absolute address of the service, for the mailed links. */
  publicUrl: string;
  /** How long a sign-in to the space lasts (SESSION_TTL_HOURS, as the staff's sessions). */
  sessionTtlHours: number;
}

/**
 * Links as data. An invitation waits a week, as a member's invitation (identity/model.ts,
 * INVITATION_TTL_SECONDS); a sign-in link, asked for each time, lasts 30 minutes. Each serves once.
 */
export const SPACE_LINKS = {
  invitation: { ttlMinutes: 7 * 24 * 60 },
  sign_in: { ttlMinutes: 30 },
} as const;

/** What a person corrects themselves in their space (issue 10 §2); the rest is the counsellor's. */
export const SELF_FIELDS = [
  'email',
  'phone',
  'communeCode',
  'availableFrom',
  'workingTime',
  'mobilityRadiusKm',
  'mobilityMeans',
  'hasVehicle',
  'wantedJobs',
  'skills',
] as const;
export type SelfField = (typeof SELF_FIELDS)[number];

export type SelfProfile = Pick<PersonPatch, SelfField>;

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

/**
 * The person's own space (issue 10 §2): invited by their counsellor with an e-mailed link, then a
 * link each time (no password to remember: FALC-friendly, nothing to leak). Links and sessions are
 * random 256-bit tokens stored as their SHA-256 (identity's pattern for sessions and API tokens).
 */
export function spaceUseCases(core: ServiceCore, options: SpaceOptions | undefined) {
  const need = () => {
    if (!options) throw new Error('Espace personnel non configuré (SpaceOptions).');
    return options;
  };
  const linkTo = (token: string) => `${need().publicUrl.replace(/\/$/, '')}/mon-espace/lien?jeton=${token}`;

  return {
    /**
     * The referent invites the person to their space: a link mailed to the file's address. A new
     * invitation replaces nothing: each link serves once and expires.
     */
    async invite(actor: Actor, personId: string) {
      const { relation } = await core.accessFor(actor, personId);
      requireReferent(relation);
      const contact = await core.space.contact(personId);
      if (!contact?.email)
        throw invalid('email', 'Ajoutez d’abord l’adresse électronique de la personne à son dossier.');
      const token = randomToken();
      await core.change(actor, 'person.invited', async (tx) => {
        await core.space.invite(tx, personId, actor.label);
        await core.space.addLink(tx, {
          tokenHash: sha256(token),
          personId,
          purpose: 'invitation',
          expiresAt: minutesFromNow(SPACE_LINKS.invitation.ttlMinutes),
        });
        return { personId, result: undefined, details: {} };
      });
      await need().mailer.send({
        to: contact.email,
        subject: 'Votre espace Passerelle',
        text: [
          `Bonjour ${contact.firstName},`,
          '',
          `Votre conseiller (${actor.label}) vous invite à ouvrir votre espace Passerelle.`,
          'Dans votre espace, vous pouvez :',
          '- voir et corriger vos informations ;',
          '- dire si les employeurs peuvent voir votre profil sans votre nom ;',
          '- télécharger vos données.',
          '',
          'Pour ouvrir votre espace, cliquez sur ce lien :',
          linkTo(token),
          '',
          'Ce lien marche une seule fois, pendant 7 jours.',
          'Ensuite, pour revenir, vous demandez un nouveau lien avec votre adresse électronique.',
        ].join('\n'),
      });
      return { email: contact.email };
    },

    /**
     * A sign-in link mailed to each space with this address. The answer is the same whether or
     * not a space exists (no one learns who is followed by asking).
     */
    async requestSignInLink(email: string) {
      const accounts = email.includes('@') ? await core.space.accountsByEmail(email.trim()) : [];
      for (const account of accounts) {
        const token = randomToken();
        await core.repo.transaction((tx) =>
          core.space.addLink(tx, {
            tokenHash: sha256(token),
            personId: account.id,
            purpose: 'sign_in',
            expiresAt: minutesFromNow(SPACE_LINKS.sign_in.ttlMinutes),
          }),
        );
        await need().mailer.send({
          to: account.email!,
          subject: 'Votre lien pour entrer dans votre espace Passerelle',
          text: [
            `Bonjour ${account.first_name},`,
            '',
            'Pour entrer dans votre espace Passerelle, cliquez sur ce lien :',
            linkTo(token),
            '',
            'Ce lien marche une seule fois, pendant 30 minutes.',
            'Vous n’avez rien demandé ? Ne faites rien.',
          ].join('\n'),
        });
      }
    },

    /** Uses a mailed link once and opens a session: the cookie's token is returned, stored hashed. */
    async signInWithLink(token: string) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token))
        throw invalid('jeton', 'Ce lien ne marche pas. Demandez un nouveau lien.');
      const sessionToken = randomToken();
      const personId = await core.repo.transaction(async (tx) => {
        const link = await core.space.useLink(tx, sha256(token));
        if (!link)
          throw invalid(
            'jeton',
            'Ce lien ne marche plus : il a déjà servi, ou il est trop ancien. Demandez un nouveau lien.',
          );
        await core.space.openSession(tx, {
          tokenHash: sha256(sessionToken),
          personId: link.person_id,
          expiresAt: minutesFromNow(need().sessionTtlHours * 60),
        });
        await recordAudit(tx, null, {
          action: 'person.space_signed_in',
          subjectType: 'person',
          subjectId: link.person_id,
          details: { by: 'person', link: link.purpose },
        });
        return link.person_id;
      });
      return { sessionToken, personId };
    },

    /** The person a session cookie belongs to, or null (expired, closed, erased). */
    async personFromSession(token: string) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
      const row = await core.space.session(sha256(token));
      return row ? { personId: row.person_id, sessionId: row.token_hash } : null;
    },

    signOut: (sessionId: string) => core.space.closeSession(sessionId),

    /** The person's own file, whole (their own data: RGPD art. 15). */
    async ownFile(personId: string) {
      if (!isUuid(personId)) throw notFound('Dossier introuvable.');
      return core.readFile(personId, 'referent');
    },

    /** The person corrects their profile (the fields of SELF_FIELDS only), refused if stale. */
    async updateOwn(personId: string, version: number, input: SelfProfile) {
      const fields = Object.fromEntries(
        Object.entries(input).filter(([k, v]) => SELF_FIELDS.includes(k as SelfField) && v !== undefined),
      ) as SelfProfile;
      const values = await checkProfile(fields, core.lookups());
      const current = await core.repo.access(personId);
      if (!current) throw notFound('Dossier introuvable.');
      if (current.version !== version) throw staleEdit(version, current.version);
      return core.change(THE_PERSON, 'person.self_updated', async (tx) => {
        const next = await core.repo.update(tx, personId, version, values);
        // Another edit came in between: no query outside `tx` here (PGlite has one connection).
        if (next === null) throw staleEdit(version, version + 1);
        return {
          personId,
          result: { version: next },
          // The declared skills travel with the event (codes: no personal data beyond them), for
          // what reacts to a profile's skills (the next issue's matching).
          details: { fields: Object.keys(fields), ...(values.skills ? { skills: values.skills } : {}) },
        };
      });
    },

    /** « Les employeurs peuvent voir mon profil sans mon nom »: the person's choice, off by default. */
    async setEmployerVisibility(personId: string, visible: boolean) {
      await core.change(THE_PERSON, 'person.self_updated', async (tx) => {
        await core.space.setEmployerVisible(tx, personId, visible);
        return {
          personId,
          result: undefined,
          details: { fields: ['employerVisible'], employerVisible: visible },
        };
      });
    },
  };
}
