import { clearanceOf, type Agreement, type Clearance, type Distribution, type Reader, type Role } from '../policy/index.ts';
import type { Store } from '../store/store.ts';
import { parseApiKey, secretMatches, verifyPassword } from './credentials.ts';

/** Who a request is: an organisation, perhaps a user, perhaps through a key; or nobody. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'member'; org: number; orgName: string; user?: number; userName?: string; key?: number; role: Role };

export type AuthFailure = { reason: 'invalid' | 'expired' | 'revoked' | 'disabled'; message: string };

/**
 * Resolves an `Authorization` header: `Bearer <api key>` or HTTP Basic with
 * a user's password. No header is the anonymous principal; a header that
 * does not check out is a failure, never a fallback to anonymous.
 */
export async function authenticate(store: Store, header: string | undefined, now: number): Promise<Principal | AuthFailure> {
  if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
  const [scheme, credentials = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return byKey(store, credentials, now);
  if (scheme?.toLowerCase() === 'basic') return byPassword(store, credentials);
  return { reason: 'invalid', message: 'unsupported authorization scheme; use Bearer (an API key) or Basic (user and password)' };
}

async function byKey(store: Store, token: string, now: number): Promise<Principal | AuthFailure> {
  const parsed = parseApiKey(token);
  const key = parsed && (await store.findApiKey(parsed.prefix));
  if (!parsed || !key || !secretMatches(parsed.secret, key.hash)) return { reason: 'invalid', message: 'the API key is not valid' };
  if (key.revokedAt !== undefined) return { reason: 'revoked', message: 'the API key has been revoked' };
  if (key.expiresAt !== undefined && key.expiresAt <= now) return { reason: 'expired', message: 'the API key has expired' };
  const org = await store.findOrganisation(key.org);
  if (!org) return { reason: 'invalid', message: 'the API key is not valid' };
  // a write per request would cost more than the request: last use is kept to the minute
  if (key.lastUsedAt === undefined || now - key.lastUsedAt > 60_000) await store.touchApiKey(key.id, now);
  const principal: Principal = { kind: 'member', org: org.id, orgName: org.name, key: key.id, role: key.role };
  if (key.user !== undefined) principal.user = key.user;
  return principal;
}

async function byPassword(store: Store, encoded: string): Promise<Principal | AuthFailure> {
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const failure: AuthFailure = { reason: 'invalid', message: 'wrong user name or password' };
  if (colon <= 0) return failure;
  const user = await store.findUser(text.slice(0, colon));
  if (!user?.passwordHash || !(await verifyPassword(text.slice(colon + 1), user.passwordHash))) return failure;
  if (user.disabledAt !== undefined) return { reason: 'disabled', message: 'the user is disabled' };
  const org = await store.findOrganisation(user.org);
  if (!org) return failure;
  return { kind: 'member', org: org.id, orgName: org.name, user: user.id, userName: user.name, role: user.role };
}

export function readerOf(principal: Principal): Reader {
  if (principal.kind === 'anonymous') return { kind: 'anonymous' };
  return principal.user === undefined ? { kind: 'member', org: principal.org } : { kind: 'member', org: principal.org, user: principal.user };
}

/** What every clearance is compiled from: the store's distributions and agreements, as read together. */
export interface AccessLists {
  distributions: readonly Distribution[];
  agreements: readonly Agreement[];
}

export async function readAccessLists(store: Store): Promise<AccessLists> {
  const [distributions, agreements] = await Promise.all([store.listDistributions(), store.listAgreements()]);
  return { distributions, agreements };
}

/** What a principal may read now, compiled from the access lists. */
export function clearanceFrom(principal: Principal, lists: AccessLists, now: number, anonymousClear: boolean): Clearance {
  return clearanceOf(readerOf(principal), lists.distributions, new Map(lists.agreements.map((agreement) => [agreement.id, agreement])), { now, anonymousClear });
}

/** What a principal may read now, compiled from the store's distributions and agreements. */
export async function clearanceFor(store: Store, principal: Principal, now: number, anonymousClear: boolean): Promise<Clearance> {
  return clearanceFrom(principal, await readAccessLists(store), now, anonymousClear);
}
