import type { Contact, ContactRole, ContactScope } from '../../contacts/index.ts';
import type { Enrichment } from '../../enrich/index.ts';
import type { Operation, Outcome, OutcomeKind } from '../../ops/operation.ts';
import type { PackageRecord } from '../operations.ts';
import type { Warninglist, WarninglistType } from '../warninglists.ts';

/** Rows of enrichment, contacts, operations and warninglists as both backends read them, and what they stand for. */

export interface OperationRow {
  id: number;
  name: string;
  countries: string;
  starts_at: number;
  ends_at: number;
  agreement_id: number | null;
  tag: string;
  created_at: number;
  /** Partner organisation ids, comma-separated. */
  partners: string | null;
}

export function toOperation(row: OperationRow): Operation {
  const operation: Operation = {
    id: row.id,
    name: row.name,
    countries: row.countries.split(',').filter(Boolean),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    partners: row.partners ? row.partners.split(',').map(Number).sort((a, b) => a - b) : [],
    tag: row.tag,
    createdAt: row.created_at,
  };
  if (row.agreement_id !== null) operation.agreement = row.agreement_id;
  return operation;
}

export interface OperationOutcomeRow {
  id: number;
  kind: OutcomeKind;
  country: string;
  at: number;
  count: number;
  amount: number | null;
  currency: string | null;
  note: string | null;
}

export function toOperationOutcome(row: OperationOutcomeRow): Outcome {
  const outcome: Outcome = { id: row.id, kind: row.kind, country: row.country, at: row.at, count: row.count };
  if (row.amount !== null) outcome.amount = row.amount;
  if (row.currency !== null) outcome.currency = row.currency;
  if (row.note !== null) outcome.note = row.note;
  return outcome;
}

export interface PackageRow {
  operation_id: number;
  country: string;
  recipient_org: number | null;
  created_at: number;
  expires_at: number;
  path: string;
  manifest_sha256: string;
  items: number;
}

export function toPackage(row: PackageRow): PackageRecord {
  const record: PackageRecord = {
    operation: row.operation_id,
    country: row.country,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    path: row.path,
    manifestSha256: row.manifest_sha256,
    items: row.items,
  };
  if (row.recipient_org !== null) record.recipient = row.recipient_org;
  return record;
}

/** Text matched literally by LIKE … ESCAPE '\'. */
export const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface ContactRow {
  scope: ContactScope;
  key: string;
  role: ContactRole;
  name: string;
  email: string | null;
  manual: number;
  origin: string | null;
}

export function toContact(row: ContactRow): Contact {
  const contact: Contact = { scope: row.scope, key: row.key, role: row.role, name: row.name, manual: row.manual === 1 };
  if (row.email !== null) contact.email = row.email;
  if (row.origin !== null) contact.origin = row.origin;
  return contact;
}

export interface EnrichmentRow {
  country: string | null;
  asn: number | null;
  as_org: string | null;
  registrable: string | null;
}

export function toEnrichment(row: EnrichmentRow): Enrichment {
  const enrichment: Enrichment = {};
  if (row.country !== null) enrichment.country = row.country;
  if (row.asn !== null) enrichment.asn = row.asn;
  if (row.as_org !== null) enrichment.asOrg = row.as_org;
  if (row.registrable !== null) enrichment.registrable = row.registrable;
  return enrichment;
}

export interface WarninglistRow {
  id: string;
  name: string;
  description: string;
  version: number;
  type: string;
  entries: string;
  matching_attributes: string;
}

export const toWarninglist = (row: WarninglistRow): Warninglist => ({
  id: row.id,
  name: row.name,
  description: row.description,
  version: row.version,
  type: row.type as WarninglistType,
  entries: JSON.parse(row.entries) as string[],
  matchingAttributes: JSON.parse(row.matching_attributes) as string[],
});
