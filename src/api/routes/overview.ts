import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireReader } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { iso, IsoDateSchema } from '../schemas.ts';

const counts = z.record(z.string(), z.number().int());

const OverviewSchema = z.object({
  indicators: z.number().int().describe('values the caller may read (at least one visible source reports them), revoked and expired ones included'),
  byType: counts,
  byThreatType: counts.describe('values by the threat types their visible sources give (a value with two counts under both)'),
  byTlp: counts.describe('values by the TLP of their visible observations'),
  bySource: z.array(z.object({ source: z.string(), observations: z.number().int() })),
  firstSeenPerDay: z.array(z.object({ day: IsoDateSchema, indicators: z.number().int() })).describe('values the caller may read by the day they were first seen'),
});

/** The overview's counts: what the caller may read, counted once per value, from aggregates the store keeps, so it costs the same at a million values as at ten. */
export function overviewRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/overview',
      operationId: 'overview',
      tag: 'indicators',
      summary: 'Counts for an overview',
      description: 'How many values the caller may read, by type, threat type and TLP, and by the day they were first seen; observations per source. Only what the caller may read is counted.',
      access: 'any member; unauthenticated callers too where the server lets TLP:CLEAR out',
      responses: { 200: { description: 'the counts', schema: OverviewSchema } },
    },
    async (_input, request) => {
      requireReader(request);
      const stats = await store.overview(await request.tix.clearance());
      await request.tix.audit({ action: 'read:overview', target: pathOf(request), detail: {}, count: stats.indicators });
      return { ...stats, firstSeenPerDay: stats.firstSeenPerDay.map((entry) => ({ day: iso(entry.day), indicators: entry.indicators })) };
    },
  );
}
