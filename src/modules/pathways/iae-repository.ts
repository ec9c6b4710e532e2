import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { markAudited } from '../../shared/audit.js';

/** An eligibility diagnosis with its criteria (criteria are filtered by the service, never here). */
export interface DiagnosisRow {
  id: string;
  personId: string;
  authorOrganisationId: string;
  authorOrganisationName: string;
  authorKind: 'prescriber' | 'siae';
  siaeKind: string | null;
  authorLabel: string;
  madeOn: string;
  expiresOn: string;
  createdAt: string;
  criteria: { code: string; proof: string | null; proofOn: string | null }[];
  /** Effective ends of the PASS issued from it (a diagnosis is valid while one runs). */
  approvalEnds: string[];
  /** SIAE that hired the person with it (they see the criteria). */
  hiringOrganisationIds: string[];
}

export interface PeriodRow {
  id: string;
  startOn: string;
  endOn: string;
  reason: string;
  comment: string | null;
  createdByLabel: string;
}
export interface ProlongationRow extends PeriodRow {
  state: 'requested' | 'granted' | 'refused';
  prescriberOrganisationId: string;
  prescriberOrganisationName: string;
  requestedByOrganisationId: string | null;
  decidedByLabel: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  version: number;
}
export interface ApprovalRow {
  id: string;
  number: string;
  personId: string;
  personFirstName: string;
  personLastName: string;
  siaeOrganisationId: string;
  siaeOrganisationName: string;
  siaeOrganisationKind: string;
  diagnosisId: string | null;
  startOn: string;
  baseEndOn: string;
  endOn: string;
  version: number;
  createdAt: string;
  createdByLabel: string;
  suspensions: PeriodRow[];
  prolongations: ProlongationRow[];
}
export interface ContractRow {
  id: string;
  personId: string;
  siaeOrganisationId: string;
  siaeKind: string;
  approvalId: string | null;
  orientationId: string | null;
  positionId: string | null;
  kind: string;
  startOn: string;
  endOn: string | null;
  hoursPerWeek: number | null;
  version: number;
  createdByLabel: string;
  hours: { month: string; hours: number }[];
  exit: ExitRow | null;
}
export interface ExitRow {
  id: string;
  contractId: string;
  personId: string;
  siaeOrganisationId: string;
  siaeOrganisationName: string;
  siaeKind: string;
  exitOn: string;
  reason: string;
  category: string;
  counted: boolean;
  hoursWorked: number;
  contractDays: number;
  comment: string | null;
  createdByLabel: string;
}

const APPROVAL_SELECT = sql`
  select a.id, a.number, a.person_id as "personId", p.first_name as "personFirstName", p.last_name as "personLastName",
    a.siae_organisation_id as "siaeOrganisationId", o.name as "siaeOrganisationName", o.kind as "siaeOrganisationKind",
    a.diagnosis_id as "diagnosisId", a.start_on::text as "startOn", a.base_end_on::text as "baseEndOn",
    a.end_on::text as "endOn", a.version, a.created_at::text as "createdAt", a.created_by_label as "createdByLabel",
    coalesce((select json_agg(json_build_object('id', s.id, 'startOn', s.start_on::text, 'endOn', s.end_on::text,
        'reason', s.reason, 'comment', s.comment, 'createdByLabel', s.created_by_label) order by s.start_on)
      from approval_suspension s where s.approval_id = a.id), '[]') as suspensions,
    coalesce((select json_agg(json_build_object('id', r.id, 'startOn', r.start_on::text, 'endOn', r.end_on::text,
        'reason', r.reason, 'comment', r.comment, 'createdByLabel', r.requested_by_label, 'state', r.state,
        'prescriberOrganisationId', r.prescriber_organisation_id, 'prescriberOrganisationName', po.name,
        'requestedByOrganisationId', r.requested_by_organisation_id, 'decidedByLabel', r.decided_by_label,
        'decidedAt', r.decided_at::text, 'decisionComment', r.decision_comment, 'version', r.version) order by r.start_on, r.requested_at)
      from approval_prolongation r join organisation po on po.id = r.prescriber_organisation_id
      where r.approval_id = a.id), '[]') as prolongations
  from approval a join person p on p.id = a.person_id join organisation o on o.id = a.siae_organisation_id`;

const CONTRACT_SELECT = sql`
  select c.id, c.person_id as "personId", c.siae_organisation_id as "siaeOrganisationId", c.siae_kind as "siaeKind",
    c.approval_id as "approvalId", c.orientation_id as "orientationId", c.position_id as "positionId", c.kind,
    c.start_on::text as "startOn", c.end_on::text as "endOn", c.hours_per_week::float8 as "hoursPerWeek", c.version,
    c.created_by_label as "createdByLabel",
    coalesce((select json_agg(json_build_object('month', to_char(h.month, 'YYYY-MM'), 'hours', h.hours::float8) order by h.month)
      from iae_contract_hours h where h.contract_id = c.id), '[]') as hours,
    (select json_build_object('id', e.id, 'contractId', e.contract_id, 'exitOn', e.exit_on::text, 'reason', e.reason,
        'category', e.category, 'counted', e.counted, 'hoursWorked', e.hours_worked::float8, 'contractDays', e.contract_days,
        'comment', e.comment, 'createdByLabel', e.created_by_label)
      from iae_exit e where e.contract_id = c.id) as exit
  from iae_contract c`;

/**
 * All SQL of IAE eligibility, PASS IAE, contracts and exits (issue 12 §3-5). Reads of personal
 * pathway data mark the request's audit trail (shared/audit.ts); writes are marked too, their audit
 * line written by the service in the same transaction.
 */
export function iaeRepository(db: Db) {
  const readMark = (personId?: string) => markAudited('pathways', 'read', personId ? { personId } : {});
  const writeMark = () => markAudited('pathways', 'write');

  return {
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),

    /** An organisation with its place: the exit's employment zone and department (rates, issue 12 §6). */
    async organisation(id: string, tx: Db = db) {
      const { rows } = await sql<{
        id: string;
        name: string;
        kind: string;
        zoneCode: string | null;
        departmentCode: string | null;
      }>`
        select o.id, o.name, o.kind, z.zone_code as "zoneCode", c.department_code as "departmentCode"
        from organisation o left join commune c on c.code = o.commune_code
          left join commune_employment_zone z on z.commune_code = o.commune_code
        where o.id = ${id}::uuid`.execute(tx);
      return rows[0];
    },

    /** The person's referent organisation and birth date (who sees the criteria; CDI inclusion's age). */
    async person(id: string, tx: Db = db) {
      const { rows } = await sql<{ referentOrganisationId: string; birthDate: string }>`
        select referent_organisation_id as "referentOrganisationId", birth_date::text as "birthDate"
        from person where id = ${id}::uuid`.execute(tx);
      return rows[0];
    },

    /**
     * Locks the person's row until the transaction ends: two hires of the same person are
     * serialised, the second one reading what the first wrote (issue 12, bad input: concurrent hires).
     */
    async lockPerson(tx: Db, personId: string) {
      await sql`select id from person where id = ${personId}::uuid for update`.execute(tx);
    },

    async insertDiagnosis(
      tx: Db,
      d: {
        personId: string;
        authorOrganisationId: string;
        authorKind: 'prescriber' | 'siae';
        siaeKind: string | null;
        authorUserId: string | null;
        authorLabel: string;
        madeOn: string;
        expiresOn: string;
        criteria: { code: string; proof: string | null; proofOn: string | null }[];
      },
    ) {
      writeMark();
      const { id } = await tx
        .insertInto('eligibility_diagnosis')
        .values({
          person_id: d.personId,
          author_organisation_id: d.authorOrganisationId,
          author_kind: d.authorKind,
          siae_kind: d.siaeKind,
          author_user_id: d.authorUserId,
          author_label: d.authorLabel,
          made_on: d.madeOn,
          expires_on: d.expiresOn,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (d.criteria.length)
        await tx
          .insertInto('eligibility_criterion')
          .values(
            d.criteria.map((c) => ({ diagnosis_id: id, code: c.code, proof: c.proof, proof_on: c.proofOn })),
          )
          .execute();
      return id;
    },

    /** A person's diagnoses, newest first, with what decides their validity and who sees their criteria. */
    async diagnoses(personId: string, opts: { id?: string; tx?: Db } = {}) {
      readMark(personId);
      const { rows } = await sql<DiagnosisRow>`
        select d.id, d.person_id as "personId", d.author_organisation_id as "authorOrganisationId",
          o.name as "authorOrganisationName", d.author_kind as "authorKind", d.siae_kind as "siaeKind",
          d.author_label as "authorLabel", d.made_on::text as "madeOn", d.expires_on::text as "expiresOn",
          d.created_at::text as "createdAt",
          coalesce((select json_agg(json_build_object('code', c.code, 'proof', c.proof, 'proofOn', c.proof_on::text) order by c.code)
            from eligibility_criterion c where c.diagnosis_id = d.id), '[]') as criteria,
          coalesce((select json_agg(a.end_on::text) from approval a where a.diagnosis_id = d.id), '[]') as "approvalEnds",
          coalesce((select json_agg(distinct x.org) from (
              select a.siae_organisation_id as org from approval a where a.diagnosis_id = d.id
              union select c.siae_organisation_id from iae_contract c join approval a on a.id = c.approval_id
              where a.diagnosis_id = d.id) x), '[]') as "hiringOrganisationIds"
        from eligibility_diagnosis d join organisation o on o.id = d.author_organisation_id
        where d.person_id = ${personId}::uuid ${opts.id ? sql`and d.id = ${opts.id}::uuid` : sql``}
        order by d.made_on desc, d.created_at desc`.execute(opts.tx ?? db);
      return rows;
    },

    /** Which person a diagnosis concerns (no personal data: the route's access is decided from it). */
    async diagnosisPerson(id: string) {
      const r = await db
        .selectFrom('eligibility_diagnosis')
        .select('person_id')
        .where('id', '=', id)
        .executeTakeFirst();
      return r?.person_id;
    },

    async approvals(personId: string, tx: Db = db) {
      readMark(personId);
      const { rows } = await sql<ApprovalRow>`${APPROVAL_SELECT}
        where a.person_id = ${personId}::uuid order by a.start_on desc`.execute(tx);
      return rows;
    },

    async approval(id: string, tx: Db = db) {
      const { rows } = await sql<ApprovalRow>`${APPROVAL_SELECT} where a.id = ${id}::uuid`.execute(tx);
      if (rows[0]) readMark(rows[0].personId);
      return rows[0];
    },

    /** The approval a prolongation belongs to, and the prolongation's own state. */
    async prolongationApproval(prolongationId: string) {
      const r = await db
        .selectFrom('approval_prolongation')
        .select(['approval_id', 'prescriber_organisation_id'])
        .where('id', '=', prolongationId)
        .executeTakeFirst();
      return r
        ? { approvalId: r.approval_id, prescriberOrganisationId: r.prescriber_organisation_id }
        : undefined;
    },

    async insertApproval(
      tx: Db,
      a: {
        prefix: string;
        personId: string;
        siaeOrganisationId: string;
        diagnosisId: string | null;
        startOn: string;
        baseEndOn: string;
        createdByLabel: string;
      },
      numberOf: (prefix: string, sequence: number) => string,
    ) {
      writeMark();
      const { rows } = await sql<{ n: string }>`select nextval('approval_number_seq')::text as n`.execute(tx);
      const number = numberOf(a.prefix, Number(rows[0]!.n));
      const { id } = await tx
        .insertInto('approval')
        .values({
          number,
          person_id: a.personId,
          siae_organisation_id: a.siaeOrganisationId,
          diagnosis_id: a.diagnosisId,
          start_on: a.startOn,
          base_end_on: a.baseEndOn,
          end_on: a.baseEndOn,
          created_by_label: a.createdByLabel,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id, number };
    },

    /** Moves the effective end if nobody changed the PASS since it was read; the new version, or null. */
    async moveApprovalEnd(tx: Db, id: string, version: number, endOn: string) {
      writeMark();
      const r = await tx
        .updateTable('approval')
        .set({ end_on: endOn, version: version + 1 })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1 ? version + 1 : null;
    },

    async insertSuspension(
      tx: Db,
      s: {
        approvalId: string;
        startOn: string;
        endOn: string;
        reason: string;
        comment: string | null;
        organisationId: string;
        label: string;
      },
    ) {
      writeMark();
      const { id } = await tx
        .insertInto('approval_suspension')
        .values({
          approval_id: s.approvalId,
          start_on: s.startOn,
          end_on: s.endOn,
          reason: s.reason,
          comment: s.comment,
          organisation_id: s.organisationId,
          created_by_label: s.label,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    async insertProlongation(
      tx: Db,
      p: {
        approvalId: string;
        startOn: string;
        endOn: string;
        reason: string;
        comment: string | null;
        organisationId: string;
        label: string;
        prescriberOrganisationId: string;
      },
    ) {
      writeMark();
      const { id } = await tx
        .insertInto('approval_prolongation')
        .values({
          approval_id: p.approvalId,
          start_on: p.startOn,
          end_on: p.endOn,
          reason: p.reason,
          comment: p.comment,
          requested_by_organisation_id: p.organisationId,
          requested_by_label: p.label,
          prescriber_organisation_id: p.prescriberOrganisationId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    /** Decides a requested prolongation at the version read; false if it moved meanwhile. */
    async decideProlongation(
      tx: Db,
      d: { id: string; version: number; state: 'granted' | 'refused'; label: string; comment: string | null },
    ) {
      writeMark();
      const r = await tx
        .updateTable('approval_prolongation')
        .set({
          state: d.state,
          decided_by_label: d.label,
          decided_at: sql`now()`,
          decision_comment: d.comment,
          version: d.version + 1,
        })
        .where('id', '=', d.id)
        .where('version', '=', d.version)
        .where('state', '=', 'requested')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** The requests awaiting an organisation's decision, and those it decided lately. */
    async prolongationRequests(prescriberOrganisationId: string) {
      readMark();
      const { rows } = await sql<{
        approvalId: string;
        number: string;
        personId: string;
        personFirstName: string;
        personLastName: string;
        siaeOrganisationName: string;
        prolongation: ProlongationRow;
      }>`
        select a.id as "approvalId", a.number, a.person_id as "personId", p.first_name as "personFirstName",
          p.last_name as "personLastName", o.name as "siaeOrganisationName",
          json_build_object('id', r.id, 'startOn', r.start_on::text, 'endOn', r.end_on::text, 'reason', r.reason,
            'comment', r.comment, 'createdByLabel', r.requested_by_label, 'state', r.state,
            'prescriberOrganisationId', r.prescriber_organisation_id, 'prescriberOrganisationName', '',
            'requestedByOrganisationId', r.requested_by_organisation_id, 'decidedByLabel', r.decided_by_label,
            'decidedAt', r.decided_at::text, 'decisionComment', r.decision_comment, 'version', r.version) as prolongation
        from approval_prolongation r join approval a on a.id = r.approval_id
          join person p on p.id = a.person_id join organisation o on o.id = a.siae_organisation_id
        where r.prescriber_organisation_id = ${prescriberOrganisationId}::uuid
          and (r.state = 'requested' or r.decided_at > now() - interval '90 days')
        order by r.state = 'requested' desc, r.requested_at
        limit 200`.execute(db);
      return rows;
    },

    /** Contracts of a person in one SIAE, or all of theirs, with hours and exit. */
    async contracts(personId: string, tx: Db = db) {
      readMark(personId);
      const { rows } = await sql<ContractRow>`${CONTRACT_SELECT}
        where c.person_id = ${personId}::uuid order by c.start_on desc, c.created_at desc`.execute(tx);
      return rows;
    },

    async contract(id: string, tx: Db = db) {
      const { rows } = await sql<ContractRow>`${CONTRACT_SELECT} where c.id = ${id}::uuid`.execute(tx);
      if (rows[0]) readMark(rows[0].personId);
      return rows[0];
    },

    /** Contracts without an exit running on `on` (the « one hire at a time » check). */
    async openContracts(tx: Db, personId: string, on: string) {
      const { rows } = await sql<{ id: string; organisationId: string; organisationName: string }>`
        select c.id, c.siae_organisation_id as "organisationId", o.name as "organisationName"
        from iae_contract c join organisation o on o.id = c.siae_organisation_id
        where c.person_id = ${personId}::uuid and (c.end_on is null or c.end_on >= ${on}::date)
          and not exists (select 1 from iae_exit e where e.contract_id = c.id)`.execute(tx);
      return rows;
    },

    async insertContract(
      tx: Db,
      c: {
        personId: string;
        siaeOrganisationId: string;
        siaeKind: string;
        approvalId: string | null;
        orientationId: string | null;
        positionId: string | null;
        kind: string;
        startOn: string;
        endOn: string | null;
        hoursPerWeek: number | null;
        label: string;
      },
    ) {
      writeMark();
      const { id } = await tx
        .insertInto('iae_contract')
        .values({
          person_id: c.personId,
          siae_organisation_id: c.siaeOrganisationId,
          siae_kind: c.siaeKind,
          approval_id: c.approvalId,
          orientation_id: c.orientationId,
          position_id: c.positionId,
          kind: c.kind,
          start_on: c.startOn,
          end_on: c.endOn,
          hours_per_week: c.hoursPerWeek,
          created_by_label: c.label,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    },

    async setHours(tx: Db, contractId: string, month: string, hours: number) {
      writeMark();
      await tx
        .insertInto('iae_contract_hours')
        .values({ contract_id: contractId, month: `${month}-01`, hours })
        .onConflict((oc) => oc.columns(['contract_id', 'month']).doUpdateSet({ hours }))
        .execute();
    },

    /**
     * The SIAE pathway an exit closes: the contract and its renewals (same person, SIAE and PASS),
     * their first start and the hours recorded on them.
     */
    async pathwayOf(tx: Db, c: { personId: string; siaeOrganisationId: string; approvalId: string | null }) {
      const { rows } = await sql<{
        id: string;
        startOn: string;
        endOn: string | null;
        hoursPerWeek: number | null;
        recorded: number | null;
      }>`
        select c.id, c.start_on::text as "startOn", c.end_on::text as "endOn", c.hours_per_week::float8 as "hoursPerWeek",
          (select sum(h.hours)::float8 from iae_contract_hours h where h.contract_id = c.id) as recorded
        from iae_contract c
        where c.person_id = ${c.personId}::uuid and c.siae_organisation_id = ${c.siaeOrganisationId}::uuid
          and ${c.approvalId ? sql`c.approval_id = ${c.approvalId}::uuid` : sql`c.approval_id is null`}
        order by c.start_on`.execute(tx);
      return rows;
    },

    async insertExit(
      tx: Db,
      e: {
        contractId: string;
        personId: string;
        siaeOrganisationId: string;
        siaeKind: string;
        zoneCode: string | null;
        departmentCode: string | null;
        exitOn: string;
        reason: string;
        category: string;
        counted: boolean;
        hoursWorked: number;
        contractDays: number;
        comment: string | null;
        label: string;
      },
    ) {
      writeMark();
      const { id } = await tx
        .insertInto('iae_exit')
        .values({
          contract_id: e.contractId,
          person_id: e.personId,
          siae_organisation_id: e.siaeOrganisationId,
          siae_kind: e.siaeKind,
          zone_code: e.zoneCode,
          department_code: e.departmentCode,
          exit_on: e.exitOn,
          reason: e.reason,
          category: e.category,
          counted: e.counted,
          hours_worked: e.hoursWorked,
          contract_days: e.contractDays,
          comment: e.comment,
          created_by_label: e.label,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // The exit ends the contract: its end is the exit day when open or later.
      await tx
        .updateTable('iae_contract')
        .set({ end_on: e.exitOn, version: sql`version + 1` })
        .where('id', '=', e.contractId)
        .where((w) => w.or([w('end_on', 'is', null), w('end_on', '>', e.exitOn)]))
        .execute();
      return id;
    },

    async exits(personId: string) {
      readMark(personId);
      const { rows } = await sql<ExitRow>`
        select e.id, e.contract_id as "contractId", e.person_id as "personId", e.siae_organisation_id as "siaeOrganisationId",
          o.name as "siaeOrganisationName", e.siae_kind as "siaeKind", e.exit_on::text as "exitOn", e.reason, e.category,
          e.counted, e.hours_worked::float8 as "hoursWorked", e.contract_days as "contractDays", e.comment,
          e.created_by_label as "createdByLabel"
        from iae_exit e join organisation o on o.id = e.siae_organisation_id
        where e.person_id = ${personId}::uuid order by e.exit_on desc`.execute(db);
      return rows;
    },

    /** « Mes salariés en insertion »: the SIAE's contracts without exit, with their PASS. */
    async siaeEmployees(organisationId: string) {
      readMark();
      const { rows } = await sql<{
        contractId: string;
        personId: string;
        firstName: string;
        lastName: string;
        kind: string;
        startOn: string;
        endOn: string | null;
        approvalId: string | null;
        number: string | null;
        approvalStartOn: string | null;
        approvalEndOn: string | null;
      }>`
        select c.id as "contractId", c.person_id as "personId", p.first_name as "firstName", p.last_name as "lastName",
          c.kind, c.start_on::text as "startOn", c.end_on::text as "endOn", a.id as "approvalId", a.number,
          a.start_on::text as "approvalStartOn", a.end_on::text as "approvalEndOn"
        from iae_contract c join person p on p.id = c.person_id left join approval a on a.id = c.approval_id
        where c.siae_organisation_id = ${organisationId}::uuid
          and not exists (select 1 from iae_exit e where e.contract_id = c.id)
        order by p.last_name, p.first_name, c.start_on desc
        limit 500`.execute(db);
      return rows;
    },

    /** Authorised prescriber organisations, the choices of a prolongation request. */
    async organisationsOfKinds(kinds: readonly string[]) {
      return db
        .selectFrom('organisation')
        .select(['id', 'name', 'kind'])
        .where('kind', 'in', [...kinds])
        .orderBy('name')
        .execute();
    },
  };
}
export type IaeRepository = ReturnType<typeof iaeRepository>;
