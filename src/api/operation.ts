import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpProblem, type ProblemError } from './problem.ts';

/** A response an operation may give, for the OpenAPI document. */
export interface ResponseSpec {
  description: string;
  /** The JSON body (application/json unless `mediaType` says otherwise). */
  schema?: z.ZodType;
  mediaType?: string;
}

type AnyObject = z.ZodType<Record<string, unknown>>;

/**
 * One operation of the REST API, declared once: the route, who may call it,
 * and zod schemas that both validate the request at the boundary and
 * describe it in the OpenAPI document.
 */
export interface OperationSpec<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH';
  /** The path under the API prefix, OpenAPI style: `/indicators/{type}/{value}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** Who may call it, in words, for the documentation; the handler enforces it. */
  access: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The body as documented, where the route checks it in parts (a bulk array whose items are checked one by one); `body` otherwise. */
  documentedBody?: z.ZodType;
  /** The body is bytes of this media type, handed to the handler unread as `request.body` (a stream) for it to read within its own limit. */
  rawBody?: { mediaType: string; description: string };
  /** Success and the errors particular to the operation; 400, 401, 429 and 500 are added to every one. */
  responses: Record<number, ResponseSpec>;
}

export interface OperationInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** Every operation an API registered, in order: the source of the OpenAPI document. */
export class OperationBook {
  readonly operations: OperationSpec[] = [];
  constructor(readonly prefix: string) {}

  add(spec: OperationSpec): void {
    const key = `${spec.method} ${spec.path}`;
    if (this.operations.some((known) => `${known.method} ${known.path}` === key || known.operationId === spec.operationId)) {
      throw new Error(`operation ${key} (${spec.operationId}) is declared twice`);
    }
    this.operations.push(spec);
  }
}

/**
 * A union's failure as the failures of the alternative the input was meant
 * for (the one whose type it has: an array for "one or many"), rather than
 * zod's bare "Invalid input".
 */
function explain(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const meant = issue.errors.filter((branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
    if (meant.length !== 1) return [issue];
    return explain(meant[0]!.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
  });
}

/** The issues of a failed parse as problem errors; the first one names the problem in `detail`. */
export function invalid(where: 'path' | 'query' | 'body', error: z.ZodError, code = where === 'body' ? 'TIX_INPUT_BAD_FIELD' : 'TIX_QUERY_INVALID'): HttpProblem {
  const errors: ProblemError[] = explain(error.issues).slice(0, 50).map((issue) => ({
    in: where,
    // an unknown key is named as the field that is wrong
    path: [...issue.path, ...(issue.code === 'unrecognized_keys' ? [issue.keys.join(',')] : [])].map(String).join('.'),
    message: issue.message,
  }));
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new HttpProblem(400, 'Bad Request', `${where}${first.path ? `.${first.path}` : ''}: ${first.message}${more}`, code, {}, { errors });
}

/** Parses one part of a request, or throws the 400 that says what is wrong with it. */
export function parsePart<S extends z.ZodType>(schema: S, value: unknown, where: 'path' | 'query' | 'body'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(where, parsed.error);
  return parsed.data;
}

/**
 * Registers an operation on `app` and records it in `book`. Path, query
 * and body are parsed with their schemas before the handler runs (a
 * missing schema means the part must be empty), so a handler only ever
 * sees validated input.
 */
export function operation<P extends AnyObject = z.ZodObject<{}>, Q extends AnyObject = z.ZodObject<{}>, B extends z.ZodType = z.ZodUndefined>(
  app: FastifyInstance,
  book: OperationBook,
  spec: OperationSpec<P, Q, B>,
  handler: (input: OperationInput<z.output<P>, z.output<Q>, z.output<B>>, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): void {
  book.add(spec as unknown as OperationSpec);
  const params = spec.params ?? z.object({}).strict();
  const query = spec.query ?? z.object({}).strict();
  app.route({
    method: spec.method,
    url: spec.path.replace(/\{(\w+)\}/g, ':$1'),
    handler: async (request, reply) => {
      const input = {
        params: parsePart(params, request.params ?? {}, 'path'),
        query: parsePart(query, request.query ?? {}, 'query'),
        body: spec.body ? parsePart(spec.body, request.body, 'body') : undefined,
      } as OperationInput<z.output<P>, z.output<Q>, z.output<B>>;
      const empty = request.body === undefined || request.body === null || request.body === '' || (typeof request.body === 'object' && !Array.isArray(request.body) && Object.keys(request.body).length === 0);
      if (!spec.body && !spec.rawBody && !empty) {
        throw new HttpProblem(400, 'Bad Request', `${spec.method} ${book.prefix}${spec.path} takes no body`, 'TIX_INPUT_BAD_FIELD');
      }
      return handler(input, request, reply);
    },
  });
}

/** The request's path for the audit log: never the query string, which the audit detail records as parsed. */
export function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0]!.slice(0, 2000);
}
