import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TlpSchema } from '../../model/index.ts';
import { pullFeed } from '../../ops/feeds.ts';
import { requireOperator } from '../admin.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { iso, IsoDateSchema, ProblemSchema } from '../schemas.ts';

const NewFeedSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lowercase letters, digits, dots, dashes and underscores').describe('the feed, and the source its values land in'),
    url: z.url({ protocol: /^https?$/ }).max(2048),
    format: z.string().regex(/^[a-z0-9-]{1,40}$/).optional().describe('a format id (`tix formats`); detected when absent'),
    every: z.number().int().min(60).max(365 * 86_400).default(3600).describe('seconds between pulls'),
    mode: z.enum(['full', 'delta']).default('full').describe('full: the feed is the complete list, what it stops listing is delisted'),
    expireAfter: z.number().int().min(60).optional().describe('seconds after their last sighting that delisted values expire'),
    tlp: TlpSchema.optional(),
  })
  .strict();

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

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/feeds',
      operationId: 'addFeed',
      tag: 'sources',
      summary: 'Add or change a scheduled feed',
      description: 'As `tix feeds add`: the feed is pulled when due by `tix feeds pull`, or now with `POST /feeds/{name}/pull`.',
      access: 'admins of the operator organisation',
      body: NewFeedSchema,
      responses: { 201: { description: 'the feed is saved', schema: z.object({ name: z.string() }) } },
    },
    async ({ body }, request, reply) => {
      requireOperator(request);
      await store.addFeed(
        {
          name: body.name,
          url: body.url,
          ...(body.format ? { format: body.format } : {}),
          everyMs: body.every * 1000,
          mode: body.mode,
          ...(body.expireAfter === undefined ? {} : { expireAfterMs: body.expireAfter * 1000 }),
          ...(body.tlp ? { tlp: body.tlp } : {}),
        },
        request.tix.now,
      );
      await request.tix.audit({ action: 'write:feed', target: pathOf(request), detail: { name: body.name, url: body.url }, count: 1 });
      return reply.code(201).send({ name: body.name });
    },
  );

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/feeds/{name}/pull',
      operationId: 'pullFeed',
      tag: 'sources',
      summary: 'Pull a feed now',
      description: 'Fetches the feed (conditionally: an unchanged feed costs one request) and imports it atomically, after any import already running; answers with the outcome, which the feed list also shows. `busy`: another server or `tix feeds pull` of the same store is pulling it now.',
      access: 'admins of the operator organisation',
      params: z.object({ name: z.string().min(1).max(100) }),
      responses: {
        200: { description: 'the pull\'s outcome', schema: z.object({ feed: z.string(), status: z.string(), error: z.string().optional(), counts: z.record(z.string(), z.number()).optional() }) },
        404: { description: 'no such feed', schema: ProblemSchema },
      },
    },
    async ({ params }, request) => {
      requireOperator(request);
      const feed = await store.getFeed(params.name);
      if (!feed) throw new HttpProblem(404, 'Not Found', `no feed "${params.name.slice(0, 100)}"`, 'TIX_NOT_FOUND');
      const result = await app.queueImport(() => pullFeed(store, feed, request.tix.now));
      await request.tix.audit({ action: 'write:feed-pull', target: pathOf(request), detail: { name: feed.name, status: result.status }, count: result.status === 'ok' ? result.result.accepted : 0 });
      if (result.status === 'error') return { feed: result.feed, status: 'error', error: result.error };
      if (result.status === 'not-modified' || result.status === 'busy') return { feed: result.feed, status: result.status };
      const r = result.result;
      return { feed: result.feed, status: 'ok', counts: { read: r.read, accepted: r.accepted, rejected: r.rejected, new: r.new, updated: r.updated, delisted: r.delisted } };
    },
  );
}
