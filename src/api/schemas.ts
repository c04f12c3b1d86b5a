import { z } from 'zod';
import { IndicatorSchema, SourceViewSchema, type Indicator, type IndicatorDetail, type SourceView } from '../model/index.ts';
import type { SightingSummary } from '../store/sightings.ts';

/**
 * The wire shapes the REST API answers with, shared by several routes.
 * Dates cross the core as epoch milliseconds and the wire as ISO 8601; the
 * wire schemas are the model's with those fields swapped, never written twice.
 */

export const IsoDateSchema = z.iso.datetime({ offset: true });

export const iso = (ms: number): string => new Date(ms).toISOString();

/** RFC 9457 problem details, as every error of the API is sent (application/problem+json). */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.string().optional().describe('a stable tix error code (TIX_AREA_PROBLEM)'),
  errors: z
    .array(z.object({ in: z.string(), path: z.string(), message: z.string(), index: z.number().int().optional() }))
    .optional()
    .describe('every invalid field of the request'),
});

export const IndicatorWireSchema = IndicatorSchema.extend({
  firstSeen: IsoDateSchema,
  lastSeen: IsoDateSchema,
  addedAt: IsoDateSchema,
  validUntil: IsoDateSchema.optional(),
});

export const SourceViewWireSchema = SourceViewSchema.extend({
  firstSeen: IsoDateSchema,
  lastSeen: IsoDateSchema,
  validUntil: IsoDateSchema.optional(),
  revokedAt: IsoDateSchema.optional(),
  addedAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
});

export const SightingSummaryWireSchema = z
  .object({
    count: z.number().int().describe('sightings the caller may read'),
    total: z.number().int().describe('times seen, summed over those sightings'),
    lastSeen: IsoDateSchema.optional(),
  })
  .describe('how often the value was seen: only sightings the caller may read (its own, and those of what its organisation owns) are counted');

/** Where a value is, from offline data (`tix enrich`), and which data said so. */
export const LocationWireSchema = z.object({
  country: z.string().optional().describe('ISO 3166-1 alpha-2'),
  asn: z.number().int().optional(),
  asOrg: z.string().optional(),
  registrable: z.string().optional().describe('registrable domain of a host name (public suffix list)'),
  data: z.array(z.object({ kind: z.string(), name: z.string(), builtAt: z.string().optional() })).describe('the data sources and their build dates'),
});

export const IndicatorDetailWireSchema = IndicatorWireSchema.extend({
  observations: z.array(SourceViewWireSchema).describe('every source the caller may read, with its view of the value'),
  sightings: SightingSummaryWireSchema,
  location: LocationWireSchema.optional().describe('country, AS and registrable domain, when the store was enriched'),
});

/** A page of a listing: `next` is an opaque cursor, present exactly when `more` is true. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().optional(), more: z.boolean() });
}

export function page<T, U>(result: { items: T[]; next?: string }, serialise: (item: T) => U): { items: U[]; next?: string; more: boolean } {
  return { items: result.items.map(serialise), ...(result.next ? { next: result.next } : {}), more: result.next !== undefined };
}

export function serialiseIndicator(item: Indicator): z.infer<typeof IndicatorWireSchema> {
  const { validUntil, ...rest } = item;
  return {
    ...rest,
    firstSeen: iso(item.firstSeen),
    lastSeen: iso(item.lastSeen),
    addedAt: iso(item.addedAt),
    ...(validUntil === undefined ? {} : { validUntil: iso(validUntil) }),
  };
}

export function serialiseSourceView(view: SourceView): z.infer<typeof SourceViewWireSchema> {
  const { validUntil, revokedAt, ...rest } = view;
  return {
    ...rest,
    firstSeen: iso(view.firstSeen),
    lastSeen: iso(view.lastSeen),
    addedAt: iso(view.addedAt),
    updatedAt: iso(view.updatedAt),
    ...(validUntil === undefined ? {} : { validUntil: iso(validUntil) }),
    ...(revokedAt === undefined ? {} : { revokedAt: iso(revokedAt) }),
  };
}

export function serialiseDetail(
  detail: IndicatorDetail,
  sightings: SightingSummary,
  location?: { enrichment: Omit<z.infer<typeof LocationWireSchema>, 'data'>; sources: ReadonlyArray<{ kind: string; source: { name: string; builtAt?: number } }> },
): z.infer<typeof IndicatorDetailWireSchema> {
  const { observations, ...summary } = detail;
  return {
    ...serialiseIndicator(summary),
    observations: observations.map(serialiseSourceView),
    sightings: { count: sightings.count, total: sightings.total, ...(sightings.lastSeen === undefined ? {} : { lastSeen: iso(sightings.lastSeen) }) },
    ...(location
      ? {
          location: {
            ...location.enrichment,
            data: location.sources.map(({ kind, source }) => ({ kind, name: source.name, ...(source.builtAt === undefined ? {} : { builtAt: iso(source.builtAt) }) })),
          },
        }
      : {}),
  };
}

/** A record that names its organisation by id, named on the wire too. */
export const OrgRefSchema = z.object({ id: z.number().int(), name: z.string() });
