import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireOperator } from '../admin.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { iso, IsoDateSchema } from '../schemas.ts';

const FeedSchema = z.object({
  name: z.string().describe('the feed, and the source its values land in'),
  url: z.string(),
  format: z.string().optional(),
  every: z.number().int().describe('seconds between pulls'),
  mode: z.enum(['full', 'delta']),
  lastPullAt: IsoDateSchema.optional(),
  lastStatus: z.string().optional(),
  lastError: z.string().optional(),
  lastCounts: z.record(z.string(), z.number()).optional(),
});

/** The scheduled feeds (`tix feeds add`), with how their last pull went: for the operator's admins, who run them. */
export function feedRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/feeds',
      operationId: 'listFeeds',
      tag: 'sources',
      summary: 'List scheduled feeds',
      description: 'Each feed the server pulls (`tix feeds add`), its schedule, and its last pull: when, the outcome, the error if it failed, and the counts.',
      access: 'admins of the operator organisation',
      responses: { 200: { description: 'the feeds', schema: z.object({ items: z.array(FeedSchema) }) } },
    },
    async (_input, request) => {
      requireOperator(request);
      const feeds = await store.listFeeds();
      await request.tix.audit({ action: 'read:feeds', target: pathOf(request), detail: {}, count: feeds.length });
      return {
        items: feeds.map((feed) => ({
          name: feed.name,
          url: feed.url,
          ...(feed.format ? { format: feed.format } : {}),
          every: Math.round(feed.everyMs / 1000),
          mode: feed.mode,
          ...(feed.lastPullAt === undefined ? {} : { lastPullAt: iso(feed.lastPullAt) }),
          ...(feed.lastStatus ? { lastStatus: feed.lastStatus } : {}),
          ...(feed.lastError ? { lastError: feed.lastError } : {}),
          ...(feed.lastCounts ? { lastCounts: feed.lastCounts } : {}),
        })),
      };
    },
  );
}
