import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TlpSchema } from '../../model/index.ts';
import type { ObjectRecord } from '../../store/store.ts';
import { requireReader } from '../app.ts';
import { auditFilters } from '../indicator-filters.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { iso, IsoDateSchema, page, pageSchema, ProblemSchema } from '../schemas.ts';

/** A STIX identifier: `<type>--<UUID>`. Nothing else reaches the store as an id. */
export const StixIdSchema = z
  .string()
  .max(300)
  .regex(/^[a-z][a-z0-9-]{0,249}--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'not a STIX identifier (type--UUID)');
const StixTypeSchema = z.string().regex(/^[a-z][a-z0-9-]{0,249}$/, 'not a STIX type');

/** Comma-separated values, each checked with `item`. */
const commaList = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .string()
    .max(max * 300)
    .transform((text, ctx) => {
      const values = text.split(',').map((value) => value.trim()).filter(Boolean);
      if (values.length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} values` });
      for (const value of values) {
        const parsed = item.safeParse(value);
        if (!parsed.success) ctx.addIssue({ code: 'custom', message: `"${value.slice(0, 60)}": ${parsed.error.issues[0]!.message}` });
      }
      return values;
    });

const ObjectsQuerySchema = z
  .object({
    type: commaList(StixTypeSchema, 50).optional().describe('STIX types, comma-separated'),
    id: commaList(StixIdSchema, 100).optional().describe('STIX ids, comma-separated'),
    added_after: IsoDateSchema.optional().describe('only versions added to tix after this time'),
    versions: z.enum(['last', 'first', 'all']).default('last').describe('which versions of each object (of those the caller may read)'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(1000).optional().describe('the cursor of the previous page'),
  })
  .strict();

const ObjectRecordSchema = z.object({
  object: z.record(z.string(), z.unknown()).describe('the STIX object as it came'),
  addedAt: IsoDateSchema,
  source: z.string(),
  tlp: TlpSchema,
});

const serialise = (record: ObjectRecord) => ({ object: record.object, addedAt: iso(record.addedAt), source: record.source, tlp: record.tlp });

/** The STIX object store, read under the caller's clearance (the same objects TAXII serves). */
export function objectRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/objects',
      operationId: 'listObjects',
      tag: 'objects',
      summary: 'List STIX objects',
      description: 'STIX objects the caller may read, in the order tix added them, a page at a time.',
      access: 'any member; unauthenticated callers too where the server lets TLP:CLEAR out',
      query: ObjectsQuerySchema,
      responses: { 200: { description: 'a page of objects', schema: pageSchema(ObjectRecordSchema) } },
    },
    async ({ query }, request) => {
      requireReader(request);
      const result = await store.listObjects({
        ...(query.type?.length ? { types: query.type } : {}),
        ...(query.id?.length ? { ids: query.id } : {}),
        ...(query.added_after ? { addedAfter: Date.parse(query.added_after) } : {}),
        versions: query.versions,
        limit: query.limit,
        ...(query.next ? { after: query.next } : {}),
        clearance: await request.tix.clearance(),
      });
      await request.tix.audit({ action: 'read:objects', target: pathOf(request), detail: auditFilters(query), count: result.items.length });
      return page(result, serialise);
    },
  );

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/objects/{id}',
      operationId: 'getObject',
      tag: 'objects',
      summary: 'One STIX object',
      description: 'The latest version of one object the caller may read, and the versions of it the caller may read. 404 when it may read none.',
      access: 'any member; unauthenticated callers too where the server lets TLP:CLEAR out',
      params: z.object({ id: StixIdSchema.describe('a STIX identifier') }),
      responses: {
        200: {
          description: 'the object',
          schema: ObjectRecordSchema.extend({ versions: z.array(z.object({ modified: z.string(), addedAt: IsoDateSchema })) }),
        },
        404: { description: 'no version of the object the caller may read', schema: ProblemSchema },
      },
    },
    async ({ params }, request) => {
      requireReader(request);
      const clearance = await request.tix.clearance();
      // the versions the caller may read, then the latest of those (not the latest of all, which it may not read)
      const versions = await store.objectVersions(params.id, clearance);
      const newest = versions?.versions.at(-1)?.modified;
      const latest = versions && (await store.listObjects({ ids: [params.id], versions: newest ? [newest] : 'all', limit: 1, clearance }));
      const record = latest?.items[0];
      await request.tix.audit({ action: 'read:object', target: pathOf(request), detail: { id: params.id }, count: record ? 1 : 0 });
      if (!record || !versions) throw new HttpProblem(404, 'Not Found', `no object ${params.id} that you may read`, 'TIX_NOT_FOUND');
      return { ...serialise(record), versions: versions.versions.map((version) => ({ modified: version.modified, addedAt: iso(version.addedAt) })) };
    },
  );
}
