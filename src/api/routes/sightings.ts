import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IndicatorTypeSchema } from '../../model/index.ts';
import type { Sighting } from '../../store/sightings.ts';
import { requireMember } from '../app.ts';
import { auditFilters } from '../indicator-filters.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { iso, IsoDateSchema, OrgRefSchema, page, pageSchema, ProblemSchema } from '../schemas.ts';
import { WRITERS } from './indicator-writes.ts';
import { valueOf } from './indicators.ts';
import { StixIdSchema } from './objects.ts';

const NewSightingSchema = z
  .object({
    type: IndicatorTypeSchema.optional().describe('with `value`: the value\'s type, detected when absent'),
    value: z.string().min(1).max(8192).optional().describe('the value seen; or give `objectId`'),
    objectId: StixIdSchema.optional().describe('the STIX object seen; or give `value`'),
    origin: z.enum(['analyst', 'scanner', 'sensor']).default('analyst').describe('who saw it'),
    firstSeen: IsoDateSchema.optional(),
    lastSeen: IsoDateSchema.optional(),
    count: z.number().int().min(1).max(1_000_000_000).default(1),
    location: z.string().max(500).optional().describe('where: a host, a log file and line, a country'),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .refine((body) => (body.value === undefined) !== (body.objectId === undefined), { message: 'give either value or objectId', path: ['value'] })
  .refine((body) => !(body.type && body.objectId), { message: 'type goes with value, not objectId', path: ['type'] });

const SightingsQuerySchema = z
  .object({
    type: z.string().max(40).optional().describe('with `value`'),
    value: z.string().max(8192).optional().describe('only sightings of this value'),
    object_id: StixIdSchema.optional().describe('only sightings of this STIX object'),
    mine: z.enum(['true', 'false']).optional().describe('only the caller\'s organisation\'s sightings'),
    since: IsoDateSchema.optional().describe('last seen at or after'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(20).optional(),
  })
  .strict();

const SightingWireSchema = z.object({
  id: z.number().int(),
  indicator: z.object({ type: IndicatorTypeSchema, value: z.string() }).optional(),
  objectId: z.string().optional(),
  organisation: OrgRefSchema.describe('who saw it'),
  origin: z.string(),
  firstSeen: IsoDateSchema,
  lastSeen: IsoDateSchema,
  count: z.number().int(),
  location: z.string().optional(),
  note: z.string().optional(),
  createdAt: IsoDateSchema,
});

function serialise(sighting: Sighting): z.infer<typeof SightingWireSchema> {
  return {
    id: sighting.id,
    ...(sighting.indicator ? { indicator: sighting.indicator } : {}),
    ...(sighting.objectId ? { objectId: sighting.objectId } : {}),
    organisation: { id: sighting.org, name: sighting.orgName },
    origin: sighting.origin,
    firstSeen: iso(sighting.firstSeen),
    lastSeen: iso(sighting.lastSeen),
    count: sighting.count,
    ...(sighting.location === undefined ? {} : { location: sighting.location }),
    ...(sighting.note === undefined ? {} : { note: sighting.note }),
    createdAt: iso(sighting.createdAt),
  };
}

const notFound = (what: string): HttpProblem => new HttpProblem(404, 'Not Found', `no ${what} that you may read`, 'TIX_NOT_FOUND');

/**
 * Sightings: someone saw an indicator. A sighting is read by the
 * organisation that made it and by the owners of what was sighted, never by
 * everyone; one can only be made of what the caller may read.
 */
export function sightingRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  operation(
    app,
    book,
    {
      method: 'POST',
      path: '/sightings',
      operationId: 'createSighting',
      tag: 'sightings',
      summary: 'Record a sighting',
      description:
        'The caller\'s organisation saw a value (`{type?, value}`, normalised as ingest does) or a STIX object (`{objectId}`) that it may read. The sighting is readable by the caller\'s organisation and by the organisations owning what was sighted.',
      access: WRITERS.join(', '),
      body: NewSightingSchema,
      responses: {
        201: { description: 'the sighting', schema: SightingWireSchema },
        403: { description: 'the caller may not write', schema: ProblemSchema },
        404: { description: 'no such value or object that the caller may read', schema: ProblemSchema },
      },
    },
    async ({ body }, request, reply) => {
      const caller = requireMember(request, WRITERS);
      const clearance = await request.tix.clearance();
      const now = request.tix.now;
      let target: { indicator: { type: z.infer<typeof IndicatorTypeSchema>; value: string } } | { objectId: string };
      if (body.value !== undefined) {
        const wanted = valueOf(body.type, body.value, 'body');
        if (!(await store.get(wanted.type, wanted.value, now, clearance))) throw notFound(`${wanted.type} "${wanted.value.slice(0, 200)}"`);
        target = { indicator: wanted };
      } else {
        const id = body.objectId!;
        if (!(await store.listObjects({ ids: [id], versions: 'all', limit: 1, clearance })).items.length) throw notFound(`object ${id}`);
        target = { objectId: id };
      }
      const lastSeen = body.lastSeen ? Date.parse(body.lastSeen) : now;
      const firstSeen = Math.min(body.firstSeen ? Date.parse(body.firstSeen) : lastSeen, lastSeen);
      const sighting = await store.addSighting({
        target,
        org: caller.org,
        ...(caller.user === undefined ? {} : { user: caller.user }),
        ...(caller.key === undefined ? {} : { key: caller.key }),
        origin: body.origin,
        firstSeen,
        lastSeen,
        count: body.count,
        ...(body.location === undefined ? {} : { location: body.location }),
        ...(body.note === undefined ? {} : { note: body.note }),
        createdAt: now,
      });
      if (!sighting) throw notFound('such value or object');
      await request.tix.audit({ action: 'write:sighting', target: pathOf(request), detail: { id: sighting.id, ...target, origin: body.origin }, count: 1 });
      return reply.code(201).send(serialise(sighting));
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/sightings',
      operationId: 'listSightings',
      tag: 'sightings',
      summary: 'List sightings',
      description: 'Sightings the caller may read (its organisation\'s, and those of what its organisation owns), newest first.',
      access: 'any member',
      query: SightingsQuerySchema,
      responses: { 200: { description: 'a page of sightings', schema: pageSchema(SightingWireSchema) } },
    },
    async ({ query }, request) => {
      const caller = requireMember(request);
      if (query.type !== undefined && query.value === undefined) throw new HttpProblem(400, 'Bad Request', 'query.type: goes with value', 'TIX_QUERY_INVALID');
      const indicator = query.value === undefined ? undefined : valueOf(query.type, query.value, 'query');
      const result = await store.listSightings({
        reader: { org: caller.org },
        ...(indicator ? { indicator } : {}),
        ...(query.object_id ? { objectId: query.object_id } : {}),
        ...(query.mine === 'true' ? { by: caller.org } : {}),
        ...(query.since ? { seenSince: Date.parse(query.since) } : {}),
        limit: query.limit,
        ...(query.next ? { after: query.next } : {}),
      });
      await request.tix.audit({ action: 'read:sightings', target: pathOf(request), detail: auditFilters(query), count: result.items.length });
      return page(result, serialise);
    },
  );
}
