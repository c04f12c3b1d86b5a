import { dirname } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { authenticate, clearanceFrom, readAccessLists, type AccessLists, type Principal } from '../auth/index.ts';
import type { Agreement, Clearance } from '../policy/index.ts';
import type { AuditEntry } from '../store/access.ts';
import { AuditQueue } from './audit-queue.ts';
import type { Store } from '../store/store.ts';
import { isDatabaseUrl } from '../store/open.ts';
import { ConfigError } from '../errors.ts';
import { HttpProblem, problemBody, toProblem } from './problem.ts';
import { RateLimiter } from './rate-limit.ts';
import { cookieOf, CSRF_HEADER, csrfMatches, SESSION_COOKIE, SessionBook, sessionPrincipal } from './session.ts';

export interface AppOptions {
  store: Store;
  /** The clock; tests pin it. */
  now?: () => number;
  /** Serve TLP:CLEAR to unauthenticated callers. */
  anonymousClear?: boolean;
  /** Largest request body accepted, in bytes (TAXII advertises it as max_content_length). */
  bodyLimit?: number;
  /** Requests a minute per caller. */
  rateLimit?: number;
  /** Largest evidence file POST /api/v1/scans scans, in bytes as sent. */
  scanBytes?: number;
  /** Told when a write queued e-mail notices, so they go out at once rather than at the sender's next look. */
  mailQueued?: () => void;
  /** The server's local files (the package-signing key); default: the embedded store's directory. A PostgreSQL store needs one named. */
  dataDir?: string;
}

export interface RequestContext {
  principal: Principal;
  now: number;
  /** What the caller may read, computed once per request. */
  clearance(): Promise<Clearance>;
  /** The agreements the clearance was made of (read once per request, with it). */
  agreements(): Promise<readonly Agreement[]>;
  /** The browser session the request was signed in by (the session cookie), if it was. */
  session?: { id: string; csrf: string };
  /** Appends to the audit log, as this caller. */
  audit(entry: Omit<AuditEntry, 'at' | 'org' | 'user' | 'key'>): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    tix: RequestContext;
  }
  interface FastifyInstance {
    tixOptions: Required<Omit<AppOptions, 'now'>> & { now: () => number };
    /**
     * Runs `task` after every import queued before it. A store handle runs one
     * import at a time, so every HTTP path that imports (REST, TAXII) goes
     * through this one queue of the app.
     */
    queueImport<T>(task: () => Promise<T>): Promise<T>;
    /** The web UI's signed-in sessions. */
    tixSessions: SessionBook;
    /** Counts a failed sign-in against an address; throws the 429 once it has failed too often. */
    signInFailed(ip: string, now: number): Promise<void>;
  }
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

function localDirectoryOf(store: Store): string {
  if (isDatabaseUrl(store.location)) throw new ConfigError('a server on a PostgreSQL store needs a data directory for its local files (dataDir)');
  return dirname(store.location);
}

/**
 * The HTTP server: every request is authenticated (an API key or a user's
 * password; no credentials is the anonymous caller, bad credentials are a
 * 401, never anonymous), rate limited, and given its clearance and an audit
 * hook. The API and TAXII are plugins registered on it.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const settings = {
    store: options.store,
    now: options.now ?? (() => Date.now()),
    anonymousClear: options.anonymousClear ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    rateLimit: options.rateLimit ?? 6_000,
    scanBytes: options.scanBytes ?? 64 * 2 ** 20,
    mailQueued: options.mailQueued ?? (() => undefined),
    dataDir: options.dataDir ?? localDirectoryOf(options.store),
  };
  const app = Fastify({
    bodyLimit: settings.bodyLimit,
    logger: false,
    return503OnClosing: true,
    // a URL indicator is a path parameter (percent-encoded) of GET /api/v1/indicators/url/{value}
    routerOptions: { maxParamLength: 8192 },
    // errors the router raises before any hook (a malformed percent-encoding): problem+json like every other
    frameworkErrors: (error, request, reply) => {
      const problem = toProblem(error);
      void (reply as unknown as FastifyReply).status(problem.status).type('application/problem+json').send(problemBody(problem, request.url));
    },
  });
  app.decorate('tixOptions', settings);
  let imports: Promise<unknown> = Promise.resolve();
  app.decorate('queueImport', <T>(task: () => Promise<T>): Promise<T> => {
    const run = imports.then(task, task);
    imports = run.catch(() => undefined);
    return run;
  });
  app.decorateRequest('tix', null as unknown as RequestContext);
  const audits = new AuditQueue((entries) => settings.store.appendAudits(entries));
  const limiter = new RateLimiter(settings.store, settings.rateLimit, Math.max(10, Math.ceil(settings.rateLimit / 6)));
  const refuseAddress = async (ip: string, now: number): Promise<void> => {
    const allowed = await limiter.take(`ip:${ip}`, now);
    if (!allowed.ok) throw new HttpProblem(429, 'Too Many Requests', `too many requests from this address; retry in ${allowed.retryAfter} s`, undefined, { 'Retry-After': String(allowed.retryAfter) });
  };
  app.decorate('tixSessions', new SessionBook(settings.store));
  app.decorate('signInFailed', refuseAddress);

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const now = settings.now();
    let result = await authenticate(settings.store, request.headers.authorization, now);
    let session: RequestContext['session'];
    // signing in (POST /api/v1/session) is by password alone, whatever cookie the browser still holds
    const signingIn = request.method === 'POST' && request.url.split('?')[0] === '/api/v1/session';
    const token = 'kind' in result && result.kind === 'anonymous' && !signingIn ? cookieOf(request.headers.cookie, SESSION_COOKIE) : undefined;
    if (token) {
      // the session cookie, the third way in: a stale or unknown cookie is ignored (the caller is anonymous), never an error page
      const found = await app.tixSessions.find(token, now);
      const principal = found && (await sessionPrincipal(settings.store, found.user));
      if (found && principal) {
        if (request.method !== 'GET' && request.method !== 'HEAD' && !csrfMatches(request.headers[CSRF_HEADER], found.csrf)) {
          throw new HttpProblem(403, 'Forbidden', `a request signed in by the session cookie must carry the ${CSRF_HEADER} header with the session's CSRF token`, 'TIX_SESSION_CSRF');
        }
        result = principal;
        session = { id: found.id, csrf: found.csrf };
      } else if (found) await app.tixSessions.close(found.id);
    }
    if ('reason' in result) {
      // failed sign-ins count against the address, so guessing keys or passwords is rate limited too
      const allowed = await limiter.take(`ip:${request.ip}`, now);
      if (!allowed.ok) {
        reply.header('Retry-After', String(allowed.retryAfter));
        throw new HttpProblem(429, 'Too Many Requests', `too many requests from this address; retry in ${allowed.retryAfter} s`);
      }
      throw new HttpProblem(401, 'Unauthorized', result.message, undefined, { 'WWW-Authenticate': 'Bearer realm="tix", Basic realm="tix"' });
    }
    const principal = result;
    const caller = principal.kind === 'anonymous' ? `ip:${request.ip}` : principal.key !== undefined ? `key:${principal.key}` : `user:${principal.user}`;
    const allowed = await limiter.take(caller, now);
    if (!allowed.ok) {
      reply.header('Retry-After', String(allowed.retryAfter));
      throw new HttpProblem(429, 'Too Many Requests', `rate limit of ${settings.rateLimit} requests a minute reached; retry in ${allowed.retryAfter} s`);
    }
    let lists: Promise<AccessLists> | undefined;
    let clearance: Promise<Clearance> | undefined;
    const accessLists = (): Promise<AccessLists> => (lists ??= readAccessLists(settings.store));
    const context: RequestContext = {
      principal,
      now,
      ...(session ? { session } : {}),
      clearance: () => (clearance ??= accessLists().then((read) => clearanceFrom(context.principal, read, now, settings.anonymousClear))),
      agreements: async () => (await accessLists()).agreements,
      audit: async (entry) => {
        const who = context.principal;
        await audits.append({
          ...entry,
          at: now,
          ...(who.kind === 'member' ? { org: who.org } : {}),
          ...(who.kind === 'member' && who.user !== undefined ? { user: who.user } : {}),
          ...(who.kind === 'member' && who.key !== undefined ? { key: who.key } : {}),
        });
      },
    };
    request.tix = context;
  });

  app.setErrorHandler(async (error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error(error);
    return reply.status(problem.status).headers(problem.headers).type('application/problem+json').send(problemBody(problem, request.url));
  });
  app.setNotFoundHandler(async (request, reply) => {
    const problem = new HttpProblem(404, 'Not Found', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).type('application/problem+json').send(problemBody(problem, request.url));
  });
  return app;
}

/** The organisation of the operator of the instance (created by the first migration): its admins administer the whole instance. */
export const OPERATOR_ORG = 1;

/**
 * A read route's guard: a member, or an unauthenticated caller where the
 * operator lets TLP:CLEAR out (`anonymousClear`); the clearance then limits
 * what either reads.
 */
export function requireReader(request: FastifyRequest): void {
  if (request.tix.principal.kind === 'anonymous' && request.server.tixOptions.anonymousClear) return;
  requireMember(request);
}

/** A route's guard: the caller must be signed in, and hold one of these roles. */
export function requireMember(request: FastifyRequest, roles?: readonly string[]): Extract<Principal, { kind: 'member' }> {
  const principal = request.tix.principal;
  if (principal.kind !== 'member') {
    throw new HttpProblem(401, 'Unauthorized', 'sign in with an API key (Bearer) or a user and password (Basic)', undefined, { 'WWW-Authenticate': 'Bearer realm="tix", Basic realm="tix"' });
  }
  if (roles && !roles.includes(principal.role)) throw new HttpProblem(403, 'Forbidden', `this needs one of the roles ${roles.join(', ')}; the caller is ${principal.role}`);
  return principal;
}
