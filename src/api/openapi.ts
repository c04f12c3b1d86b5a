import { z } from 'zod';
import type { OperationBook, OperationSpec } from './operation.ts';
import { ProblemSchema } from './schemas.ts';

type Json = Record<string, unknown>;

/** What the API says about itself before any operation: who may do what, and the choices behind it. */
export const API_DESCRIPTION = `The REST API of tix, a threat-intelligence exchange. Every request is signed in with an API key (\`Authorization: Bearer tix_…\`) or a user's password (HTTP Basic); bad, expired or revoked credentials are a 401, never anonymous. Requests without credentials are refused, except that TLP:CLEAR may be read without them where the operator allows it.

Everything is read under the sharing rules (TLP 2.0, organisations, agreements, named recipients), applied inside every store query, so pages, counts, \`more\` and \`next\` never reveal what the caller may not read. Every read and every write is recorded in the hash-chained audit log.

Roles:
- **reader**: reads indicators, sources, STIX objects, its organisation's sightings, exports, organisations and its organisation's agreements.
- **analyst**: a reader that also creates and revokes its organisation's indicators and records sightings.
- **sync**: a machine account that reads and writes as an analyst does.
- **admin**: an analyst that also manages its own organisation's users and API keys. Admins of the operator organisation (\`local\`, id 1) administer the instance: every organisation's users and keys, organisations, and agreements.

Errors are RFC 9457 problem details (\`application/problem+json\`) that name what is wrong (\`errors\` lists every invalid field). Requests are limited in size (413) and in rate per key, user or address (429 with \`Retry-After\`).`;

/** A named format (`date-time`) says what zod's long regular expression for it says: the pattern is left out. */
function withoutFormatPatterns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFormatPatterns);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(([key]) => !(key === 'pattern' && 'format' in value));
  return Object.fromEntries(entries.map(([key, inner]) => [key, withoutFormatPatterns(inner)]));
}

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  return withoutFormatPatterns(json) as Json;
};

/** A query or path schema as OpenAPI parameters: one per property. */
function parameters(schema: z.ZodType | undefined, place: 'query' | 'path'): Json[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: place, required: place === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

const problem = (description: string): Json => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

function responses(spec: OperationSpec): Json {
  const out: Json = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    if (response.schema === ProblemSchema) {
      out[status] = problem(response.description);
      continue;
    }
    const media = response.mediaType ?? 'application/json';
    out[status] = { description: response.description, ...(response.schema || response.mediaType ? { content: { [media]: response.schema ? { schema: toSchema(response.schema, 'output') } : {} } } : {}) };
  }
  out['400'] ??= problem('the request is malformed: `errors` names every invalid field');
  out['401'] ??= problem('no valid credentials (a bad, expired or revoked key is never treated as anonymous)');
  out['429'] ??= problem('rate limit reached; see `Retry-After`');
  out['500'] ??= problem('the server failed; nothing about the cause is told');
  return out;
}

/** The OpenAPI 3.1 document of every operation in `book`, generated from the same zod schemas that validate the requests. */
export function openApiDocument(book: OperationBook, version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of book.operations) {
    const body = spec.documentedBody ?? spec.body;
    const entry: Json = {
      operationId: spec.operationId,
      tags: [spec.tag],
      summary: spec.summary,
      description: `${spec.description ?? ''}${spec.description ? '\n\n' : ''}**Who:** ${spec.access}.`,
      'x-tix-access': spec.access,
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(body, 'input') } } } } : {}),
      ...(spec.rawBody ? { requestBody: { required: true, description: spec.rawBody.description, content: { [spec.rawBody.mediaType]: { schema: { type: 'string', contentMediaType: spec.rawBody.mediaType } } } } } : {}),
      responses: responses(spec),
    };
    (paths[`${book.prefix}${spec.path}`] ??= {})[spec.method.toLowerCase()] = entry;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'tix REST API', version, description: API_DESCRIPTION, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { password: [] }],
    tags: [...new Set(book.operations.map((spec) => spec.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an API key, `tix_<prefix>_<secret>`' },
        password: { type: 'http', scheme: 'basic', description: 'a user name and password' },
      },
      schemas: { Problem: toSchema(ProblemSchema, 'output') },
    },
  };
}
