import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { generateApiKey } from '../../auth/index.ts';
import { RoleSchema } from '../../policy/index.ts';
import type { ApiKeyRecord } from '../../store/access.ts';
import { OrgNameSchema, orgInScope, requireAdmin } from '../admin.ts';
import { OPERATOR_ORG } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { iso, IsoDateSchema, OrgRefSchema, ProblemSchema } from '../schemas.ts';

const NewKeySchema = z
  .object({
    role: RoleSchema.default('reader'),
    label: z.string().min(1).max(200).optional(),
    expiresAt: IsoDateSchema.optional().describe('never expires when absent'),
    org: OrgNameSchema.optional().describe('the caller\'s organisation when absent; another only for admins of the operator organisation'),
  })
  .strict();

const KeySchema = z.object({
  prefix: z.string().describe('the public part of the key, by which it is named'),
  org: OrgRefSchema,
  role: RoleSchema,
  label: z.string().optional(),
  createdAt: IsoDateSchema,
  expiresAt: IsoDateSchema.optional(),
  revokedAt: IsoDateSchema.optional(),
  lastUsedAt: IsoDateSchema.optional().describe('to the minute'),
});

const PrefixSchema = z.object({ prefix: z.string().regex(/^[0-9a-f]{12}$/, 'a key prefix: 12 hexadecimal digits').describe('the public part of the key (tix_<prefix>_…)') });

/**
 * API keys of an organisation: made by its admins (operator admins: any
 * organisation's), shown once, stored hashed; listed without secrets. A key
 * belongs to the organisation, not to the admin who made it (it carries no
 * one's individual RED clearance).
 */
export function keyRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  const names = async (): Promise<Map<number, string>> => new Map((await store.listOrganisations()).map((org) => [org.id, org.name]));
  const serialise = (key: ApiKeyRecord, orgNames: Map<number, string>): z.infer<typeof KeySchema> => ({
    prefix: key.prefix,
    org: { id: key.org, name: orgNames.get(key.org) ?? String(key.org) },
    role: key.role,
    ...(key.label === undefined ? {} : { label: key.label }),
    createdAt: iso(key.createdAt),
    ...(key.expiresAt === undefined ? {} : { expiresAt: iso(key.expiresAt) }),
    ...(key.revokedAt === undefined ? {} : { revokedAt: iso(key.revokedAt) }),
    ...(key.lastUsedAt === undefined ? {} : { lastUsedAt: iso(key.lastUsedAt) }),
  });

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/keys',
      operationId: 'createKey',
      tag: 'keys',
      summary: 'Create an API key',
      description: 'Creates a key for the caller\'s organisation (operator admins: for any) and returns it, once: only a hash of its secret is kept.',
      access: 'admins',
      body: NewKeySchema,
      responses: {
        201: { description: 'the key; `key` is shown this once', schema: KeySchema.extend({ key: z.string() }) },
        403: { description: 'the caller is not an admin, or names another organisation', schema: ProblemSchema },
      },
    },
    async ({ body }, request, reply) => {
      const caller = requireAdmin(request);
      const org = await orgInScope(store, caller, body.org);
      const expiresAt = body.expiresAt === undefined ? undefined : Date.parse(body.expiresAt);
      if (expiresAt !== undefined && expiresAt <= request.tix.now) {
        throw new HttpProblem(400, 'Bad Request', 'body.expiresAt: must be in the future', 'TIX_INPUT_BAD_FIELD', {}, { errors: [{ in: 'body', path: 'expiresAt', message: 'must be in the future' }] });
      }
      const key = generateApiKey();
      const record = await store.createApiKey({
        prefix: key.prefix,
        hash: key.hash,
        org: org.id,
        role: body.role,
        ...(body.label === undefined ? {} : { label: body.label }),
        createdAt: request.tix.now,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      await request.tix.audit({ action: 'write:key', target: pathOf(request), detail: { prefix: key.prefix, org: org.id, role: body.role }, count: 1 });
      return reply.code(201).send({ key: key.token, ...serialise(record, await names()) });
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/keys',
      operationId: 'listKeys',
      tag: 'keys',
      summary: 'List API keys',
      description: 'The caller\'s organisation\'s keys, without their secrets; operator admins see every organisation\'s (or one\'s, with `org`).',
      access: 'admins',
      query: z.object({ org: z.string().max(200).optional() }).strict(),
      responses: {
        200: { description: 'the keys', schema: z.object({ items: z.array(KeySchema) }) },
        403: { description: 'the caller is not an admin, or names another organisation', schema: ProblemSchema },
      },
    },
    async ({ query }, request) => {
      const caller = requireAdmin(request);
      const everyone = caller.org === OPERATOR_ORG && query.org === undefined;
      const org = everyone ? undefined : await orgInScope(store, caller, query.org);
      const orgNames = await names();
      const items = (await store.listApiKeys(org?.id)).map((key) => serialise(key, orgNames));
      await request.tix.audit({ action: 'read:keys', target: pathOf(request), detail: { ...(org ? { org: org.id } : {}) }, count: items.length });
      return { items };
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/keys/{prefix}/revoke',
      operationId: 'revokeKey',
      tag: 'keys',
      summary: 'Revoke an API key',
      description: 'Revokes a key of the caller\'s organisation (operator admins: any key) at once; a revoked key is refused with 401.',
      access: 'admins',
      params: PrefixSchema,
      responses: {
        200: { description: 'the revoked key', schema: KeySchema },
        404: { description: 'no such key of the caller\'s organisation', schema: ProblemSchema },
        409: { description: 'the key was revoked before', schema: ProblemSchema },
      },
    },
    async ({ params }, request) => {
      const caller = requireAdmin(request);
      const key = await store.findApiKey(params.prefix);
      // another organisation's key does not exist for this admin
      if (!key || (caller.org !== OPERATOR_ORG && key.org !== caller.org)) throw new HttpProblem(404, 'Not Found', `no key ${params.prefix} of ${caller.orgName}`, 'TIX_NOT_FOUND');
      if (!(await store.revokeApiKey(params.prefix, request.tix.now))) throw new HttpProblem(409, 'Conflict', `the key ${params.prefix} was revoked before`, 'TIX_CONFLICT');
      await request.tix.audit({ action: 'write:key-revoke', target: pathOf(request), detail: { prefix: params.prefix, org: key.org }, count: 1 });
      const { hash: _hash, ...record } = (await store.findApiKey(params.prefix))!;
      return serialise(record, await names());
    },
  );
}
