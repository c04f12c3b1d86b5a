import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hashPassword } from '../../auth/index.ts';
import { RoleSchema } from '../../policy/index.ts';
import type { User } from '../../store/access.ts';
import { OrgNameSchema, orgInScope, requireAdmin } from '../admin.ts';
import { OPERATOR_ORG, requireMember } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { iso, IsoDateSchema, OrgRefSchema, ProblemSchema } from '../schemas.ts';
import { MailAddressSchema } from '../../mail/address.ts';
import { HttpProblem } from '../problem.ts';
import { NotFoundError } from '../../errors.ts';

const NewUserSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'letters, digits and . _ @ -, at most 100'),
    org: OrgNameSchema.optional().describe('the caller\'s organisation when absent; another only for admins of the operator organisation'),
    role: RoleSchema,
    password: z.string().min(12).max(1024).optional().describe('generated (and returned once) when absent'),
    email: MailAddressSchema.optional().describe('where the user is told of requests for information (when the server sends mail)'),
  })
  .strict();

const UserSchema = z.object({ id: z.number().int(), name: z.string(), org: OrgRefSchema, role: RoleSchema, email: z.string().optional(), createdAt: IsoDateSchema, disabledAt: IsoDateSchema.optional() });

/** Users: each organisation's admins manage its users; the operator's admins manage everyone's. */
export function userRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  const serialise = (user: User, orgName: string): z.infer<typeof UserSchema> => ({
    id: user.id,
    name: user.name,
    org: { id: user.org, name: orgName },
    role: user.role,
    ...(user.email === undefined ? {} : { email: user.email }),
    createdAt: iso(user.createdAt),
    ...(user.disabledAt === undefined ? {} : { disabledAt: iso(user.disabledAt) }),
  });

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/users',
      operationId: 'listUsers',
      tag: 'users',
      summary: 'List users',
      description: 'The users of the caller\'s organisation; admins of the operator organisation see every organisation\'s (or one\'s, with `org`).',
      access: 'admins (their own organisation\'s users; operator admins: all)',
      query: z.object({ org: z.string().max(200).optional() }).strict(),
      responses: {
        200: { description: 'the users (never their passwords)', schema: z.object({ items: z.array(UserSchema) }) },
        403: { description: 'the caller is not an admin, or names another organisation', schema: ProblemSchema },
      },
    },
    async ({ query }, request) => {
      const caller = requireAdmin(request);
      const everyone = caller.org === OPERATOR_ORG && query.org === undefined;
      const org = everyone ? undefined : await orgInScope(store, caller, query.org);
      const names = new Map((await store.listOrganisations()).map((item) => [item.id, item.name]));
      const items = (await store.listUsers(org?.id)).map((user) => serialise(user, names.get(user.org) ?? String(user.org)));
      await request.tix.audit({ action: 'read:users', target: pathOf(request), detail: { ...(org ? { org: org.id } : {}) }, count: items.length });
      return { items };
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/users',
      operationId: 'createUser',
      tag: 'users',
      summary: 'Add a user',
      description: 'Adds a user to the caller\'s organisation (operator admins: to any). Without `password`, one is generated and returned once; only its scrypt hash is kept.',
      access: 'admins (in their own organisation; operator admins: any)',
      body: NewUserSchema,
      responses: {
        201: { description: 'the user, and the generated password if one was generated', schema: z.object({ user: UserSchema, password: z.string().optional() }) },
        403: { description: 'the caller is not an admin, or names another organisation', schema: ProblemSchema },
        409: { description: 'a user of that name exists', schema: ProblemSchema },
      },
    },
    async ({ body }, request, reply) => {
      const caller = requireAdmin(request);
      const org = await orgInScope(store, caller, body.org);
      const password = body.password ?? randomBytes(18).toString('base64url');
      const user = await store.createUser({ name: body.name, org: org.id, role: body.role, createdAt: request.tix.now, passwordHash: await hashPassword(password), ...(body.email ? { email: body.email } : {}) });
      await request.tix.audit({ action: 'write:user', target: pathOf(request), detail: { id: user.id, name: user.name, org: org.id, role: user.role }, count: 1 });
      return reply.code(201).send({ user: serialise(user, org.name), ...(body.password === undefined ? { password } : {}) });
    },
  );

  operation(
    app,
    book,
    {
      method: 'PATCH',
      path: '/users/{name}',
      operationId: 'updateUser',
      tag: 'users',
      summary: 'Set or clear a user\'s e-mail address',
      description: 'The address the user is told of requests for information at, when the server sends mail (`tix serve --smtp`); `null` clears it. The mail names the request and who acted, never its content.',
      access: 'the user themself; admins (their own organisation\'s users; operator admins: any)',
      params: z.object({ name: z.string().min(1).max(100) }).strict(),
      body: z.object({ email: MailAddressSchema.nullable() }).strict(),
      responses: {
        200: { description: 'the user', schema: UserSchema },
        403: { description: 'another organisation\'s user, or another user for a non-admin', schema: ProblemSchema },
        404: { description: 'no such user', schema: ProblemSchema },
      },
    },
    async ({ params, body }, request) => {
      const caller = requireMember(request);
      const user = await store.findUser(params.name);
      if (!user) throw new NotFoundError(`no user "${params.name}"`);
      const self = caller.user === user.id;
      if (!self) {
        if (caller.role !== 'admin') throw new HttpProblem(403, 'Forbidden', 'only admins change another user');
        if (user.org !== caller.org && caller.org !== OPERATOR_ORG) throw new HttpProblem(403, 'Forbidden', `user ${user.name} is not in your organisation`);
      }
      await store.setUserEmail(user.name, body.email ?? undefined);
      await request.tix.audit({ action: 'write:user', target: pathOf(request), detail: { id: user.id, email: body.email === null ? 'cleared' : 'set' }, count: 1 });
      const org = await store.findOrganisation(user.org);
      const { passwordHash: _hash, email: _old, ...fields } = user;
      return serialise(body.email === null ? fields : { ...fields, email: body.email }, org?.name ?? String(user.org));
    },
  );
}
