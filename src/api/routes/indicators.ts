import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseIndicatorType, type IndicatorType } from '../../model/index.ts';
import { normalise } from '../../normalise/index.ts';
import { requireReader } from '../app.ts';
import { auditFilters, IndicatorFiltersSchema, indicatorQuery, searchCursor, SearchQuerySchema } from '../indicator-filters.ts';
import { feedbackOf, FeedbackWireSchema } from '../feedback.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { iso, IndicatorDetailWireSchema, IndicatorWireSchema, page, pageSchema, ProblemSchema, serialiseDetail, serialiseIndicator } from '../schemas.ts';

const READ_ACCESS = 'any member (reader, analyst, sync, admin); unauthenticated callers too where the server lets TLP:CLEAR out';

/**
 * A value as a request names it (`/indicators/url/https%3A%2F%2F…`), checked and brought to its canonical form with the
 * normalisers ingest uses; without a type, whatever type the value unambiguously is.
 */
export function valueOf(typeName: string | undefined, text: string, where: 'path' | 'body' | 'query' = 'path'): { type: IndicatorType; value: string } {
  const type = typeName === undefined ? undefined : parseIndicatorType(typeName);
  if (typeName !== undefined && !type) {
    throw new HttpProblem(400, 'Bad Request', `${where}.type: unknown indicator type "${typeName.slice(0, 40)}"`, 'TIX_QUERY_INVALID', {}, {
      errors: [{ in: where, path: 'type', message: 'unknown indicator type' }],
    });
  }
  const normalised = normalise(text, type);
  if (!normalised.ok) {
    throw new HttpProblem(400, 'Bad Request', `${where}.value: ${normalised.reason}`, 'TIX_INPUT_BAD_VALUE', {}, { errors: [{ in: where, path: 'value', message: normalised.reason }] });
  }
  return { type: normalised.type, value: normalised.value };
}

/** Whose sightings a caller may read: a member's organisation; an anonymous caller reads none. */
export function sightingReader(request: FastifyRequest): { org: number } | undefined {
  const principal = request.tix.principal;
  return principal.kind === 'member' ? { org: principal.org } : undefined;
}

/** Search, count and look up indicators: every read filtered by the caller's clearance inside the store query, and audited. */
export function indicatorRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/indicators',
      operationId: 'searchIndicators',
      tag: 'indicators',
      summary: 'Search indicators',
      description: 'The values matching the filters that the caller may read, a page at a time (`next` resumes). Revoked and expired values are left out unless `all=true`.',
      access: READ_ACCESS,
      query: SearchQuerySchema,
      responses: { 200: { description: 'a page of indicators', schema: pageSchema(IndicatorWireSchema) } },
    },
    async ({ query }, request) => {
      requireReader(request);
      const after = searchCursor(query.next);
      const result = await store.search({
        ...indicatorQuery(query, request.tix.now),
        limit: query.limit,
        ...(after ? { after } : {}),
        clearance: await request.tix.clearance(),
      });
      await request.tix.audit({ action: 'read:indicators', target: pathOf(request), detail: auditFilters(query), count: result.items.length });
      return page(result, serialiseIndicator);
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/indicators/count',
      operationId: 'countIndicators',
      tag: 'indicators',
      summary: 'Count indicators',
      description: 'How many values the search with the same filters finds in all, counting only what the caller may read.',
      access: READ_ACCESS,
      query: IndicatorFiltersSchema.strict(),
      responses: { 200: { description: 'the count', schema: z.object({ count: z.number().int() }) } },
    },
    async ({ query }, request) => {
      requireReader(request);
      const count = await store.count({ ...indicatorQuery(query, request.tix.now), clearance: await request.tix.clearance() });
      await request.tix.audit({ action: 'read:indicators-count', target: pathOf(request), detail: auditFilters(query), count });
      return { count };
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/indicators/{type}/{value}',
      operationId: 'getIndicator',
      tag: 'indicators',
      summary: 'One indicator, every source',
      description:
        'Every source\'s view of one value (percent-encode it: `/indicators/url/https%3A%2F%2Fexample.org%2Fx`), as far as the caller may read it, with how often it was sighted (sightings the caller may read). Defanged input is fine. 404 when no source the caller may read reports it.',
      access: READ_ACCESS,
      params: z.object({ type: z.string().min(1).max(40), value: z.string().min(1).max(8192) }),
      responses: {
        200: { description: 'the value and each visible source\'s view', schema: IndicatorDetailWireSchema.extend({ feedback: FeedbackWireSchema.optional() }) },
        404: { description: 'no source the caller may read reports this value', schema: ProblemSchema },
      },
    },
    async ({ params }, request) => {
      requireReader(request);
      const wanted = valueOf(params.type, params.value);
      const detail = await store.get(wanted.type, wanted.value, request.tix.now, await request.tix.clearance());
      await request.tix.audit({ action: 'read:indicator', target: pathOf(request), detail: wanted, count: detail ? 1 : 0 });
      if (!detail) throw new HttpProblem(404, 'Not Found', `no ${wanted.type} "${wanted.value.slice(0, 200)}" that you may read`, 'TIX_NOT_FOUND');
      const reader = sightingReader(request);
      const sightings = reader ? await store.sightingSummary(wanted, reader) : { count: 0, total: 0 };
      // what came of the value, for those who reported it and the owners of its sources: an annotation, never a change to an observation
      const outcomes = reader ? await store.listOutcomes({ indicator: wanted }, reader.org) : [];
      const [enrichment] = await store.enrichmentOf([wanted]);
      const located = enrichment && { enrichment, sources: await store.enrichmentSources() };
      return { ...serialiseDetail(detail, sightings, located), ...(outcomes.length ? { feedback: feedbackOf(detail, outcomes) } : {}) };
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/indicators/{type}/{value}/objects',
      operationId: 'getIndicatorObjects',
      tag: 'indicators',
      summary: 'The STIX objects behind one indicator',
      description: 'The latest version of each exchange object (a STIX indicator, an observable) that a source the caller may read reported this value in, as far as the caller may read the object.',
      access: READ_ACCESS,
      params: z.object({ type: z.string().min(1).max(40), value: z.string().min(1).max(8192) }),
      responses: {
        200: {
          description: 'the objects',
          schema: z.object({ items: z.array(z.object({ object: z.record(z.string(), z.unknown()), addedAt: z.string(), source: z.string(), tlp: z.string() })) }),
        },
      },
    },
    async ({ params }, request) => {
      requireReader(request);
      const wanted = valueOf(params.type, params.value);
      const clearance = await request.tix.clearance();
      const ids = await store.objectIdsOf(wanted.type, wanted.value, clearance);
      const page = ids.length ? await store.listObjects({ ids, clearance, limit: 100 }) : { items: [] };
      await request.tix.audit({ action: 'read:indicator-objects', target: pathOf(request), detail: wanted, count: page.items.length });
      return { items: page.items.map((record) => ({ object: record.object, addedAt: iso(record.addedAt), source: record.source, tlp: record.tlp })) };
    },
  );
}
