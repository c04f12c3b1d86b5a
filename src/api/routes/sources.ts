import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EvaluationSchema } from '../../model/index.ts';
import { requireReader } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { IsoDateSchema, iso, OrgRefSchema } from '../schemas.ts';

const SourceSchema = z.object({
  name: z.string(),
  owner: OrgRefSchema.describe('the organisation whose data it is'),
  mine: z.boolean().describe('the caller\'s organisation owns it'),
  indicators: z.number().int().describe('observations of the source the caller may read'),
  objects: z.number().int().describe('STIX object versions of the source the caller may read'),
  lastImport: IsoDateSchema.optional().describe('the source\'s last import; shown to its owner only'),
  evaluation: EvaluationSchema.optional(),
});

/** Sources: only those the caller may read something of, counting only what it may read. */
export function sourceRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/sources',
      operationId: 'listSources',
      tag: 'sources',
      summary: 'List sources',
      description: 'The sources the caller may read something of, each with how much of it the caller may read. Sources it may read nothing of are not listed.',
      access: 'any member; unauthenticated callers too where the server lets TLP:CLEAR out',
      responses: { 200: { description: 'the sources', schema: z.object({ items: z.array(SourceSchema) }) } },
    },
    async (_input, request) => {
      requireReader(request);
      const principal = request.tix.principal;
      const [sources, organisations] = await Promise.all([store.listSources(await request.tix.clearance()), store.listOrganisations()]);
      const names = new Map(organisations.map((org) => [org.id, org.name]));
      const items = sources.map((source) => {
        const mine = principal.kind === 'member' && source.owner === principal.org;
        return {
          name: source.name,
          owner: { id: source.owner, name: names.get(source.owner) ?? String(source.owner) },
          mine,
          indicators: source.indicators,
          objects: source.objects,
          // when a source last imported tells about data beyond what the caller reads: its owner's to know
          ...(mine && source.lastImport !== undefined ? { lastImport: iso(source.lastImport) } : {}),
          ...(source.evaluation ? { evaluation: source.evaluation } : {}),
        };
      });
      await request.tix.audit({ action: 'read:sources', target: pathOf(request), detail: {}, count: items.length });
      return { items };
    },
  );
}
