import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { authenticate, clearanceFor, type Principal } from '../auth/index.ts';
import type { Clearance } from '../policy/index.ts';
import type { AuditEntry } from '../store/access.ts';
import { AuditQueue } from './audit-queue.ts';
import type { Store } from '../store/store.ts';
import { HttpProblem, problemBody, toProblem } from './problem.ts';
import { RateLimiter } from './rate-limit.ts';

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
}

export interface RequestContext {
  principal: Principal;
  now: number;
  /** What the caller may read, computed once per request. */
  clearance(): Promise<Clearance>;
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
  }
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

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
  const limiter = new RateLimiter(settings.rateLimit, Math.max(10, Math.ceil(settings.rateLimit / 6)));

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const now = settings.now();
    const result = await authenticate(settings.store, request.headers.authorization, now);
    if ('reason' in result) {
      // failed sign-ins count against the address, so guessing keys or passwords is rate limited too
      const allowed = limiter.take(`ip:${request.ip}`, now);
      if (!allowed.ok) {
        reply.header('Retry-After', String(allowed.retryAfter));
        throw new HttpProblem(429, 'Too Many Requests', `too many requests from this address; retry in ${allowed.retryAfter} s`);
      }
      throw new HttpProblem(401, 'Unauthorized', result.message, undefined, { 'WWW-Authenticate': 'Bearer realm="tix", Basic realm="tix"' });
    }
    const caller = result.kind === 'anonymous' ? `ip:${request.ip}` : result.key !== undefined ? `key:${result.key}` : `user:${result.user}`;
    const allowed = limiter.take(caller, now);
    if (!allowed.ok) {
      reply.header('Retry-After', String(allowed.retryAfter));
      throw new HttpProblem(429, 'Too Many Requests', `rate limit of ${settings.rateLimit} requests a minute reached; retry in ${allowed.retryAfter} s`);
    }
    let clearance: Promise<Clearance> | undefined;
    request.tix = {
      principal: result,
      now,
      clearance: () => (clearance ??= clearanceFor(settings.store, result, now, settings.anonymousClear)),
      audit: async (entry) => {
        await audits.append({
          ...entry,
          at: now,
          ...(result.kind === 'member' ? { org: result.org } : {}),
          ...(result.kind === 'member' && result.user !== undefined ? { user: result.user } : {}),
          ...(result.kind === 'member' && result.key !== undefined ? { key: result.key } : {}),
        });
      },
    };
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
