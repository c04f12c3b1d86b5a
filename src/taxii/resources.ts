import type { ObjectRecord } from '../store/store.ts';
import { STIX } from './media.ts';
import { taxiiTimestamp } from './time.ts';

/** One page of a listing as the routes hand it to the resource builders: records, and the `next` token when more follow. */
export interface Page {
  items: readonly ObjectRecord[];
  next?: string;
}

/** The version of an object as TAXII names it (§3.4.2): `modified`, else `created`, else (unversioned SCOs) when it was added. */
export function versionOf(record: ObjectRecord): string {
  const { modified, created } = record.object;
  return typeof modified === 'string' ? modified : typeof created === 'string' ? created : taxiiTimestamp(record.addedAt);
}

/** A manifest record (§5.3.1): date_added is when tix received this version, never the object's own dates. */
export function manifestRecord(record: ObjectRecord): Record<string, string> {
  return { id: record.object.id, date_added: taxiiTimestamp(record.addedAt), version: versionOf(record), media_type: STIX };
}

/**
 * An envelope (§3.7) or a manifest or versions resource: `more` always,
 * `next` whenever `more` (clients that only follow `next` would stop
 * otherwise), and no list at all when it would be empty (§2: no empty lists).
 */
export function listing(page: Page, key: 'objects' | 'versions', pick: (record: ObjectRecord) => unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { more: page.next !== undefined };
  if (page.next !== undefined) body.next = page.next;
  if (page.items.length) body[key] = page.items.map(pick);
  return body;
}

/**
 * The envelope of `listing(page, 'objects', …)`, written from each object's
 * stored serialisation: the same JSON, without parsing and serialising every
 * object of every page again.
 */
export function envelopeText(page: Page): string {
  let text = `{"more":${page.next !== undefined}`;
  if (page.next !== undefined) text += `,"next":${JSON.stringify(page.next)}`;
  if (page.items.length) text += `,"objects":[${page.items.map((record) => record.json).join(',')}]`;
  return `${text}}`;
}

/**
 * X-TAXII-Date-Added-First/-Last (§3.2), on every 200 of objects, object,
 * versions and manifest: the first and last date_added of the page. An empty
 * page has none, so both name the point the request resumed from (where the
 * `next` token's page ended, else its added_after, else the epoch): a client
 * resuming from -Last misses nothing, and no date of an object the caller
 * may not read is ever disclosed.
 */
export function dateAddedRange(items: readonly ObjectRecord[], resumedFrom: number | undefined): { first: string; last: string } {
  const empty = resumedFrom ?? 0;
  return { first: taxiiTimestamp(items[0]?.addedAt ?? empty), last: taxiiTimestamp(items[items.length - 1]?.addedAt ?? empty) };
}
