import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import type { ExportModule } from '../../export/exporter.ts';
import { createExporter, getExporter, listExporters } from '../../export/registry.ts';
import { streamExport, type ExportCounts } from '../../ops/export.ts';
import { OPERATOR_ORG, requireReader } from '../app.ts';
import { auditFilters, IndicatorFiltersSchema, indicatorQuery, type IndicatorFilters } from '../indicator-filters.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { HttpProblem } from '../problem.ts';
import { ProblemSchema } from '../schemas.ts';

const OPTION = /^option\.([a-z0-9][a-z0-9-]{0,40})$/;
const MAX_OPTIONS = 20;

const known = new Set([...Object.keys(IndicatorFiltersSchema.shape), 'producer']);

const ExportQuerySchema = IndicatorFiltersSchema.extend({
  producer: z.string().min(1).max(200).optional().describe('who publishes the export, where the format names a producer (default: the operator organisation)'),
})
  .catchall(z.string().max(1000))
  .superRefine((query, ctx) => {
    const options = Object.keys(query).filter((key) => !known.has(key));
    for (const key of options) {
      if (!OPTION.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'unknown parameter; a format option is option.<name>' });
    }
    if (options.length > MAX_OPTIONS) ctx.addIssue({ code: 'custom', path: [], message: `at most ${MAX_OPTIONS} format options` });
  });

/** Exports: the search's filters under the caller's clearance, streamed page by page through the format's exporter, never held whole. */
export function exportRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  const formats = listExporters()
    .map((module) => `\`${module.id}\` (${module.mediaType}${module.options ? `; options ${Object.keys(module.options).join(', ')}` : ''})`)
    .join(', ');

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/exports/{format}',
      operationId: 'exportIndicators',
      tag: 'exports',
      summary: 'Export indicators',
      description: `Every value the search with the same filters finds, that the caller may read, in one of the export formats, streamed as it is written: ${formats}. Format options are query parameters \`option.<name>\` (\`option.sid-base=9100000\`).`,
      access: 'any member; unauthenticated callers too where the server lets TLP:CLEAR out',
      params: z.object({ format: z.string().min(1).max(40).describe('an export format id') }),
      query: ExportQuerySchema,
      responses: {
        200: { description: 'the export, in the format\'s media type', mediaType: 'text/plain' },
        404: { description: 'no such export format', schema: ProblemSchema },
      },
    },
    async ({ params, query }, request, reply) => {
      requireReader(request);
      let module: ExportModule;
      try {
        module = getExporter(params.format);
      } catch (error) {
        if (error instanceof InputError) throw new HttpProblem(404, 'Not Found', error.message, error.code);
        throw error;
      }
      const options: Record<string, string> = {};
      for (const [key, value] of Object.entries(query)) {
        const option = OPTION.exec(key);
        if (option) options[option[1]!] = String(value);
      }
      const filters = Object.fromEntries(Object.entries(query).filter(([key]) => known.has(key) && key !== 'producer')) as IndicatorFilters;
      const producer = query.producer ?? (await store.findOrganisation(OPERATOR_ORG))?.name ?? 'tix';
      const ctx = { now: request.tix.now, producer: { name: producer }, options };
      // a misspelt option is a 400 before anything is sent, not a broken stream
      createExporter(module.id, ctx);
      const storeQuery = { ...indicatorQuery(filters, request.tix.now), clearance: await request.tix.clearance() };
      const counts: ExportCounts = { written: 0, skipped: 0 };
      const audit = request.tix.audit;
      const target = pathOf(request);
      const detail = { ...auditFilters(filters), format: module.id, ...(Object.keys(options).length ? { options } : {}) };
      async function* audited(): AsyncGenerator<string> {
        let complete = false;
        try {
          yield* streamExport(store, module, storeQuery, ctx, counts);
          complete = true;
        } finally {
          // written when the stream ends (or is cut off): only then is the count known
          await audit({ action: 'read:export', target, detail: { ...detail, complete, skipped: counts.skipped }, count: counts.written });
        }
      }
      reply.header('content-type', module.mediaType);
      reply.header('content-disposition', `attachment; filename="tix-export.${module.extension}"`);
      return reply.send(Readable.from(audited()));
    },
  );
}
