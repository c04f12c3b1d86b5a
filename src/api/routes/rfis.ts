import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError, TixError } from '../../errors.ts';
import { checkDueDate, isOverdue, RFI_PRIORITIES, RFI_STATUSES, type RfiAction } from '../../investigations/rules.ts';
import { IndicatorTypeSchema } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';
import { clearanceOf } from '../../policy/index.ts';
import type { Rfi } from '../../store/investigations.ts';
import type { ReportReader } from '../../store/reports.ts';
import { requireMember } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { reportReader } from '../report-wire.ts';
import { iso, IsoDateSchema, OrgRefSchema, ProblemSchema } from '../schemas.ts';
import { WRITERS } from './indicator-writes.ts';
import { valueOf } from './indicators.ts';
import { CaseRefParams, caseOf, OrgRefInputSchema, orgIdOf } from './investigations.ts';

const ValueSchema = z.object({ type: IndicatorTypeSchema.optional(), value: z.string().min(1).max(8192) }).strict();
const IndicatorWire = z.object({ type: IndicatorTypeSchema, value: z.string() });

const RfiWireSchema = z.object({
  id: z.number().int(),
  investigation: z.object({ id: z.number().int(), caseNumber: z.string() }),
  from: OrgRefSchema,
  to: OrgRefSchema,
  subject: z.string(),
  values: z.array(z.object({ type: IndicatorTypeSchema.optional(), value: z.string() })).describe('indicators typed and normalised; other values (a wallet address) as given, without a type'),
  priority: z.enum(RFI_PRIORITIES),
  dueAt: IsoDateSchema.optional(),
  status: z.enum(RFI_STATUSES),
  overdue: z.boolean().describe('open past its due date'),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
  thread: z.array(
    z.object({
      id: z.number().int(),
      organisation: OrgRefSchema,
      action: z.enum(['ask', 'answer', 'decline', 'comment', 'close', 'reopen']),
      text: z.string(),
      indicators: z.array(IndicatorWire),
      reports: z.array(z.number().int()),
      createdAt: IsoDateSchema,
    }),
  ),
});

function serialiseRfi(rfi: Rfi, now: number): z.infer<typeof RfiWireSchema> {
  return {
    id: rfi.id,
    investigation: { id: rfi.investigation, caseNumber: rfi.caseNumber },
    from: { id: rfi.from, name: rfi.fromName },
    to: { id: rfi.to, name: rfi.toName },
    subject: rfi.subject,
    values: rfi.values,
    priority: rfi.priority,
    ...(rfi.dueAt === undefined ? {} : { dueAt: iso(rfi.dueAt) }),
    status: rfi.status,
    overdue: isOverdue(rfi, now),
    createdAt: iso(rfi.createdAt),
    updatedAt: iso(rfi.updatedAt),
    thread: rfi.thread.map((message) => ({
      id: message.id,
      organisation: { id: message.org, name: message.orgName },
      action: message.action,
      text: message.text,
      indicators: message.indicators,
      reports: message.reports,
      createdAt: iso(message.createdAt),
    })),
  };
}

/** A value asked about: an indicator when it is one (or its type is named), else kept as given, trimmed. */
function askedValue(type: z.infer<typeof IndicatorTypeSchema> | undefined, value: string): { type?: z.infer<typeof IndicatorTypeSchema>; value: string } {
  if (type !== undefined) return valueOf(type, value, 'body');
  const found = normalise(value);
  return found.ok ? { type: found.type, value: found.value } : { value: value.trim() };
}

const IdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();

/**
 * Requests for information: from an investigation, a member asks another
 * member about values; the one asked answers (text, values, reports) or
 * declines; the asker closes. Read by the investigation's members alone.
 */
export function rfiRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  /** Another organisation as a report reader, under the rules in force now. */
  const readerOfOrg = async (org: number, now: number): Promise<ReportReader> => {
    const [distributions, agreements] = await Promise.all([store.listDistributions(), store.listAgreements()]);
    return { org, clearance: clearanceOf({ kind: 'member', org }, distributions, new Map(agreements.map((agreement) => [agreement.id, agreement])), { now, anonymousClear: false }) };
  };

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/investigations/{ref}/rfis',
      operationId: 'createRfi',
      tag: 'requests',
      summary: 'Ask a member organisation about values',
      description: 'The organisation asked must be a member of the investigation (invite it first). It finds the request in its queue (`GET /rfis?role=to&status=open`).',
      access: `${WRITERS.join(', ')} of a member organisation`,
      params: CaseRefParams,
      body: z
        .object({
          to: OrgRefInputSchema,
          subject: z.string().min(1).max(500),
          question: z.string().min(1).max(20_000),
          values: z.array(ValueSchema).max(1000).default([]),
          priority: z.enum(RFI_PRIORITIES).default('normal'),
          dueAt: IsoDateSchema.optional(),
        })
        .strict(),
      responses: { 201: { description: 'the request', schema: RfiWireSchema }, 403: { description: 'the organisation asked is not a member (TIX_CASE_DENIED)', schema: ProblemSchema }, 404: { description: 'TIX_CASE_UNKNOWN', schema: ProblemSchema } },
    },
    async ({ params, body }, request, reply) => {
      const caller = requireMember(request, WRITERS);
      const investigation = await caseOf(store, request, params.ref);
      const dueAt = body.dueAt ? Date.parse(body.dueAt) : undefined;
      checkDueDate(dueAt, request.tix.now);
      const rfi = await store.createRfi({
        investigation: investigation.id,
        from: caller.org,
        to: await orgIdOf(store, body.to),
        ...(caller.user === undefined ? {} : { user: caller.user }),
        subject: body.subject,
        question: body.question,
        values: body.values.map((item) => askedValue(item.type, item.value)),
        priority: body.priority,
        ...(dueAt === undefined ? {} : { dueAt }),
        createdAt: request.tix.now,
      });
      await request.tix.audit({ action: 'write:rfi', target: pathOf(request), detail: { id: rfi.id, investigation: investigation.id, to: rfi.to }, count: 1 });
      app.tixOptions.mailQueued();
      return reply.code(201).send(serialiseRfi(rfi, request.tix.now));
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/rfis',
      operationId: 'listRfis',
      tag: 'requests',
      summary: 'Requests: the queue and the sent',
      description: '`role=to&status=open` is the caller\'s queue of requests waiting for its answer (most urgent, then soonest due, first); `role=from` what it asked. Only requests of investigations the caller is a member of.',
      access: 'any member',
      query: z
        .object({
          role: z.enum(['to', 'from']).optional(),
          status: z.enum(RFI_STATUSES).optional(),
          investigation: z.coerce.number().int().optional(),
          overdue: z.enum(['true', 'false']).optional().describe('only overdue requests'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        })
        .strict(),
      responses: { 200: { description: 'the requests', schema: z.object({ items: z.array(RfiWireSchema) }) } },
    },
    async ({ query }, request) => {
      const caller = requireMember(request);
      const now = request.tix.now;
      const items = await store.listRfis({
        org: caller.org,
        ...(query.role ? { role: query.role } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.investigation === undefined ? {} : { investigation: query.investigation }),
        ...(query.overdue === 'true' ? { overdueAt: now } : {}),
        limit: query.limit,
      });
      await request.tix.audit({ action: 'read:rfis', target: pathOf(request), detail: { ...query }, count: items.length });
      return { items: items.map((rfi) => serialiseRfi(rfi, now)) };
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/rfis/{id}',
      operationId: 'getRfi',
      tag: 'requests',
      summary: 'One request with its thread',
      access: 'members of its investigation',
      params: IdParams,
      responses: { 200: { description: 'the request', schema: RfiWireSchema }, 404: { description: 'no such request the caller may read', schema: ProblemSchema } },
    },
    async ({ params }, request) => {
      const caller = requireMember(request);
      const rfi = await store.getRfi(params.id, caller.org);
      await request.tix.audit({ action: 'read:rfi', target: pathOf(request), detail: { id: params.id }, count: rfi ? 1 : 0 });
      if (!rfi) throw new NotFoundError(`no request ${params.id} that you may read`);
      return serialiseRfi(rfi, request.tix.now);
    },
  );

  const ACTIONS: Array<{ action: RfiAction; summary: string; who: string }> = [
    { action: 'answer', summary: 'Answer a request (text, values, reports)', who: 'the organisation asked' },
    { action: 'decline', summary: 'Decline a request, with a reason', who: 'the organisation asked' },
    { action: 'comment', summary: 'Add to a request\'s thread', who: 'either party' },
    { action: 'close', summary: 'Close a request', who: 'the asking organisation' },
    { action: 'reopen', summary: 'Reopen a closed request', who: 'the asking organisation' },
  ];
  for (const { action, summary, who } of ACTIONS) {
    operation(
      app,
      book,
      {
        method: 'POST',
        path: `/rfis/{id}/${action}`,
        operationId: `${action}Rfi`,
        tag: 'requests',
        summary,
        description: 'As the request\'s state machine allows: open → answered or declined; any → closed by the asker; a closed or declined request is not answered (409, TIX_RFI_NOT_OPEN). Reports given must be ones the caller may read. All or nothing.',
        access: `${WRITERS.join(', ')} of ${who}`,
        params: IdParams,
        body: z
          .object({
            text: action === 'decline' ? z.string().min(1).max(20_000).describe('the reason') : z.string().max(20_000).default(''),
            indicators: z.array(ValueSchema).max(10_000).default([]),
            reports: z.array(z.number().int()).max(100).default([]),
          })
          .strict(),
        responses: {
          200: { description: 'the request', schema: RfiWireSchema },
          403: { description: 'not the party that may do this (TIX_RFI_NOT_PARTY)', schema: ProblemSchema },
          409: { description: 'closed or declined (TIX_RFI_NOT_OPEN)', schema: ProblemSchema },
        },
      },
      async ({ params, body }, request) => {
        const caller = requireMember(request, WRITERS);
        const reader = await reportReader(request);
        if (body.reports.length) {
          // a report given in the thread must be one every party can open: the caller, and the other organisation of the request
          const rfi = await store.getRfi(params.id, caller.org);
          const other = rfi && (rfi.from === caller.org ? rfi.to : rfi.from);
          const otherReader = other === undefined ? undefined : await readerOfOrg(other, request.tix.now);
          for (const id of body.reports) {
            if (!(await store.getReport(id, reader))) throw new TixError('TIX_REPORT_BAD_REF', `no report ${id} that you may read`);
            if (otherReader && !(await store.getReport(id, otherReader))) {
              throw new TixError('TIX_REPORT_BAD_REF', `report ${id} is not readable by the other organisation of the request; share it with them, or write it in the investigation`);
            }
          }
        }
        const rfi = await store.replyRfi(params.id, {
          org: caller.org,
          ...(caller.user === undefined ? {} : { user: caller.user }),
          action,
          text: body.text,
          indicators: body.indicators.map((item) => valueOf(item.type, item.value, 'body')),
          reports: body.reports,
          at: request.tix.now,
        });
        await request.tix.audit({ action: `write:rfi-${action}`, target: pathOf(request), detail: { id: rfi.id, status: rfi.status, reports: body.reports }, count: 1 });
        app.tixOptions.mailQueued();
        return serialiseRfi(rfi, request.tix.now);
      },
    );
  }
}
