import { createHmac, timingSafeEqual } from 'node:crypto';
import { badFilter } from './errors.ts';

/** Where a page ended: the date_added of its last object, and the store's cursor (which names that object). */
export interface PagePosition {
  addedAt: number;
  cursor: string;
}

/** Bytes of HMAC-SHA-256 kept in a token: 128 bits. */
const TAG_BYTES = 16;
const PAYLOAD = /^(\d{1,16})~([A-Za-z0-9_-]{1,800})$/;

function tagOf(key: Buffer, payload: string, fingerprint: string): Buffer {
  return createHmac('sha256', key).update(`taxii-next\n${payload}\n${fingerprint}`).digest().subarray(0, TAG_BYTES);
}

/**
 * A `next` token (§3.5): stateless, so it stays valid however long the
 * client waits and on every server of a store (no pagination session to
 * expire). It names the last object of the page (its date_added, id and
 * version: nothing the caller has not seen, no row counts) and carries a MAC
 * over that and the query it belongs to: a token that was altered,
 * truncated or sent with other filters is refused (400). The MAC guards
 * integrity, not access: the page is read under the caller's clearance
 * inside the store query, and the store resumes only after an object the
 * caller may read (anything else is a 400, as for an unknown one), so even
 * a forged token reveals nothing `added_after` does not.
 */
export function issueToken(key: Buffer, position: PagePosition, fingerprint: string): string {
  const payload = `${position.addedAt}~${position.cursor}`;
  return `${Buffer.from(payload).toString('base64url')}.${tagOf(key, payload, fingerprint).toString('base64url')}`;
}

/** The position a token names, if this server issued it for this query; a 400 otherwise. */
export function readToken(key: Buffer, token: string, fingerprint: string): PagePosition {
  const [encoded = '', tag = '', ...rest] = token.split('.');
  const payload = Buffer.from(encoded, 'base64url').toString();
  const match = PAYLOAD.exec(payload);
  const given = Buffer.from(tag, 'base64url');
  const valid =
    rest.length === 0 &&
    match !== null &&
    Buffer.from(payload).toString('base64url') === encoded &&
    given.length === TAG_BYTES &&
    // base64url ignores the spare low bits of its last character: only the one spelling issued is accepted
    given.toString('base64url') === tag &&
    timingSafeEqual(given, tagOf(key, payload, fingerprint));
  if (!valid || !match) throw badFilter('next is not a token this server issued for this query (send the same filters as the request that returned it)');
  const addedAt = Number(match[1]);
  if (!Number.isSafeInteger(addedAt)) throw badFilter('next is not a token this server issued');
  return { addedAt, cursor: match[2]! };
}
