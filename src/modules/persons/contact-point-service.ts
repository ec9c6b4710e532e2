import { AppError, invalid } from '../../shared/errors.js';
import { isIsoDate, isUuid } from '../../shared/formats.js';
import type { Actor, OrganisationKind } from '../identity/model.js';
import { checkNewProfile } from './input.js';
import { FILE_HOLDER_KINDS, requireContactPoint } from './rights.js';
import type { PersonInput } from './schemas.js';
import type { ServiceCore } from './service-core.js';

/** What a town hall records: identity, contact, commune, wanted jobs; never a sensitive facet. */
export type ContactPointInput = Pick<
  PersonInput,
  'civility' | 'lastName' | 'firstName' | 'birthDate' | 'email' | 'phone' | 'communeCode' | 'wantedJobs'
> & {
  /** The accompanying organisation the file is handed to: it becomes the referent. */
  organisationId: string;
  /** The day the person agreed to the handover (and was informed of the processing). */
  consentOn: string;
};

/**
 * The town hall's contact point (issue 10 §2): a light registration, handed at once to an
 * accompanying organisation. The person's consent to the handover is recorded (RGPD art. 6.1.a
 * and 7.1); the town hall keeps no access (rights.ts, CONTACT_POINT_KINDS).
 */
export function contactPointUseCases(core: ServiceCore) {
  return {
    async registerAndHandOver(actor: Actor, input: ContactPointInput) {
      requireContactPoint(actor);
      if (!isIsoDate(input.consentOn))
        throw invalid('consentOn', `Date de l’accord « ${input.consentOn} » invalide : AAAA-MM-JJ.`);
      if (input.consentOn > core.today())
        throw invalid('consentOn', 'L’accord ne peut pas être daté du futur.');
      const target = isUuid(input.organisationId)
        ? await core.repo.organisation(input.organisationId)
        : undefined;
      if (!target || !FILE_HOLDER_KINDS.has(target.kind as OrganisationKind))
        throw invalid('organisationId', 'Choisissez l’organisation qui accompagnera la personne.');
      const values = await checkNewProfile(
        {
          civility: input.civility ?? null,
          lastName: input.lastName,
          firstName: input.firstName,
          birthDate: input.birthDate,
          email: input.email ?? null,
          phone: input.phone ?? null,
          communeCode: input.communeCode ?? null,
          wantedJobs: input.wantedJobs,
          // The person agreed to the handover: consent is the basis, informed the same day.
          legalBasis: 'consent',
          informedOn: input.consentOn,
        },
        core.lookups(),
      );
      const holders = await core.lists.possibleDuplicates(
        values.name_key,
        values.birth_date,
        values.france_travail_id ?? null,
      );
      if (holders.length)
        throw new AppError(
          'conflict',
          `Cette personne a peut-être déjà un dossier, tenu par ${holders.map((h) => h.organisationName).join(', ')} : orientez-la vers cette organisation.`,
          'lastName',
        );
      return core.change(actor, 'person.handed_over', async (tx) => {
        const id = await core.repo.insert(tx, {
          ...values,
          referent_organisation_id: target.id,
          created_by: actor.userId,
        });
        await core.space.markHandedOver(tx, id, actor.organisationId, input.consentOn);
        return {
          personId: id,
          result: { organisationName: target.name },
          details: { organisationId: target.id, organisationName: target.name, consentOn: input.consentOn },
        };
      });
    },

    /** The organisations a town hall may hand a file to. */
    async handoverChoices(actor: Actor) {
      requireContactPoint(actor);
      return core.repo.organisationsOfKinds([...FILE_HOLDER_KINDS]);
    },
  };
}
