import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError, TixError } from '../../errors.ts';
import { OUTCOME_KINDS } from '../../investigations/rules.ts';
import { IndicatorTypeSchema } from '../../model/index.ts';
import { requireMember } from '../app.ts';
import { feedbackOf, FeedbackWireSchema, OutcomeWireSchema, serialiseOutcome } from '../feedback.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { reportReader } from '../report-wire.ts';
import { IsoDateSchema, ProblemSchema } from '../schemas.ts';
import { WRITERS } from './indicator-writes.ts';
import { valueOf } from './indicators.ts';

/**
 * Outcomes: what came of shared data (a takedown, an arrest, a site removed,
 * a false positive), told back to its owners. Recorded on a value or a
 * report the caller may read; read by the organisation that recorded it and
 * by the owners of what it concerns.
 */
export function outcomeRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/outcomes',
      operationId: 'recordOutcome',
      tag: 'outcomes',
      summary: 'Record what came of a value or a report',
      description: 'A false positive lowers the value\'s confidence as its owners see it in `feedback` (the source\'s own figure is kept).',
      access: WRITERS.join(', '),
      body: z
        .object({
          kind: z.enum(OUTCOME_KINDS),
          type: IndicatorTypeSchema.optional(),
          value: z.string().min(1).max(8192).optional().describe('the value; or give `report`'),
          report: z.number().int().optional(),
          note: z.string().max(5000).optional(),
          occurredAt: IsoDateSchema.optional(),
        })
        .strict()
        .refine((body) => (body.value === undefined) !== (body.report === undefined), { message: 'give either value or report', path: ['value'] }),
      responses: { 201: { description: 'the outcome', schema: OutcomeWireSchema }, 404: { description: 'no such value or report that the caller may read', schema: ProblemSchema } },
    },
    async ({ body }, request, reply) => {
      const caller = requireMember(request, WRITERS);
      const now = request.tix.now;
      let target;
      if (body.value !== undefined) {
        const wanted = valueOf(body.type, body.value, 'body');
        if (!(await store.get(wanted.type, wanted.value, now, await request.tix.clearance()))) throw new NotFoundError(`no ${wanted.type} "${wanted.value.slice(0, 200)}" that you may read`);
        target = { indicator: wanted };
      } else {
        if (!(await store.getReport(body.report!, await reportReader(request)))) throw new TixError('TIX_REPORT_BAD_REF', `no report ${body.report} that you may read`);
        target = { report: body.report! };
      }
      const outcome = await store.addOutcome({
        org: caller.org,
        ...(caller.user === undefined ? {} : { user: caller.user }),
        kind: body.kind,
        target,
        ...(body.note ? { note: body.note } : {}),
        occurredAt: body.occurredAt ? Date.parse(body.occurredAt) : now,
        createdAt: now,
      });
      if (!outcome) throw new NotFoundError('no such value or report');
      await request.tix.audit({ action: 'write:outcome', target: pathOf(request), detail: { id: outcome.id, kind: outcome.kind, ...target }, count: 1 });
      return reply.code(201).send(serialiseOutcome(outcome));
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/outcomes',
      operationId: 'listOutcomes',
      tag: 'outcomes',
      summary: 'Outcomes of a value or a report',
      description: 'Those the caller recorded and those on what its organisation owns; for a value, with each visible source\'s confidence beside what the feedback makes of it.',
      access: 'any member',
      query: z.object({ type: z.string().max(40).optional(), value: z.string().max(8192).optional(), report: z.coerce.number().int().optional() }).strict(),
      responses: { 200: { description: 'the outcomes', schema: z.object({ items: z.array(OutcomeWireSchema), feedback: FeedbackWireSchema.optional() }) } },
    },
    async ({ query }, request) => {
      const caller = requireMember(request);
      if ((query.value === undefined) === (query.report === undefined)) throw new TixError('TIX_QUERY_INVALID', 'give either value or report');
      if (query.report !== undefined) {
        const items = await store.listOutcomes({ report: query.report }, caller.org);
        await request.tix.audit({ action: 'read:outcomes', target: pathOf(request), detail: { ...query }, count: items.length });
        return { items: items.map(serialiseOutcome) };
      }
      const wanted = valueOf(query.type, query.value!, 'query');
      const items = await store.listOutcomes({ indicator: wanted }, caller.org);
      const detail = await store.get(wanted.type, wanted.value, request.tix.now, await request.tix.clearance());
      await request.tix.audit({ action: 'read:outcomes', target: pathOf(request), detail: { ...query }, count: items.length });
      return { items: items.map(serialiseOutcome), ...(detail ? { feedback: feedbackOf(detail, items) } : {}) };
    },
  );
}
