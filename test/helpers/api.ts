/**
 * Calling the REST API over real HTTP on loopback, and a small world for
 * the API suites: a fresh SQLite store in a temporary directory, an
 * organisation or two with a key per role, the whole server listening.
 */
import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../../src/api/app.ts';
import { buildServer } from '../../src/api/server.ts';
import { generateApiKey } from '../../src/auth/index.ts';
import type { Role } from '../../src/policy/index.ts';
import type { Store } from '../../src/store/store.ts';
import { dataDirOf, freshStore } from './stores.ts';

export type Json = Record<string, any>;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: Json;
}

export interface CallOptions {
  method?: string;
  /** An API key, or a whole Authorization header value (`Basic …`), or undefined for no credentials. */
  auth?: string;
  /** Sent as JSON unless it is a string or a Buffer. */
  body?: unknown;
  headers?: Record<string, string>;
}

export function authHeader(auth: string): string {
  return auth.includes(' ') ? auth : `Bearer ${auth}`;
}

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export async function call(base: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth) headers.authorization = authHeader(options.auth);
  let body: string | Buffer | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: Json = {};
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** A key for `org` with `role`, optionally bound to a user; returns the token. */
export async function makeKey(store: Store, org: number, role: Role, extra: { user?: number; expiresAt?: number; createdAt?: number } = {}): Promise<string> {
  const key = generateApiKey();
  await store.createApiKey({ prefix: key.prefix, hash: key.hash, org, role, createdAt: extra.createdAt ?? 0, ...(extra.user === undefined ? {} : { user: extra.user }), ...(extra.expiresAt === undefined ? {} : { expiresAt: extra.expiresAt }) });
  return key.token;
}

export interface ApiWorld {
  store: Store;
  base: string;
  app: FastifyInstance;
  /** Organisation ids by name: `local` (the operator, 1), `Vendor`, `Police`. */
  orgs: Record<'local' | 'Vendor' | 'Police', number>;
  /** A key per organisation and role, named `<org>-<role>`. */
  keys: Record<KeyName, string>;
  call(path: string, auth: string | undefined, options?: Omit<CallOptions, 'auth'>): Promise<Reply>;
  close(): Promise<void>;
}

export const NOW = Date.UTC(2026, 5, 1, 12);

const GRANTS = [
  ['local', 'admin'],
  ['Vendor', 'admin'],
  ['Vendor', 'analyst'],
  ['Vendor', 'reader'],
  ['Vendor', 'sync'],
  ['Police', 'admin'],
  ['Police', 'analyst'],
  ['Police', 'reader'],
] as const satisfies ReadonlyArray<readonly [keyof ApiWorld['orgs'], Role]>;
type KeyName = `${(typeof GRANTS)[number][0]}-${(typeof GRANTS)[number][1]}`;

/** A fresh store with the operator, a vendor and a police unit, a key per role, and the server on loopback. */
export async function openApiWorld(options: Omit<AppOptions, 'store'> & { webRoot?: string } = {}): Promise<ApiWorld> {
  const store = await freshStore();
  const orgs = { local: 1 } as ApiWorld['orgs'];
  orgs.Vendor = (await store.createOrganisation({ name: 'Vendor', kind: 'vendor', country: 'NL', createdAt: 0 })).id;
  orgs.Police = (await store.createOrganisation({ name: 'Police', kind: 'national-police', country: 'NG', createdAt: 0 })).id;
  const keys = {} as Record<KeyName, string>;
  for (const [org, role] of GRANTS) keys[`${org}-${role}` as KeyName] = await makeKey(store, orgs[org], role);
  const app = await buildServer({ store, dataDir: dataDirOf(store), now: () => NOW, rateLimit: 1_000_000, ...options });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    store,
    base,
    app,
    orgs,
    keys,
    call: (path, auth, rest = {}) => call(base, path, { ...rest, ...(auth === undefined ? {} : { auth }) }),
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The reply is an RFC 9457 problem with this status. */
export function isProblem(reply: Reply, status: number): boolean {
  return (
    reply.status === status &&
    (reply.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
    reply.body.status === status &&
    typeof reply.body.title === 'string' &&
    typeof reply.body.detail === 'string'
  );
}
