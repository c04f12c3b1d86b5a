import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseIndicatorType, parseThreatType, parseTlp, type IndicatorType } from '../../model/index.ts';
import { interpretSearch } from '../../query/index.ts';
import type { IndicatorQuery } from '../../store/store.ts';
import { requireMember } from '../app.ts';
import { HttpProblem } from '../problem.ts';

/** The query string of an indicator search: the filters of `tix search`, validated at the boundary. */
export const SearchQuerySchema = z
  .object({
    q: z.string().max(10_000).optional(),
    type: z.string().max(200).optional(),
    source: z.string().max(200).optional(),
    malware: z.string().max(200).optional(),
    threat: z.string().max(50).optional(),
    tag: z.string().max(200).optional(),
    since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    min_confidence: z.coerce.number().int().min(0).max(100).optional(),
    max_tlp: z.string().max(20).optional(),
    all: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    next: z.string().max(100).optional(),
  })
  .strict();

function badQuery(detail: string): HttpProblem {
  return new HttpProblem(400, 'Bad Request', detail, 'TIX_QUERY_INVALID');
}

/** Query string → store query; every value checked, nothing passed through as text into the store. */
export function toIndicatorQuery(raw: unknown, now: number): Omit<IndicatorQuery, 'clearance'> {
  const parsed = SearchQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badQuery(`${issue.path.join('.') || 'query'}: ${issue.message}`);
  }
  const input = parsed.data;
  const query: Omit<IndicatorQuery, 'clearance'> = { now, limit: input.limit };
  if (input.q !== undefined && input.q.trim() !== '') {
    const terms = interpretSearch(input.q);
    if (!terms) throw badQuery(`q: nothing to search for in "${input.q.slice(0, 80)}"`);
    Object.assign(query, terms);
  }
  if (input.type) {
    query.types = input.type.split(',').map((name) => {
      const type = parseIndicatorType(name);
      if (!type) throw badQuery(`type: unknown indicator type "${name.slice(0, 40)}"`);
      return type as IndicatorType;
    });
  }
  if (input.source) query.source = input.source;
  if (input.malware) query.malware = input.malware;
  if (input.threat) {
    const threat = parseThreatType(input.threat);
    if (!threat) throw badQuery(`threat: unknown threat type "${input.threat}"`);
    query.threatType = threat;
  }
  if (input.tag) query.tag = input.tag.toLowerCase();
  if (input.since) query.seenSince = Date.parse(input.since);
  if (input.min_confidence !== undefined) query.minConfidence = input.min_confidence;
  if (input.max_tlp) {
    const tlp = parseTlp(input.max_tlp);
    if (!tlp) throw badQuery(`max_tlp: "${input.max_tlp}" is not a TLP 2.0 level`);
    query.maxTlp = tlp;
  }
  if (input.all === 'true') query.includeInactive = true;
  if (input.next !== undefined) {
    if (!/^\d{1,15}$/.test(input.next)) throw badQuery('next: not a cursor this server issued');
    query.after = input.next;
  }
  return query;
}

export async function indicatorRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.tixOptions;

  app.get('/indicators', async (request) => {
    requireMember(request);
    const query = toIndicatorQuery(request.query, request.tix.now);
    const page = await store.search({ ...query, clearance: await request.tix.clearance() });
    await request.tix.audit({ action: 'read:indicators', target: '/api/v1/indicators', detail: request.query as Record<string, unknown>, count: page.items.length });
    return { items: page.items.map(serialiseIndicator), ...(page.next ? { next: page.next } : {}), more: page.next !== undefined };
  });
}

/** Dates as ISO 8601 on the wire; epoch milliseconds inside. */
export function serialiseIndicator(item: { firstSeen: number; lastSeen: number; addedAt: number; validUntil?: number }): Record<string, unknown> {
  return {
    ...item,
    firstSeen: new Date(item.firstSeen).toISOString(),
    lastSeen: new Date(item.lastSeen).toISOString(),
    addedAt: new Date(item.addedAt).toISOString(),
    ...(item.validUntil === undefined ? {} : { validUntil: new Date(item.validUntil).toISOString() }),
  };
}
