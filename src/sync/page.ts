import { TixError } from '../errors.ts';
import { timestampKey, type Tlp } from '../model/index.ts';
import { checkMarkings, tlpOfDefinition } from './markings.ts';

/** A remote's answer to a GET of objects, as the HTTP edge hands it over. */
export interface PageReply {
  contentType: string | null;
  body: string;
  /** X-TAXII-Date-Added-Last. */
  dateAddedLast: string | null;
}

/** An envelope (TAXII 2.1 §3.7). */
export interface Envelope {
  objects: unknown[];
  more: boolean;
  next?: string;
}

/** An object a sync does not store, and why. */
export interface Refused {
  id: string;
  detail: string;
}

export interface SortedPage {
  accepted: Array<Record<string, unknown>>;
  refused: Refused[];
}

const badPage = (message: string): TixError => new TixError('TIX_SYNC_BAD_PAGE', message);

/** Whether a Content-Type is TAXII 2.1's (`application/taxii+json`, version 2.1 or unversioned). */
export function isTaxiiMedia(contentType: string | null): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/taxii+json') return false;
  const version = params.find((param) => param.startsWith('version='));
  return version === undefined || version.replace(/"/g, '') === 'version=2.1';
}

/** The envelope of a reply: a TAXII 2.1 media type and a JSON object whose `objects`, if any, is a list; TIX_SYNC_BAD_PAGE otherwise. */
export function parseEnvelope(reply: PageReply): Envelope {
  if (!isTaxiiMedia(reply.contentType)) throw badPage(`the remote answered ${reply.contentType ?? 'no Content-Type'}, not application/taxii+json;version=2.1`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch (error) {
    throw badPage(`the remote's page is not JSON (${(error as Error).message.slice(0, 100)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badPage("the remote's page is not a TAXII envelope (a JSON object)");
  const envelope = parsed as { objects?: unknown; more?: unknown; next?: unknown };
  if (envelope.objects !== undefined && !Array.isArray(envelope.objects)) throw badPage("the envelope's \"objects\" is not a list");
  if (envelope.more !== undefined && typeof envelope.more !== 'boolean') throw badPage("the envelope's \"more\" is not true or false");
  if (envelope.next !== undefined && typeof envelope.next !== 'string') throw badPage("the envelope's \"next\" is not a string");
  return { objects: envelope.objects ?? [], more: envelope.more === true, ...(typeof envelope.next === 'string' && envelope.next !== '' ? { next: envelope.next } : {}) };
}

/**
 * A page's objects split into those a sync stores and those it refuses
 * (markings tix does not know, granular markings, TLP:RED). What is not an
 * object at all is left to the STIX reader, which reports it as the
 * importer always does.
 */
export function sortObjects(objects: readonly unknown[]): SortedPage {
  const local = new Map<string, Tlp>();
  for (const object of objects) {
    const candidate = object as Record<string, unknown> | null;
    if (candidate?.type === 'marking-definition' && typeof candidate.id === 'string') {
      const tlp = tlpOfDefinition(candidate);
      if (tlp) local.set(candidate.id, tlp);
    }
  }
  const sorted: SortedPage = { accepted: [], refused: [] };
  for (const object of objects) {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      sorted.refused.push({ id: '(not an object)', detail: 'not a STIX object' });
      continue;
    }
    const candidate = object as Record<string, unknown>;
    const verdict = checkMarkings(candidate, local);
    if (verdict.ok) sorted.accepted.push(candidate);
    else sorted.refused.push({ id: typeof candidate.id === 'string' ? candidate.id.slice(0, 120) : '(no id)', detail: verdict.detail });
  }
  return sorted;
}

/** Orders two TAXII timestamps (any precision); unparseable ones sort first. */
export function compareTimestamps(a: string, b: string): number {
  const ka = timestampKey(a) ?? '';
  const kb = timestampKey(b) ?? '';
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** One microsecond before a TAXII timestamp, in TAXII's microsecond form. */
export function justBefore(timestamp: string): string | undefined {
  const key = timestampKey(timestamp);
  if (!key) return undefined;
  const micros = BigInt(Date.parse(`${key.slice(0, 19)}Z`)) * 1000n + BigInt(key.slice(20, 26)) - 1n;
  const seconds = micros / 1_000_000n;
  const fraction = (micros % 1_000_000n).toString().padStart(6, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

/**
 * The checkpoint once a page is stored: what the remote added up to the
 * page's X-TAXII-Date-Added-Last is held. When more follows, the next page
 * may hold more objects added at that very time (a server may split a run
 * of objects added together), so the checkpoint stops just before it: a
 * resumed pull asks for that run again, which the import deduplicates,
 * rather than skip its rest. A checkpoint never moves back, and never moves
 * on a header it cannot read.
 */
export function nextCheckpoint(current: string | undefined, dateAddedLast: string | null, more = false): string | undefined {
  if (dateAddedLast === null || !timestampKey(dateAddedLast)) return current;
  const candidate = more ? justBefore(dateAddedLast)! : dateAddedLast;
  if (current !== undefined && compareTimestamps(candidate, current) <= 0) return current;
  return candidate;
}

/** What to ask for next: the envelope's `next` (same added_after) when it gives one, else added_after = the new checkpoint; done when nothing more, or no way forward. */
export type Step = { done: true } | { done: false; addedAfter?: string; next?: string };

export function followUp(asked: { addedAfter?: string; next?: string }, envelope: Envelope, checkpoint: string | undefined): Step {
  if (!envelope.more) return { done: true };
  // the same `next` again would ask for the same page forever
  if (envelope.next !== undefined && envelope.next !== asked.next) return { done: false, ...(asked.addedAfter === undefined ? {} : { addedAfter: asked.addedAfter }), next: envelope.next };
  if (checkpoint !== undefined && checkpoint !== asked.addedAfter) return { done: false, addedAfter: checkpoint };
  return { done: true };
}

/** The summary of refused objects kept as the sync's last report: how many, and the first ids. */
export function refusalReport(refused: readonly Refused[], shown = 20): string {
  if (!refused.length) return '';
  const listed = refused.slice(0, shown).map((item) => `${item.id} (${item.detail})`);
  const rest = refused.length > shown ? `, and ${refused.length - shown} more` : '';
  return `TIX_SYNC_MARKING: skipped ${refused.length} object${refused.length === 1 ? '' : 's'}: ${listed.join(', ')}${rest}`;
}
