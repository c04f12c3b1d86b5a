import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireReader } from '../app.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { iso, IsoDateSchema } from '../schemas.ts';
import { countryOf } from '../../enrich/countries.ts';

const counts = z.record(z.string(), z.number().int());

const OverviewSchema = z.object({
  indicators: z.number().int().describe('values the caller may read (at least one visible source reports them), revoked and expired ones included'),
  byType: counts,
  byThreatType: counts.describe('values by the threat types their visible sources give (a value with two counts under both)'),
  byTlp: counts.describe('values by the TLP of their visible observations'),
  bySource: z.array(z.object({ source: z.string(), observations: z.number().int() })),
  firstSeenPerDay: z.array(z.object({ day: IsoDateSchema, indicators: z.number().int() })).describe('values the caller may read by the day they were first seen'),
});

const CountryCountsSchema = z.object({
  items: z.array(z.object({ country: z.string().describe('ISO 3166-1 alpha-2'), numeric: z.string().optional().describe('ISO 3166-1 numeric, as world maps name countries'), name: z.string().optional(), indicators: z.number().int() })),
  data: z.array(z.object({ kind: z.string(), name: z.string(), builtAt: IsoDateSchema.optional() })).describe('the offline data the countries come from, and its build date'),
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

  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/overview/countries',
      operationId: 'overviewCountries',
      tag: 'indicators',
      summary: 'Where the values are hosted',
      description: 'Values the caller may read per country they are located in (from `tix enrich`), each counted once, with the data the countries come from. Empty until the store is enriched.',
      access: 'any member; unauthenticated callers too where the server lets TLP:CLEAR out',
      responses: { 200: { description: 'counts per country', schema: CountryCountsSchema } },
    },
    async (_input, request) => {
      requireReader(request);
      const [counts, sources] = await Promise.all([store.countByCountry(await request.tix.clearance()), store.enrichmentSources()]);
      await request.tix.audit({ action: 'read:overview-countries', target: pathOf(request), detail: {}, count: counts.length });
      return {
        items: counts.map(({ country, indicators }) => {
          const known = countryOf(country);
          return { country, ...(known ? { numeric: known.numeric, name: known.name } : {}), indicators };
        }),
        data: sources
          .filter((source) => source.kind === 'geo')
          .map(({ kind, source }) => ({ kind, name: source.name, ...(source.builtAt === undefined ? {} : { builtAt: iso(source.builtAt) }) })),
      };
    },
  );
}
