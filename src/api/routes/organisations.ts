import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { OrgKindSchema } from '../../policy/index.ts';
import type { Organisation } from '../../store/access.ts';
import { requireOperator } from '../admin.ts';
import { requireMember } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { iso, IsoDateSchema, ProblemSchema } from '../schemas.ts';

/** A name shown everywhere: printable, no control characters, no surrounding space. */
export const DisplayNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$/, 'printable text without leading or trailing space');

const NewOrganisationSchema = z
  .object({
    name: DisplayNameSchema,
    kind: OrgKindSchema,
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code').optional(),
  })
  .strict();

const OrganisationSchema = z.object({ id: z.number().int(), name: z.string(), kind: OrgKindSchema, country: z.string().optional(), createdAt: IsoDateSchema });

const serialise = (org: Organisation) => ({ id: org.id, name: org.name, kind: org.kind, ...(org.country ? { country: org.country } : {}), createdAt: iso(org.createdAt) });

/** The organisations of the instance: every member sees the list (to name partners); the operator's admins add to it. */
export function organisationRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/organisations',
      operationId: 'listOrganisations',
      tag: 'organisations',
      summary: 'List organisations',
      description: 'The organisations of the instance, so members can name partners and recipients.',
      access: 'any member',
      responses: { 200: { description: 'the organisations', schema: z.object({ items: z.array(OrganisationSchema) }) } },
    },
    async (_input, request) => {
      requireMember(request);
      const items = (await store.listOrganisations()).map(serialise);
      await request.tix.audit({ action: 'read:organisations', target: pathOf(request), detail: {}, count: items.length });
      return { items };
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/organisations',
      operationId: 'createOrganisation',
      tag: 'organisations',
      summary: 'Add an organisation',
      access: 'admins of the operator organisation',
      body: NewOrganisationSchema,
      responses: {
        201: { description: 'the organisation', schema: OrganisationSchema },
        403: { description: 'the caller is not an admin of the operator organisation', schema: ProblemSchema },
        409: { description: 'an organisation of that name exists', schema: ProblemSchema },
      },
    },
    async ({ body }, request, reply) => {
      requireOperator(request);
      const org = await store.createOrganisation({ name: body.name, kind: body.kind, ...(body.country ? { country: body.country } : {}), createdAt: request.tix.now });
      await request.tix.audit({ action: 'write:organisation', target: pathOf(request), detail: { id: org.id, name: org.name, kind: org.kind }, count: 1 });
      return reply.code(201).send(serialise(org));
    },
  );
}
