import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { verifyPassword, type Principal } from '../auth/index.ts';
import type { Store } from '../store/store.ts';
import { requireMember } from './app.ts';
import { operation, type OperationBook } from './operation.ts';
import { HttpProblem } from './problem.ts';
import { IsoDateSchema, iso, ProblemSchema } from './schemas.ts';

/** The session cookie's name; its value is a random token, only the server's memory maps it to a user. */
export const SESSION_COOKIE = 'tix_session';
/** The header a state-changing request signed in by the cookie must carry, with the session's CSRF token. */
export const CSRF_HEADER = 'x-tix-csrf';
/** A session ends this long after it began, or after this long unused, whichever comes first. */
const MAX_AGE_MS = 12 * 3_600_000;
const IDLE_MS = 2 * 3_600_000;
/** A session's last use is written at most this often: not a write per request. */
const TOUCH_MS = 60_000;

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Signed-in browser sessions, kept in the store so every server process of
 * it (`tix serve --workers N`) knows them and a restart signs no one out: a
 * random 256-bit token in an HttpOnly, SameSite=Strict cookie, stored only
 * as its hash, and a CSRF token the page sends back as a header on every
 * state-changing request. Signing out deletes the session for all of them.
 */
export class SessionBook {
  constructor(private readonly store: Store) {}

  async open(user: { id: number; name: string }, now: number): Promise<{ token: string; csrf: string }> {
    // sessions idle past their time are cleared as new ones are made
    await this.store.deleteWebSession(undefined, now - IDLE_MS);
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    await this.store.saveWebSession({ id: digest(token), user: user.id, userName: user.name, csrf, createdAt: now, usedAt: now });
    return { token, csrf };
  }

  /** The session a cookie names, if it is still open; using it keeps it from idling out. */
  async find(token: string, now: number): Promise<{ id: string; user: string; csrf: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const id = digest(token);
    const session = await this.store.findWebSession(id);
    if (!session) return undefined;
    if (now - session.createdAt > MAX_AGE_MS || now - session.usedAt > IDLE_MS) {
      await this.store.deleteWebSession(id);
      return undefined;
    }
    if (now - session.usedAt > TOUCH_MS) await this.store.touchWebSession(id, now);
    return { id, user: session.userName, csrf: session.csrf };
  }

  async close(id: string): Promise<void> {
    await this.store.deleteWebSession(id);
  }
}

/** One cookie of a `Cookie` header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function csrfMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The principal of a session's user, as Basic authentication would give it; undefined when the user is gone or disabled. */
export async function sessionPrincipal(store: Store, user: string): Promise<Principal | undefined> {
  const found = await store.findUser(user);
  if (!found || found.disabledAt !== undefined) return undefined;
  const org = await store.findOrganisation(found.org);
  if (!org) return undefined;
  return { kind: 'member', org: org.id, orgName: org.name, user: found.id, userName: found.name, role: found.role };
}

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  // Secure when the page came over https (directly or through a proxy that says so)
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

const LoginSchema = z.object({ user: z.string().min(1).max(200), password: z.string().min(1).max(1000) }).strict();

const SessionSchema = z.object({
  user: z.string(),
  org: z.object({ id: z.number().int(), name: z.string(), country: z.string().optional() }),
  role: z.string(),
  csrf: z.string().describe(`send it back as the ${CSRF_HEADER} header on every POST made with the session cookie`),
  clearance: z
    .object({
      levels: z.array(z.string()).describe('the TLP levels the caller reads beyond its own data'),
      own: z.boolean().describe('the organisation owns data, which it reads at every level'),
      agreements: z.array(z.object({ name: z.string(), maxTlp: z.string(), endsAt: IsoDateSchema.optional() })).describe('active agreements the organisation is a member of'),
    })
    .describe('what the caller may read: its own data at every level, and these'),
});

/** A summary of what the caller reads, for the page header: the TLP levels beyond its own data and the agreements that grant them. */
async function clearanceSummary(request: FastifyRequest, org: number): Promise<z.infer<typeof SessionSchema>['clearance']> {
  const { store } = request.server.tixOptions;
  const clearance = await request.tix.clearance();
  const levels = [
    ...(clearance.clear ? ['clear'] : []),
    ...(clearance.green ? ['green'] : []),
    ...(clearance.amber.length ? ['amber'] : []),
    ...(clearance.strict.length ? ['amber+strict'] : []),
    ...(clearance.red.length ? ['red'] : []),
  ];
  const now = request.tix.now;
  const agreements = (await store.listAgreements())
    .filter((agreement) => agreement.members.includes(org) && agreement.startsAt <= now && (agreement.endsAt === undefined || agreement.endsAt > now))
    .map((agreement) => ({ name: agreement.name, maxTlp: agreement.maxTlp, ...(agreement.endsAt === undefined ? {} : { endsAt: iso(agreement.endsAt) }) }));
  return { levels, own: clearance.own.length > 0, agreements };
}

/** Signing in and out of the web UI: a session cookie for the browser, as a third way (after Bearer and Basic) to call the API. */
export function sessionRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/session',
      operationId: 'signIn',
      tag: 'session',
      summary: 'Sign in (web UI)',
      description: `Checks a user's password and sets the \`${SESSION_COOKIE}\` cookie (HttpOnly, SameSite=Strict, Secure over https). Requests made with the cookie are the user's; POSTs must also carry the \`${CSRF_HEADER}\` header with the \`csrf\` token answered here. Failed attempts are rate limited per address.`,
      access: 'anyone',
      body: LoginSchema,
      responses: {
        200: { description: 'signed in: who, and what they may read', schema: SessionSchema },
        401: { description: 'wrong user name or password, or the user is disabled', schema: ProblemSchema },
      },
    },
    async ({ body }, request, reply) => {
      const now = request.tix.now;
      const user = await store.findUser(body.user);
      const ok = user?.passwordHash !== undefined && (await verifyPassword(body.password, user.passwordHash));
      if (!user || !ok || user.disabledAt !== undefined) {
        await request.server.signInFailed(request.ip, now);
        await store.appendAudit({ at: now, action: 'write:session-refused', target: '/api/v1/session', detail: { user: body.user.slice(0, 100) } });
        throw new HttpProblem(401, 'Unauthorized', user?.disabledAt !== undefined && ok ? 'the user is disabled' : 'wrong user name or password');
      }
      const principal = await sessionPrincipal(store, user.name);
      if (!principal || principal.kind !== 'member') throw new HttpProblem(401, 'Unauthorized', 'wrong user name or password');
      const { token, csrf } = await request.server.tixSessions.open({ id: user.id, name: user.name }, now);
      // from here on the request is the user's, so its clearance and audit entry are theirs
      request.tix.principal = principal;
      await request.tix.audit({ action: 'write:session', target: '/api/v1/session', detail: {} });
      reply.header('set-cookie', cookie(request, token, MAX_AGE_MS / 1000));
      reply.header('cache-control', 'no-store');
      const org = await store.findOrganisation(principal.org);
      return {
        user: user.name,
        org: { id: principal.org, name: principal.orgName, ...(org?.country ? { country: org.country } : {}) },
        role: principal.role,
        csrf,
        clearance: await clearanceSummary(request, principal.org),
      };
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/session',
      operationId: 'currentSession',
      tag: 'session',
      summary: 'Who is signed in',
      description: 'The signed-in user (by any means: cookie, key or password), its organisation, role and what it may read; with the session cookie, the CSRF token to send with POSTs.',
      access: 'any member',
      responses: { 200: { description: 'the caller', schema: SessionSchema }, 401: { description: 'not signed in', schema: ProblemSchema } },
    },
    async (_input, request, reply) => {
      const caller = requireMember(request);
      const org = await store.findOrganisation(caller.org);
      reply.header('cache-control', 'no-store');
      return {
        user: caller.userName ?? `key for ${caller.orgName}`,
        org: { id: caller.org, name: caller.orgName, ...(org?.country ? { country: org.country } : {}) },
        role: caller.role,
        csrf: request.tix.session?.csrf ?? '',
        clearance: await clearanceSummary(request, caller.org),
      };
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/session/logout',
      operationId: 'signOut',
      tag: 'session',
      summary: 'Sign out (web UI)',
      description: 'Ends the session the cookie names, on the server, and clears the cookie.',
      access: 'anyone',
      responses: { 204: { description: 'signed out' } },
    },
    async (_input, request, reply) => {
      const session = request.tix.session;
      if (session) {
        await request.server.tixSessions.close(session.id);
        await request.tix.audit({ action: 'write:session-end', target: '/api/v1/session/logout', detail: {} });
      }
      reply.header('set-cookie', cookie(request, '', 0));
      return reply.code(204).send();
    },
  );
}
