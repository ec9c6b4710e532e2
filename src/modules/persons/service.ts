import type { Db } from '../../db/database.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { isIsoDate, isUuid } from '../../shared/formats.js';
import type { Actor, OrganisationKind } from '../identity/model.js';
import { recordAudit } from '../identity/service.js';
import { contactPointUseCases } from './contact-point-service.js';
import { checkNewProfile, checkProfile, type InputLookups, staleEdit } from './input.js';
import { type ListFilters, PERSONS_PAGE_SIZE, personListRepository } from './list-repository.js';
import { type FileAccess, personRepository } from './repository.js';
import { rgpdUseCases } from './rgpd-service.js';
import {
  FILE_HOLDER_KINDS,
  type FileRelation,
  relationTo,
  requireFileHolder,
  requireReader,
  requireReferent,
  SENSITIVE_FIELDS,
  seesSensitive,
} from './rights.js';
import { AGE_RULES, nameKey, SITUATIONS, type Situation } from './rules.js';
import type { PersonInput, PersonListQuery, PersonPatch, ShareInput } from './schemas.js';
import { searchTerms } from './search-terms.js';
import { actorName, type FileChange, readFileWith, THE_PERSON } from './service-core.js';
import { spaceRepository } from './space-repository.js';
import { type SpaceOptions, spaceUseCases } from './space-service.js';

export type { PersonListRow } from './list-repository.js';
export { PERSONS_PAGE_SIZE } from './list-repository.js';

export interface PersonsOptions {
  /** The day ages and dates are checked against (tests fix it). */
  today?: () => string;
  /** The person's space (invitations, sign-in links): its links are mailed with this address. */
  space?: SpaceOptions;
}

/** How many core skills of the wanted jobs a form offers as boxes (a métier has 10 to 30). */
const CORE_SKILL_CHOICES = 12;

const yearsBefore = (iso: string, years: number) => `${Number(iso.slice(0, 4)) - years}${iso.slice(4)}`;

/**
 * The persons module's use cases: the job seeker's file (issue 10). Access is decided by rights.ts
 * before any read; every change runs in one transaction with its audit line, its history line and
 * its outbox event; a read of a file is audited by the route (config.audit) from the repository's
 * marking (shared/audit.ts).
 */
export function personsService(db: Db, options: PersonsOptions = {}) {
  const repo = personRepository(db);
  const space = spaceRepository(db);
  const lists = personListRepository(db);
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  const lookups = (): InputLookups => ({
    today: today(),
    appellationsExisting: repo.appellationsExisting,
    skillsExisting: repo.skillsExisting,
    communeExists: repo.communeExists,
  });

  async function accessFor(
    actor: Actor,
    personId: string,
  ): Promise<{ access: FileAccess; relation: FileRelation }> {
    if (!isUuid(personId)) throw notFound('Dossier introuvable.');
    const access = await repo.access(personId);
    if (!access) throw notFound('Dossier introuvable.');
    return { access, relation: relationTo(actor, access) };
  }

  const readFile = (personId: string, relation: 'referent' | 'shared') =>
    readFileWith(repo, today(), personId, relation);

  /**
   * One change of a file: the write, its history line, its audit line and its outbox event in one
   * transaction (ARCHITECTURE.md, Events).
   */
  function change<T>(
    actor: Actor | typeof THE_PERSON,
    action: FileChange,
    fn: (tx: Db) => Promise<{ personId: string; result: T; details: Record<string, unknown> }>,
  ): Promise<T> {
    const staff = actor === THE_PERSON ? null : actor;
    return repo.transaction(async (tx) => {
      const { personId, result, details } = await fn(tx);
      await repo.addHistory(tx, {
        personId,
        action,
        actorLabel: staff?.label ?? 'La personne, depuis son espace',
        actorUserId: staff?.userId ?? null,
        organisationId: staff?.organisationId ?? null,
        details,
      });
      // Every change is a contact with the person or about them: the retention period restarts.
      await space.touch(tx, personId);
      await recordAudit(tx, staff, {
        action,
        subjectType: 'person',
        subjectId: personId,
        details: staff ? details : { ...details, by: 'person' },
      });
      await repo.recordEvent(tx, action, staff?.userId ?? null, { personId, ...details });
      return result;
    });
  }

  const core = { repo, lists, space, accessFor, readFile, change, lookups, today };
  return {
    ...rgpdUseCases(core),
    ...spaceUseCases(core, options.space),
    ...contactPointUseCases(core),
    /** Refuses who may not hold files (the creation form is not even shown to them). */
    requireFileHolder: (actor: Actor) => requireFileHolder(actor),

    /** Refuses all but the referent organisation before a form reads the file (no read, no audit line). */
    async checkReferent(actor: Actor, personId: string) {
      requireReferent((await accessFor(actor, personId)).relation);
    },

    /** Refuses all but the organisations that may read the file, without reading it (no audit line). */
    async checkReader(actor: Actor, personId: string) {
      requireReader((await accessFor(actor, personId)).relation);
    },

    /** The file as the actor's organisation may receive it (audited read). */
    async get(actor: Actor, personId: string) {
      const { relation } = await accessFor(actor, personId);
      requireReader(relation);
      return readFile(personId, relation);
    },

    async history(actor: Actor, personId: string) {
      const { relation } = await accessFor(actor, personId);
      requireReader(relation);
      const rows = await repo.history(personId);
      return rows.map((h) => ({
        occurredAt: new Date(h.occurred_at).toISOString(),
        action: h.action,
        actor: actorName(h.actor_first_name, h.actor_last_name, h.actor_label),
        organisation: h.organisation_name,
        // The fields changed are named, never their values; a shared organisation's share target is kept.
        fields: Array.isArray(h.details.fields)
          ? (h.details.fields as string[]).filter((f) => seesSensitive(relation) || !SENSITIVE_FIELDS.has(f))
          : [],
        sharedWith:
          relation === 'referent' && typeof h.details.organisationName === 'string'
            ? h.details.organisationName
            : null,
      }));
    },

    async list(actor: Actor, query: PersonListQuery) {
      requireFileHolder(actor);
      const day = today();
      const q = query.q?.trim() ?? '';
      const situation =
        query.situation && query.situation in SITUATIONS ? (query.situation as Situation) : null;
      const department = query.department?.toUpperCase() ?? null;
      const filters: ListFilters = {
        organisationId: actor.organisationId,
        ...searchTerms(q),
        scope: query.scope ?? 'all',
        situation,
        situationReferentOnly: !!situation && SITUATIONS[situation].sensitive,
        bornAfter: query.age === 'young' ? yearsBefore(day, AGE_RULES.youngUnder) : null,
        bornOnOrBefore: query.age === 'senior' ? yearsBefore(day, AGE_RULES.seniorFrom) : null,
        department,
        commune: query.commune ?? null,
        availableOn: query.availableNow === 'true' ? day : null,
        page: query.page ?? 1,
      };
      const { total, items } = await lists.list(filters);
      return { total, page: filters.page, pageSize: PERSONS_PAGE_SIZE, items };
    },

    /**
     * Creates a file for the actor's organisation. A possible duplicate (same names and birth date,
     * or same France Travail id, in any organisation) is a 409 naming the holders only, until
     * the creation is confirmed (`confirmDuplicate`).
     */
    async create(actor: Actor, input: PersonInput) {
      requireFileHolder(actor);
      const values = await checkNewProfile(input, lookups());
      const holders = await lists.possibleDuplicates(
        values.name_key,
        values.birth_date,
        values.france_travail_id ?? null,
      );
      if (holders.length && !input.confirmDuplicate)
        throw new AppError(
          'conflict',
          `Un dossier existe peut-être déjà pour cette personne, tenu par ${holders
            .map((h) =>
              h.organisationId === actor.organisationId ? 'votre organisation' : h.organisationName,
            )
            .join(', ')} : demandez-lui de vous le partager, ou confirmez la création d’un nouveau dossier.`,
          'confirmDuplicate',
          { heldBy: holders.map((h) => h.organisationName) },
        );
      return change(actor, 'person.created', async (tx) => {
        const id = await repo.insert(tx, {
          ...values,
          referent_organisation_id: actor.organisationId,
          created_by: actor.userId,
        });
        return {
          personId: id,
          result: { id, version: 1 },
          details: {
            legalBasis: values.legal_basis,
            // ROME 4.0 codes, for what reacts to a profile's skills (the next issue's matching).
            skills: values.skills ?? [],
            ...(holders.length ? { duplicateConfirmed: true } : {}),
          },
        };
      });
    },

    /** An edit by the referent organisation, refused when the file changed since `version`. */
    async update(actor: Actor, personId: string, patch: PersonPatch) {
      const { access, relation } = await accessFor(actor, personId);
      requireReferent(relation);
      const { version, ...fields } = patch;
      const values = await checkProfile(fields, lookups());
      if (values.last_name !== undefined || values.first_name !== undefined)
        values.name_key = nameKey(values.last_name ?? access.lastName, values.first_name ?? access.firstName);
      if (access.version !== version) throw staleEdit(version, access.version);
      return change(actor, 'person.updated', async (tx) => {
        const next = await repo.update(tx, personId, version, values);
        // Another edit came in between. No query outside `tx` here: on PGlite (one connection)
        // it would wait for this transaction forever.
        if (next === null) throw staleEdit(version, version + 1);
        return {
          personId,
          result: { id: personId, version: next },
          details: { fields: Object.keys(fields), ...(values.skills ? { skills: values.skills } : {}) },
        };
      });
    },

    /** Shares the file with another accompanying organisation, the person's consent recorded. */
    async share(actor: Actor, personId: string, input: ShareInput) {
      const { access, relation } = await accessFor(actor, personId);
      requireReferent(relation);
      if (!isIsoDate(input.consentOn))
        throw invalid('consentOn', `Date du consentement « ${input.consentOn} » invalide : AAAA-MM-JJ.`);
      if (input.consentOn > today())
        throw invalid('consentOn', 'Le consentement ne peut pas être daté du futur.');
      const target = isUuid(input.organisationId) ? await repo.organisation(input.organisationId) : undefined;
      if (!target || !FILE_HOLDER_KINDS.has(target.kind as OrganisationKind))
        throw invalid('organisationId', 'Organisation inconnue, ou qui n’accompagne pas de personnes.');
      if (target.id === access.referentOrganisationId)
        throw invalid('organisationId', 'Votre organisation tient déjà ce dossier.');
      await change(actor, 'person.shared', async (tx) => {
        await repo.share(tx, {
          personId,
          organisationId: target.id,
          consentOn: input.consentOn,
          recordedBy: actor.userId,
          recordedByLabel: actor.label,
        });
        return {
          personId,
          result: undefined,
          details: { organisationId: target.id, organisationName: target.name, consentOn: input.consentOn },
        };
      });
      return { organisationId: target.id, organisationName: target.name, consentOn: input.consentOn };
    },

    /**
     * The skills a person form offers as boxes: the declared ones (with their labels), then the core
     * skills of the wanted jobs' métiers not declared yet (ROME 4.0 métier ↔ skill links), 12 at
     * most. Reference data only: no file is read.
     */
    /** Shares that accepted orientations give (issue 12 §1), written in the orienting module's transaction. */
    orientationShares: {
      grant: repo.grantForOrientation,
      end: repo.endOrientationShare,
      purgeEnded: repo.purgeEndedShares,
    },

    async skillChoices(declared: readonly string[], wantedJobs: readonly string[]) {
      const codes = [...new Set(declared.filter((c) => /^\d{1,8}$/.test(c)))];
      const jobs = [...new Set(wantedJobs.filter((c) => /^\d{1,8}$/.test(c)))];
      const labels = await repo.skillLabels(codes);
      const core = await repo.coreSkillsOfAppellations(jobs, codes, CORE_SKILL_CHOICES);
      return [
        ...codes.flatMap((code) => {
          const label = labels.get(code);
          return label ? [{ code, label, core: false }] : [];
        }),
        ...core.map((s) => ({ code: s.code, label: s.label, core: true })),
      ];
    },

    /** The organisations a file may be shared with (the share form), the actor's own left out. */
    async shareChoices(actor: Actor) {
      const all = await repo.organisationsOfKinds([...FILE_HOLDER_KINDS]);
      return all.filter((o) => o.id !== actor.organisationId);
    },
  };
}

export type PersonsService = ReturnType<typeof personsService>;
export type { PersonFile, ServiceCore } from './service-core.js';
export { THE_PERSON } from './service-core.js';
