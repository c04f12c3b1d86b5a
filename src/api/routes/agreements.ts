import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TlpSchema } from '../../model/index.ts';
import { isActive, type Agreement } from '../../policy/index.ts';
import { findOrg, isOperator, OrgNameSchema, requireOperator } from '../admin.ts';
import { requireMember } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { iso, IsoDateSchema, OrgRefSchema, ProblemSchema } from '../schemas.ts';
import { DisplayNameSchema } from './organisations.ts';

const NewAgreementSchema = z
  .object({
    name: DisplayNameSchema,
    members: z.array(OrgNameSchema).min(1).max(200).describe('organisations, by name or id'),
    countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code')).max(250).default([]),
    purpose: z.string().max(2000).default(''),
    startsAt: IsoDateSchema.optional().describe('now when absent'),
    endsAt: IsoDateSchema.optional().describe('open-ended when absent'),
    maxTlp: TlpSchema.default('amber').describe('the most restrictive TLP the agreement carries'),
    mayShareOnward: z.boolean().default(false),
  })
  .strict();

const AgreementSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  members: z.array(OrgRefSchema),
  countries: z.array(z.string()),
  purpose: z.string(),
  startsAt: IsoDateSchema,
  endsAt: IsoDateSchema.optional(),
  maxTlp: TlpSchema,
  mayShareOnward: z.boolean(),
  active: z.boolean().describe('in force now: started and not ended'),
});

/** Sharing agreements: a member sees the agreements its organisation is party to; the operator's admins see and make all of them. */
export function agreementRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  const serialise = async (agreement: Agreement, now: number): Promise<z.infer<typeof AgreementSchema>> => {
    const names = new Map((await store.listOrganisations()).map((org) => [org.id, org.name]));
    return {
      id: agreement.id,
      name: agreement.name,
      members: agreement.members.map((id) => ({ id, name: names.get(id) ?? String(id) })),
      countries: [...agreement.countries],
      purpose: agreement.purpose,
      startsAt: iso(agreement.startsAt),
      ...(agreement.endsAt === undefined ? {} : { endsAt: iso(agreement.endsAt) }),
      maxTlp: agreement.maxTlp,
      mayShareOnward: agreement.mayShareOnward,
      active: isActive(agreement, now),
    };
  };

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/agreements',
      operationId: 'listAgreements',
      tag: 'agreements',
      summary: 'List agreements',
      description: 'The agreements the caller\'s organisation is a member of (an operation\'s name and members are told only to its members); admins of the operator organisation see all.',
      access: 'any member',
      responses: { 200: { description: 'the agreements', schema: z.object({ items: z.array(AgreementSchema) }) } },
    },
    async (_input, request) => {
      const caller = requireMember(request);
      const all = await store.listAgreements();
      const visible = isOperator(caller) ? all : all.filter((agreement) => agreement.members.includes(caller.org));
      const items = await Promise.all(visible.map((agreement) => serialise(agreement, request.tix.now)));
      await request.tix.audit({ action: 'read:agreements', target: pathOf(request), detail: {}, count: items.length });
      return { items };
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/agreements',
      operationId: 'createAgreement',
      tag: 'agreements',
      summary: 'Make an agreement',
      access: 'admins of the operator organisation',
      body: NewAgreementSchema,
      responses: {
        201: { description: 'the agreement', schema: AgreementSchema },
        403: { description: 'the caller is not an admin of the operator organisation', schema: ProblemSchema },
        409: { description: 'an agreement of that name exists', schema: ProblemSchema },
      },
    },
    async ({ body }, request, reply) => {
      requireOperator(request);
      const members = await Promise.all(body.members.map((name, i) => findOrg(store, name, `members.${i}`)));
      const startsAt = body.startsAt ? Date.parse(body.startsAt) : request.tix.now;
      const endsAt = body.endsAt ? Date.parse(body.endsAt) : undefined;
      if (endsAt !== undefined && endsAt <= startsAt) {
        throw new HttpProblem(400, 'Bad Request', 'body.endsAt: must be after startsAt', 'TIX_INPUT_BAD_FIELD', {}, { errors: [{ in: 'body', path: 'endsAt', message: 'must be after startsAt' }] });
      }
      const agreement = await store.createAgreement(
        {
          name: body.name,
          members: [...new Set(members.map((org) => org.id))],
          countries: body.countries,
          purpose: body.purpose,
          startsAt,
          ...(endsAt === undefined ? {} : { endsAt }),
          maxTlp: body.maxTlp,
          mayShareOnward: body.mayShareOnward,
        },
        request.tix.now,
      );
      await request.tix.audit({ action: 'write:agreement', target: pathOf(request), detail: { id: agreement.id, name: agreement.name, members: agreement.members }, count: 1 });
      return reply.code(201).send(await serialise(agreement, request.tix.now));
    },
  );
}
