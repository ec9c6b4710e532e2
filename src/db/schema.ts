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

export interface Database {
  region: RegionTable;
  department: DepartmentTable;
  epci: EpciTable;
  commune: CommuneTable;
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
  audit_log: AuditLogTable;
  domain_event: DomainEventTable;
}
