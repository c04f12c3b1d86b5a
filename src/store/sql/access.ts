import type { Tlp } from '../../model/index.ts';
import type { Agreement, Distribution, OrgKind, Role } from '../../policy/index.ts';
import type { ApiKeyCredentials, ApiKeyRecord, AuditRecord, Organisation, UserCredentials, WebSession } from '../access.ts';

/** Rows of the access tables as both backends read them (the same columns on each). */
export type Row = Record<string, unknown>;

/** A comma-separated id list column as numbers. */
export const ids = (text: unknown): number[] => (typeof text === 'string' && text !== '' ? text.split(',').map(Number) : []);
/** Ids as the sorted, duplicate-free text that makes a distribution row unique. */
export const idList = (values: readonly number[]): string => [...new Set(values)].sort((a, b) => a - b).join(',');
const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export function toOrganisation(row: Row): Organisation {
  const org: Organisation = { id: row.id as number, name: row.name as string, kind: row.kind as OrgKind, createdAt: row.created_at as number };
  if (row.country !== null) org.country = row.country as string;
  return org;
}

export function toUser(row: Row): UserCredentials {
  const user: UserCredentials = { id: row.id as number, name: row.name as string, org: row.org_id as number, role: row.role as Role, createdAt: row.created_at as number };
  if (row.disabled_at !== null) user.disabledAt = row.disabled_at as number;
  if (row.email !== null && row.email !== undefined) user.email = row.email as string;
  if (row.password_hash !== null && row.password_hash !== undefined) user.passwordHash = row.password_hash as string;
  return user;
}

export function toKey(row: Row): ApiKeyCredentials {
  const key: ApiKeyCredentials = {
    id: row.id as number,
    prefix: row.prefix as string,
    hash: row.hash as string,
    org: row.org_id as number,
    role: row.role as Role,
    createdAt: row.created_at as number,
  };
  for (const [column, field] of [['user_id', 'user'], ['label', 'label'], ['expires_at', 'expiresAt'], ['revoked_at', 'revokedAt'], ['last_used_at', 'lastUsedAt']] as const) {
    const value = optional(row[column]);
    if (value !== undefined) (key as unknown as Record<string, unknown>)[field] = value;
  }
  return key;
}

/** A key as it may be shown: without its hash. */
export function publicKey(key: ApiKeyCredentials): ApiKeyRecord {
  const { hash: _hash, ...record } = key;
  return record;
}

/** An agreement row with its members (sorted ids). */
export function toAgreement(row: Row, members: number[]): Agreement {
  const agreement: Agreement = {
    id: row.id as number,
    name: row.name as string,
    members,
    countries: row.countries ? (row.countries as string).split(',') : [],
    purpose: row.purpose as string,
    startsAt: row.starts_at as number,
    maxTlp: row.max_tlp as Tlp,
    mayShareOnward: row.may_share_onward === 1,
  };
  if (row.ends_at !== null) agreement.endsAt = row.ends_at as number;
  return agreement;
}

export const toDistribution = (row: Row): Distribution => ({
  id: row.id as number,
  owner: row.owner_org_id as number,
  agreements: ids(row.agreements),
  recipientOrgs: ids(row.recipient_orgs),
  recipientUsers: ids(row.recipient_users),
});

export const toWebSession = (row: Row): WebSession => ({
  id: row.id as string,
  user: row.user_id as number,
  userName: row.user_name as string,
  csrf: row.csrf as string,
  createdAt: row.created_at as number,
  usedAt: row.used_at as number,
});

export function toAuditRecord(row: Row): AuditRecord {
  const record: AuditRecord = {
    seq: row.seq as number,
    at: row.at as number,
    action: row.action as string,
    target: row.target as string,
    detail: JSON.parse(row.detail as string) as Record<string, unknown>,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
  if (row.org_id !== null) record.org = row.org_id as number;
  if (row.user_id !== null) record.user = row.user_id as number;
  if (row.key_id !== null) record.key = row.key_id as number;
  if (row.count !== null) record.count = row.count as number;
  return record;
}

/** Freezes a value and the arrays in it: agreements and distributions are shared by every request's clearance. */
export function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) if (typeof field === 'object' && field !== null) Object.freeze(field);
  return Object.freeze(value);
}
