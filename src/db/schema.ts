import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface RegionTable {
  code: string;
  name: string;
}
export interface DepartmentTable {
  code: string;
  name: string;
  region_code: string;
}
export interface EpciTable {
  code: string;
  name: string;
}
export interface CommuneTable {
  code: string;
  name: string;
  kind: 'commune' | 'arrondissement';
  search_text: string;
  department_code: string;
  region_code: string | null;
  epci_code: string | null;
  population: number | null;
  postal_codes: string[];
  latitude: number;
  longitude: number;
}
/** A historic INSEE code (merged, associated, delegated or renumbered commune): migration 0009. */
export interface CommuneHistoryTable {
  code: string;
  name: string | null;
  current_code: string;
  kind: 'deleguee' | 'associee' | 'ancienne';
  department_code: string;
}
export interface RomeTradeTable {
  code: string;
  label: string;
  search_text: string;
}
export interface RomeAppellationTable {
  code: string;
  label: string;
  rome_code: string;
  search_text: string;
  /** The ROME 4.0 métier (migration 0013); the appellation's code and trade stay those of the v3 list. */
  metier_code: string | null;
}
export interface SearchPrefixTable {
  prefix: string;
  ref: string;
  first_word: boolean;
  sort_key: number;
}
export interface SearchWordTable {
  word: string;
}
export interface ReferentialLoadTable {
  name: string;
  source: string;
  row_count: number;
  loaded_at: Timestamp;
  /** The data's own version when it has one ('4.60' for ROME 4.0): migration 0013. */
  version: string | null;
}

export interface OrganisationTable {
  id: Generated<string>;
  name: string;
  kind: string;
  siret: string | null;
  commune_code: string | null;
  email: string | null;
  phone: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export interface AppUserTable {
  id: Generated<string>;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string | null;
  is_super_admin: Generated<boolean>;
  is_active: Generated<boolean>;
  created_at: CreatedAt;
  last_login_at: Timestamp | null;
}
export interface MembershipTable {
  user_id: string;
  organisation_id: string;
  role: string;
  created_at: CreatedAt;
}
export interface SessionTable {
  id: string;
  user_id: string;
  organisation_id: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}
export interface ApiTokenTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  role: string;
  token_hash: string;
  token_prefix: string;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}
export interface MembershipInvitationTable {
  id: Generated<string>;
  organisation_id: string;
  user_id: string;
  email: string;
  role: string;
  invited_by: string | null;
  invited_at: CreatedAt;
  expires_at: Timestamp;
  status: ColumnType<string, string | undefined, string>;
  answered_at: Timestamp | null;
  answered_by: string | null;
}
export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: CreatedAt;
  actor_user_id: string | null;
  actor_label: string | null;
  actor_organisation_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  details: JSONColumnType<Record<string, unknown>, string, string>;
  ip: string | null;
}
export interface DomainEventTable {
  id: Generated<number>;
  occurred_at: CreatedAt;
  type: string;
  actor_user_id: string | null;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  processed_at: Timestamp | null;
}

type Json<T extends object | null> = JSONColumnType<T, string, string>;
export interface LheoImportTable {
  id: Generated<string>;
  source: string;
  mode: 'full' | 'partial';
  file_name: string;
  sha256: string;
  size_bytes: number;
  status: 'running' | 'done' | 'failed';
  error: string | null;
  formations_total: Generated<number>;
  formations_done: Generated<number>;
  counts: Json<Record<string, number>>;
  rejected_count: Generated<number>;
  warning_count: Generated<number>;
  created_by: string | null;
  organisation_id: string | null;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
}
/** A feed source and its owner (see rights.ts, FeedSource). */
export interface LheoSourceTable {
  name: string;
  kind: 'organisation' | 'carif_oref';
  organisation_id: string | null;
  created_at: CreatedAt;
}
export interface LheoRejectionTable {
  id: Generated<number>;
  import_id: string;
  line: number;
  col: number;
  element: string;
  record: string;
  reason: string;
  severity: Generated<'error' | 'warning'>;
}
export interface TrainingProviderTable {
  id: Generated<string>;
  source: string;
  siret: string;
  lheo_number: string | null;
  activity_number: string;
  name: string;
  legal_name: string;
  address: Json<Record<string, unknown>>;
  contact: Json<Record<string, unknown>>;
  organisation_id: string | null;
  last_import_id: string | null;
  updated_at: CreatedAt;
  /** Migration 0010: what LHÉO carries beyond the columns (lheo/stored.ts). */
  lheo: Generated<Json<Record<string, unknown>>>;
}
export interface TrainingTable {
  id: Generated<string>;
  source: string;
  lheo_number: string;
  provider_id: string;
  title: string;
  objective: string;
  expected_results: string;
  content: string;
  formacodes: string[];
  nsf_codes: string[];
  rome_codes: string[];
  certifying: boolean;
  rncp_code: string | null;
  rs_code: string | null;
  entry_level: string;
  exit_level: string | null;
  course_type: string;
  url: string | null;
  contact: Json<Record<string, unknown>>;
  status: Generated<'active' | 'withdrawn'>;
  withdrawn_at: Timestamp | null;
  content_hash: string;
  last_import_id: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  lheo: Generated<Json<Record<string, unknown>>>;
}
export interface TrainingActionTable {
  id: Generated<string>;
  training_id: string;
  lheo_number: string;
  rhythm: string;
  public_codes: string[];
  public_info: string | null;
  entry_level_required: boolean;
  alternance: string;
  teaching_mode: string;
  specific_conditions: string;
  funding_possible: boolean;
  entries_exits: string;
  place: Json<Record<string, unknown>> | null;
  commune_code: string | null;
  department_code: string | null;
  latitude: number | null;
  longitude: number | null;
  hours_centre: number | null;
  hours_company: number | null;
  price_total: number | null;
  price_hourly: number | null;
  disability_access: string | null;
  recruitment_terms: string | null;
  funder_codes: string[];
  status: Generated<'active' | 'withdrawn'>;
  withdrawn_at: Timestamp | null;
  last_import_id: string | null;
  lheo: Generated<Json<Record<string, unknown>>>;
}
export interface TrainingSessionTable {
  id: Generated<string>;
  action_id: string;
  lheo_number: string;
  start_date: ColumnType<string, string, string>;
  end_date: ColumnType<string, string, string>;
  recruitment_state: '1' | '2' | '3';
  places_total: number | null;
  places_remaining: number | null;
  registration_address: Json<Record<string, unknown>>;
  status: Generated<'active' | 'withdrawn'>;
  withdrawn_at: Timestamp | null;
  last_import_id: string | null;
  lheo: Generated<Json<Record<string, unknown>>>;
}
export interface ActionFunderTable {
  action_id: string;
  funder_code: string;
  places: number | null;
}

export interface Database {
  region: RegionTable;
  department: DepartmentTable;
  epci: EpciTable;
  commune: CommuneTable;
  commune_history: CommuneHistoryTable;
  rome_trade: RomeTradeTable;
  rome_appellation: RomeAppellationTable;
  referential_load: ReferentialLoadTable;
  rome_appellation_prefix: SearchPrefixTable;
  rome_appellation_word: SearchWordTable;
  commune_prefix: SearchPrefixTable;
  commune_word: SearchWordTable;
  organisation: OrganisationTable;
  app_user: AppUserTable;
  membership: MembershipTable;
  user_session: SessionTable;
  api_token: ApiTokenTable;
  membership_invitation: MembershipInvitationTable;
  audit_log: AuditLogTable;
  domain_event: DomainEventTable;
  lheo_import: LheoImportTable;
  lheo_rejection: LheoRejectionTable;
  lheo_source: LheoSourceTable;
  training_provider: TrainingProviderTable;
  training: TrainingTable;
  training_action: TrainingActionTable;
  training_session: TrainingSessionTable;
  action_funder: ActionFunderTable;
  training_word: SearchWordTable;
  employment_zone: EmploymentZoneTable;
  commune_employment_zone: CommuneEmploymentZoneTable;
  catalogue_search: CatalogueSearchTable;
  rome_grand_domain: RomeGrandDomainTable;
  rome_domain: RomeDomainTable;
  rome_metier: RomeMetierTable;
  rome_skill: RomeSkillTable;
  rome_metier_skill: RomeMetierSkillTable;
  rome_mobility: RomeMobilityTable;
  rome_work_context: RomeWorkContextTable;
  rome_metier_work_context: RomeMetierWorkContextTable;
}

/** INSEE employment zones 2020 (migration 0012). */
export interface EmploymentZoneTable {
  code: string;
  name: string;
}
export interface CommuneEmploymentZoneTable {
  commune_code: string;
  zone_code: string;
  resolved_via: 'insee' | 'commune_deleguee' | 'arrondissement';
}

/** The search projection (migration 0011): written by refreshSearchProjection only. */
export interface CatalogueSearchTable {
  action_id: string;
  training_id: string;
  search_vector: string;
  earth: string | null;
  teaching_mode: string;
  certifying: boolean;
  entry_level: string;
  rome_codes: string[];
  formacodes: string[];
  rncp_code: string | null;
  funder_codes: string[];
  department_code: string | null;
  starts: string[];
  open_starts: string[];
  last_start: ColumnType<string, string, string>;
  source_key: string;
  training_key: string;
  action_key: string;
}

/** ROME 4.0 (migration 0013), loaded from data/referentials/rome4 by the referential loader. */
export interface RomeGrandDomainTable {
  code: string;
  label: string;
}
export interface RomeDomainTable {
  code: string;
  label: string;
  grand_domain_code: string;
}
export type EcologicalTransition = 'vert' | 'brun' | 'blanc' | 'strategique';
export interface RomeMetierTable {
  code: string;
  label: string;
  ogr_code: string;
  /** The v3-compatible trade (code_rome_parent), one of rome_trade's 532. */
  trade_code: string;
  domain_code: string;
  ecological_transition: EcologicalTransition | null;
  digital_transition: boolean | null;
  demographic_transition: boolean | null;
  regulated: boolean | null;
  executive: boolean | null;
  definition: string | null;
  access: string | null;
}
export type SkillKind = 'savoir_faire' | 'savoir_etre' | 'savoir';
export interface RomeSkillTable {
  code: string;
  kind: SkillKind;
  label: string;
  category: string | null;
  sub_category: string | null;
  is_macro: boolean;
  macro_code: string | null;
  definition: string | null;
  search_text: string;
}
export type CoreSkill = 'principale' | 'emergente';
export interface RomeMetierSkillTable {
  metier_code: string;
  skill_code: string;
  core: CoreSkill | null;
}
export interface RomeMobilityTable {
  from_code: string;
  to_code: string;
  rank: number;
}
export interface RomeWorkContextTable {
  code: string;
  label: string;
  type_code: string;
  type_label: string;
}
export interface RomeMetierWorkContextTable {
  metier_code: string;
  context_code: string;
}

/** The job seeker's file (migration 0014, persons module). Codes are those of persons/rules.ts. */
export interface PersonTable {
  id: Generated<string>;
  referent_organisation_id: string;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  version: Generated<number>;
  civility: 'madame' | 'monsieur' | null;
  last_name: string;
  first_name: string;
  name_key: string;
  birth_date: ColumnType<string, string, string>;
  email: string | null;
  phone: string | null;
  france_travail_id: string | null;
  commune_code: string | null;
  registered_category: 'A' | 'B' | 'C' | 'D' | 'E' | null;
  situations: Generated<string[]>;
  education_level: string | null;
  driving_licences: Generated<string[]>;
  has_vehicle: Generated<boolean>;
  mobility_radius_km: number | null;
  mobility_means: Generated<string[]>;
  available_from: ColumnType<string | null, string | null, string | null>;
  working_time: 'full_time' | 'part_time' | 'any' | null;
  contract_types: Generated<string[]>;
  wanted_jobs: Generated<string[]>;
  past_jobs: Json<{ appellationCode: string; months: number }[]>;
  barriers: Generated<string[]>;
  notes: string | null;
  legal_basis: 'public_service' | 'consent';
  informed_on: ColumnType<string, string, string>;
}
export interface PersonShareTable {
  person_id: string;
  organisation_id: string;
  consent_on: ColumnType<string, string, string>;
  recorded_by: string | null;
  recorded_by_label: string;
  shared_at: CreatedAt;
  /** Issue 12: a share by consent, or one an accepted orientation gives for the time it is needed. */
  basis: Generated<'consent' | 'orientation'>;
  until: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface PersonHistoryTable {
  id: Generated<number>;
  person_id: string;
  occurred_at: CreatedAt;
  action: string;
  actor_label: string | null;
  organisation_id: string | null;
  details: Json<Record<string, unknown>>;
}
/** The persons module's tables, merged into Database (declaration merging keeps this an append). */
export interface Database {
  person: PersonTable;
  person_share: PersonShareTable;
  person_history: PersonHistoryTable;
}

/** An employer's or an imported job offer (migration 0015, offers module). Codes of offers/rules.ts. */
export interface JobOfferTable {
  id: Generated<string>;
  organisation_id: string | null;
  source: string | null;
  source_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  version: Generated<number>;
  state: 'draft' | 'published' | 'filled' | 'closed' | 'expired';
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  expires_on: ColumnType<string | null, string | null | undefined, string | null>;
  appellation_code: string | null;
  rome_code: string;
  title: string;
  description: string;
  commune_code: string | null;
  place_label: string | null;
  remote: Generated<boolean>;
  contract_type: string;
  duration_months: number | null;
  working_time: 'full_time' | 'part_time' | null;
  /** numeric(4,1): read as a string by both drivers. */
  weekly_hours: ColumnType<string | null, number | string | null, number | string | null>;
  /** bigint: read as a string by both drivers. */
  salary_min_cents: ColumnType<string | null, number | null, number | null>;
  salary_max_cents: ColumnType<string | null, number | null, number | null>;
  salary_label: string | null;
  positions: Generated<number>;
  start_date: ColumnType<string | null, string | null | undefined, string | null>;
  required_skills: Generated<string[]>;
  wished_skills: Generated<string[]>;
  driving_licences: Generated<string[]>;
  experience: Generated<'D' | 'S' | 'E'>;
  experience_months: number | null;
  education_level: string | null;
  accessible_disability: Generated<boolean>;
  employer_name: string | null;
  employer_siret: string | null;
  origin_url: string | null;
  source_updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  content_hash: string | null;
}
export interface JobOfferTransitionTable {
  id: Generated<number>;
  offer_id: string;
  occurred_at: CreatedAt;
  from_state: string | null;
  to_state: string;
  actor_label: string;
  reason: string | null;
}
export interface JobOfferImportTable {
  id: Generated<string>;
  source: string;
  file_name: string;
  full_feed: Generated<boolean>;
  started_at: CreatedAt;
  finished_at: Date | null;
  status: Generated<'running' | 'done' | 'failed'>;
  actor_label: string;
  records: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
  withdrawn: Generated<number>;
  error: string | null;
}
export interface JobOfferImportIssueTable {
  id: Generated<number>;
  import_id: string;
  record_index: number;
  record_id: string | null;
  field: string;
  severity: 'rejection' | 'warning';
  message: string;
}
/** The offers module's tables, merged into Database (declaration merging keeps this an append). */
export interface Database {
  job_offer: JobOfferTable;
  job_offer_transition: JobOfferTransitionTable;
  job_offer_import: JobOfferImportTable;
  job_offer_import_issue: JobOfferImportIssueTable;
}

/** The person's own space and the RGPD rights (migration 0016, persons module). */
/** Merged into PersonTable (declaration merging keeps 0014's declaration as it was). */
export interface PersonTable {
  employer_visible: Generated<boolean>;
  last_activity_at: ColumnType<Date, Date | string | undefined, Date | string>;
  registered_by_organisation_id: string | null;
  handover_consent_on: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface PersonAccountTable {
  person_id: string;
  invited_at: ColumnType<Date, Date | string | undefined, Date | string>;
  invited_by_label: string;
  activated_at: Date | null;
  last_sign_in_at: Date | null;
}
export interface PersonLinkTable {
  token_hash: string;
  person_id: string;
  purpose: 'invitation' | 'sign_in';
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}
export interface PersonSessionTable {
  token_hash: string;
  person_id: string;
  created_at: CreatedAt;
  expires_at: Date;
}
export interface PersonErasureTable {
  id: Generated<number>;
  person_id: string;
  referent_organisation_id: string | null;
  reason: 'request' | 'retention';
  file_created_at: Date;
  last_activity_at: Date;
  erased_at: CreatedAt;
  erased_by_label: string;
}
export interface Database {
  person_account: PersonAccountTable;
  person_link: PersonLinkTable;
  person_session: PersonSessionTable;
  person_erasure: PersonErasureTable;
}

/** Offer imports from the web and the API: sources and their owners, held withdrawals (migration 0018, offers module). */
export interface JobOfferFeedSourceTable {
  name: string;
  organisation_id: string | null;
  created_at: CreatedAt;
}
/** Merged into JobOfferImportTable (declaration merging keeps 0015's declaration as it was). */
export interface JobOfferImportTable {
  organisation_id: string | null;
  warnings: Generated<number>;
  withdrawal_held: number | null;
  withdrawal_decision: 'confirmed' | 'cancelled' | null;
}
export interface JobOfferImportHeldTable {
  import_id: string;
  offer_id: string;
}
export interface Database {
  job_offer_feed_source: JobOfferFeedSourceTable;
  job_offer_import_held: JobOfferImportHeldTable;
}
// Migration 0017: a person's declared ROME 4.0 skills (codes); who acted in a file's history.
export interface PersonTable {
  skills: Generated<string[]>;
}
export interface PersonHistoryTable {
  actor_user_id: ColumnType<string | null, string | null | undefined, string | null>;
}
/** What each organisation may list in « Mes personnes » (migration 0019, kept by triggers). */
export interface PersonAccessTable {
  organisation_id: string;
  person_id: string;
  is_referent: boolean;
  last_name: string;
  first_name: string;
  name_key: string;
  france_travail_id: string | null;
  situations: string[];
  birth_date: ColumnType<string, string, string>;
  commune_code: string | null;
  available_from: ColumnType<string | null, string | null, string | null>;
}
export interface Database {
  person_access: PersonAccessTable;
}
/** The ids an offer import has read so far (migration 0019, emptied when it finishes). */
export interface JobOfferImportSeenTable {
  import_id: string;
  source_id: string;
}
export interface Database {
  job_offer_import_seen: JobOfferImportSeenTable;
}
/** Matching people and jobs (migration 0020, matching module): projections kept by triggers, and the matching's records. */
export interface MatchOfferTable {
  offer_id: string;
  organisation_id: string | null;
  metier_code: string;
  appellation_code: string | null;
  latitude: number | null;
  longitude: number | null;
  department_code: string | null;
  zone_code: string | null;
  remote: boolean;
  contract_type: string;
  working_time: string | null;
  start_date: ColumnType<string | null, string | null, string | null>;
  expires_on: ColumnType<string | null, string | null, string | null>;
  driving_licences: string[];
  skills: string[];
  skills_from_metier: boolean;
  experience: 'D' | 'S' | 'E';
  experience_months: number | null;
  education_level: string | null;
  published_at: Date | null;
}
export interface MatchPersonTable {
  person_id: string;
  referent_organisation_id: string;
  latitude: number | null;
  longitude: number | null;
  department_code: string | null;
  zone_code: string | null;
  radius_km: number;
  contract_types: string[];
  working_time: string | null;
  driving_licences: string[];
  available_from: ColumnType<string | null, string | null, string | null>;
  education_level: string | null;
  wanted_appellations: string[];
  skills: string[];
  experience: Json<Record<string, number>>;
  employer_visible: boolean;
}
export interface MatchPersonTargetTable {
  person_id: string;
  metier_code: string;
  via: 'wanted' | 'past' | 'close';
  rank: number;
  latitude: number | null;
  longitude: number | null;
  radius_km: number;
}
export interface MatchSettingTable {
  person_id: string;
  preset: string;
  updated_at: CreatedAt;
  updated_by_label: string;
}
export interface MatchSuggestionTable {
  person_id: string;
  offer_id: string;
  preset: string;
  rank: number;
  score: number;
  terms: Json<unknown[]>;
  first_suggested_at: CreatedAt;
  computed_at: CreatedAt;
}
export interface MatchFeedbackTable {
  person_id: string;
  offer_id: string;
  party: 'counsellor' | 'person' | 'employer';
  verdict: string;
  reason: string | null;
  actor_label: string;
  organisation_id: string | null;
  recorded_at: CreatedAt;
}
export interface MatchOutcomeTable {
  person_id: string;
  offer_id: string;
  outcome: string;
  suggested_rank: number | null;
  suggested_preset: string | null;
  department_code: string | null;
  recorded_at: CreatedAt;
  recorded_by_label: string;
  organisation_id: string | null;
}
export interface MatchTensionTable {
  zone_code: string;
  metier_code: string;
  offers: number;
  seekers: number;
  computed_at: CreatedAt;
}
export interface MatchRunTable {
  id: Generated<string>;
  started_at: CreatedAt;
  finished_at: Date | null;
  status: Generated<'running' | 'done' | 'failed'>;
  persons_total: Generated<number>;
  persons_done: Generated<number>;
  last_person_id: string | null;
  suggestions: Generated<number>;
  strong_new: Generated<number>;
  error: string | null;
}
export interface Database {
  match_offer: MatchOfferTable;
  match_person: MatchPersonTable;
  match_person_target: MatchPersonTargetTable;
  match_setting: MatchSettingTable;
  match_suggestion: MatchSuggestionTable;
  match_feedback: MatchFeedbackTable;
  match_outcome: MatchOutcomeTable;
  match_tension: MatchTensionTable;
  match_run: MatchRunTable;
}

type DateColumn = ColumnType<string, string, string>;
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

/** Pathways (migration 0021, pathways module): orientations, IAE eligibility, PASS IAE, contracts, exits, timeline. */
export interface SiaePositionTable {
  id: Generated<string>;
  organisation_id: string;
  appellation_code: string;
  title: string;
  commune_code: string | null;
  open_places: Generated<number>;
  active: Generated<boolean>;
  created_at: CreatedAt;
}
export interface EligibilityDiagnosisTable {
  id: Generated<string>;
  person_id: string;
  author_organisation_id: string;
  author_kind: 'prescriber' | 'siae';
  siae_kind: string | null;
  author_user_id: string | null;
  author_label: string;
  made_on: DateColumn;
  expires_on: DateColumn;
  created_at: CreatedAt;
}
export interface EligibilityCriterionTable {
  diagnosis_id: string;
  code: string;
  proof: string | null;
  proof_on: NullableDate;
}
export interface OrientationTable {
  id: Generated<string>;
  person_id: string;
  prescriber_organisation_id: string;
  prescriber_user_id: string | null;
  prescriber_label: string;
  target_kind: string;
  target_organisation_id: string;
  target_ref: string | null;
  target_label: string;
  immersion_host: string | null;
  immersion_start_on: NullableDate;
  immersion_end_on: NullableDate;
  immersion_objective: string | null;
  message: string;
  diagnosis_id: string | null;
  state: Generated<string>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  expires_on: DateColumn;
  accepted_on: NullableDate;
  start_on: NullableDate;
  refusal_reason: string | null;
  decision_comment: string | null;
}
export interface OrientationTransitionTable {
  id: Generated<number>;
  orientation_id: string;
  occurred_at: CreatedAt;
  from_state: string | null;
  to_state: string;
  actor_user_id: string | null;
  actor_label: string;
  organisation_id: string | null;
  reason: string | null;
  comment: string | null;
}
export interface ApprovalTable {
  id: Generated<string>;
  number: string;
  person_id: string;
  siae_organisation_id: string;
  diagnosis_id: string | null;
  start_on: DateColumn;
  base_end_on: DateColumn;
  end_on: DateColumn;
  version: Generated<number>;
  created_at: CreatedAt;
  created_by_label: string;
}
export interface ApprovalSuspensionTable {
  id: Generated<string>;
  approval_id: string;
  start_on: DateColumn;
  end_on: DateColumn;
  reason: string;
  comment: string | null;
  organisation_id: string | null;
  created_by_label: string;
  created_at: CreatedAt;
}
export interface ApprovalProlongationTable {
  id: Generated<string>;
  approval_id: string;
  start_on: DateColumn;
  end_on: DateColumn;
  reason: string;
  comment: string | null;
  state: Generated<'requested' | 'granted' | 'refused'>;
  requested_by_organisation_id: string | null;
  requested_by_label: string;
  requested_at: CreatedAt;
  prescriber_organisation_id: string;
  decided_by_label: string | null;
  decided_at: Date | null;
  decision_comment: string | null;
  version: Generated<number>;
}
export interface IaeContractTable {
  id: Generated<string>;
  person_id: string;
  siae_organisation_id: string;
  siae_kind: string;
  approval_id: string | null;
  orientation_id: string | null;
  position_id: string | null;
  kind: string;
  start_on: DateColumn;
  end_on: NullableDate;
  hours_per_week: number | null;
  version: Generated<number>;
  created_at: CreatedAt;
  created_by_label: string;
}
export interface IaeContractHoursTable {
  contract_id: string;
  month: DateColumn;
  hours: number;
}
export interface IaeExitTable {
  id: Generated<string>;
  contract_id: string;
  person_id: string;
  siae_organisation_id: string;
  siae_kind: string;
  zone_code: string | null;
  department_code: string | null;
  exit_on: DateColumn;
  reason: string;
  category: string;
  counted: boolean;
  hours_worked: Generated<number>;
  contract_days: number;
  comment: string | null;
  created_at: CreatedAt;
  created_by_label: string;
}
export interface PathwayEventTable {
  id: Generated<number>;
  person_id: string;
  occurred_on: DateColumn;
  recorded_at: CreatedAt;
  kind: string;
  organisation_id: string | null;
  organisation_label: string;
  author_label: string;
  summary: string;
  ref_id: string | null;
  detail: unknown;
}
export interface PathwayMemberTable {
  person_id: string;
  user_id: string;
  organisation_id: string;
  role: 'referent' | 'co';
  added_at: CreatedAt;
  added_by_label: string;
}
export interface CtaCommitmentTable {
  id: Generated<string>;
  zone_code: string;
  year: number;
  partner_organisation_id: string | null;
  partner_kind: string | null;
  indicator: string;
  target: number;
  entered_by_label: string;
  entered_at: CreatedAt;
}
export interface Database {
  siae_position: SiaePositionTable;
  eligibility_diagnosis: EligibilityDiagnosisTable;
  eligibility_criterion: EligibilityCriterionTable;
  orientation: OrientationTable;
  orientation_transition: OrientationTransitionTable;
  approval: ApprovalTable;
  approval_suspension: ApprovalSuspensionTable;
  approval_prolongation: ApprovalProlongationTable;
  iae_contract: IaeContractTable;
  iae_contract_hours: IaeContractHoursTable;
  iae_exit: IaeExitTable;
  pathway_event: PathwayEventTable;
  pathway_member: PathwayMemberTable;
  cta_commitment: CtaCommitmentTable;
}

/** Directory (migration 0022, directory module): data·inclusion structures and services. */
export interface DirectoryStructureTable {
  id: Generated<string>;
  source: string;
  source_id: string;
  organisation_id: string | null;
  nom: string;
  siret: string | null;
  adresse: string | null;
  complement_adresse: string | null;
  code_postal: string | null;
  code_insee: string | null;
  commune: string | null;
  latitude: number | null;
  longitude: number | null;
  telephone: string | null;
  courriel: string | null;
  site_web: string | null;
  lien_source: string | null;
  horaires_accueil: string | null;
  accessibilite_lieu: string | null;
  reseaux_porteurs: ColumnType<string[], string[] | undefined, string[]>;
  description: string | null;
  date_maj: DateColumn;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export interface DirectoryServiceTable {
  id: Generated<string>;
  source: string;
  source_id: string;
  structure_id: string;
  nom: string;
  description: string;
  type: string | null;
  thematiques: ColumnType<string[], string[] | undefined, string[]>;
  publics: ColumnType<string[], string[] | undefined, string[]>;
  publics_precisions: string | null;
  frais: string | null;
  frais_precisions: string | null;
  conditions_acces: string | null;
  modes_accueil: ColumnType<string[], string[] | undefined, string[]>;
  modes_mobilisation: ColumnType<string[], string[] | undefined, string[]>;
  mobilisable_par: ColumnType<string[], string[] | undefined, string[]>;
  mobilisation_precisions: string | null;
  lien_mobilisation: string | null;
  zone_eligibilite: string[] | null;
  volume_horaire_hebdomadaire: number | null;
  nombre_semaines: number | null;
  adresse: string | null;
  complement_adresse: string | null;
  code_postal: string | null;
  code_insee: string | null;
  commune: string | null;
  latitude: number | null;
  longitude: number | null;
  telephone: string | null;
  courriel: string | null;
  contact_nom_prenom: string | null;
  horaires_accueil: string | null;
  lien_source: string | null;
  date_maj: DateColumn;
  /** Written by the repository with the record (to_tsvector of nom, thématiques' labels, description). */
  search_vector: ColumnType<string, string | undefined, string>;
  place_latitude: number | null;
  place_longitude: number | null;
  place_department: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export interface DirectoryWordTable {
  word: string;
}
export interface DirectoryImportRunTable {
  id: Generated<string>;
  source: string;
  file_name: string;
  format: 'json' | 'csv';
  started_at: CreatedAt;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  status: Generated<'running' | 'done' | 'failed'>;
  structures_created: Generated<number>;
  structures_updated: Generated<number>;
  services_created: Generated<number>;
  services_updated: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
  rejections: ColumnType<DirectoryRejection[], string | undefined, string>;
  error: string | null;
  user_id: string | null;
  actor_label: string;
}
/** One rejected record of an import: which record, and every problem found in it (issue 13, bad input). */
export interface DirectoryRejection {
  kind: 'structure' | 'service';
  /** The record's position in its file (1-based; for CSV, the line). */
  index: number;
  id: string | null;
  problems: { field: string; message: string }[];
}
export interface DirectoryReviewNoticeTable {
  organisation_id: string;
  sent_at: Timestamp;
  stale_count: number;
}
export interface Database {
  directory_structure: DirectoryStructureTable;
  directory_service: DirectoryServiceTable;
  directory_word: DirectoryWordTable;
  directory_import_run: DirectoryImportRunTable;
  directory_review_notice: DirectoryReviewNoticeTable;
}
