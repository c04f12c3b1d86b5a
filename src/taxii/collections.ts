import { uuidV5 } from '../formats/common/uuid.ts';
import type { Principal } from '../auth/index.ts';
import { isActive, type Agreement } from '../policy/index.ts';
import type { ObjectQuery } from '../store/store.ts';

/** The roles that may post to their organisation's inbox. */
export const WRITERS = ['analyst', 'sync', 'admin'] as const;

export const EVERYTHING_ID = '2d0e0b7a-5b8e-4f43-9a3b-1d3c8c1e0a01';
export const INBOX_ID = '7c6f2a44-0d5e-4b7f-8a7e-3b9d2f1c0b02';
/** The UUID namespace of agreement collections (a v4 UUID chosen once; never change it, clients keep collection ids). */
const AGREEMENT_NAMESPACE = '5b0f3e2c-9a41-4f7e-b6d2-0c8e7a1f4d93';

/** A collection as one caller sees it: its TAXII resource (§5.2.1) and what it holds. */
export interface Collection {
  id: string;
  alias: string;
  title: string;
  description: string;
  kind: 'everything' | 'inbox' | 'agreement';
  /** The agreement an agreement collection serves. */
  agreement?: number;
  canRead: boolean;
  canWrite: boolean;
}

/** The collection id of an agreement: derived from the agreement's id, so it is the same on every request and restart. */
export function agreementCollectionId(agreement: number): string {
  return uuidV5(AGREEMENT_NAMESPACE, `agreement:${agreement}`);
}

/** The source that objects an organisation posts belong to. */
export function inboxSource(orgName: string): string {
  return `taxii:${orgName}`;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function agreementCollection(agreement: Agreement, now: number): Collection {
  const active = isActive(agreement, now);
  const term = agreement.endsAt === undefined ? '' : ` until ${day(agreement.endsAt)}`;
  const state = active
    ? `It carries up to TLP:${agreement.maxTlp.toUpperCase()}${term}.`
    : `It is not in force (${now < agreement.startsAt ? `it starts on ${day(agreement.startsAt)}` : `it ended on ${day(agreement.endsAt ?? now)}`}): nothing is read through it.`;
  return {
    id: agreementCollectionId(agreement.id),
    alias: `agreement-${agreement.id}`,
    title: `Agreement: ${agreement.name}`,
    description: `Objects of the sources shared under the agreement "${agreement.name}"${agreement.purpose ? ` (${agreement.purpose})` : ''} that you are cleared for. ${state}`,
    kind: 'agreement',
    agreement: agreement.id,
    canRead: active,
    canWrite: false,
  };
}

/**
 * The collections of the API root as this caller sees them, in a fixed
 * order (§3.3): everything the caller may read; its organisation's inbox
 * (writable by analysts, sync keys and admins); one per sharing agreement
 * its organisation is a member of, by agreement id (not in force: listed,
 * but not readable). An anonymous caller, where the operator serves
 * TLP:CLEAR without sign-in, sees only the everything collection.
 */
export function collectionsFor(principal: Principal, agreements: readonly Agreement[], now: number): Collection[] {
  const everything: Collection = {
    id: EVERYTHING_ID,
    alias: 'everything',
    title: 'Everything you may read',
    description:
      principal.kind === 'member'
        ? 'Every STIX object of this tix that your organisation is cleared for: its own, TLP:CLEAR and GREEN, and what its agreements and recipients lists share with it.'
        : 'Every TLP:CLEAR STIX object of this tix (sign in to read more).',
    kind: 'everything',
    canRead: true,
    canWrite: false,
  };
  if (principal.kind !== 'member') return [everything];
  const inbox: Collection = {
    id: INBOX_ID,
    alias: 'inbox',
    title: `Inbox of ${principal.orgName}`,
    description: `Objects posted here belong to ${principal.orgName} (source ${inboxSource(principal.orgName)}), marked as they say (TLP:AMBER if unmarked) and shared under no agreement until an administrator shares that source; reading it lists what ${principal.orgName} posted.`,
    kind: 'inbox',
    canRead: true,
    canWrite: (WRITERS as readonly string[]).includes(principal.role),
  };
  const own = agreements.filter((agreement) => agreement.members.includes(principal.org)).sort((a, b) => a.id - b.id);
  return [everything, inbox, ...own.map((agreement) => agreementCollection(agreement, now))];
}

/** What a collection holds, as store query fields; the caller's clearance is added beside them. */
export function scopeOf(collection: Collection, principal: Principal): Pick<ObjectQuery, 'sources' | 'agreement'> {
  if (collection.kind === 'inbox') return { sources: principal.kind === 'member' ? [inboxSource(principal.orgName)] : [] };
  if (collection.kind === 'agreement') return { agreement: collection.agreement! };
  return {};
}

/** The collection resource of §5.2.1. */
export function collectionResource(collection: Collection, mediaType: string): Record<string, unknown> {
  return {
    id: collection.id,
    title: collection.title,
    description: collection.description,
    alias: collection.alias,
    can_read: collection.canRead,
    can_write: collection.canWrite,
    media_types: [mediaType],
  };
}
