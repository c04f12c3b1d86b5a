import { z } from 'zod';
import { PAP_LEVELS, parseIndicatorType, parseThreatType, parseTlp, RELIABILITY_GRADES, type IndicatorType, type Pap, type Reliability } from '../model/index.ts';
import { interpretSearch } from '../query/index.ts';
import type { IndicatorQuery } from '../store/store.ts';
import { HttpProblem } from './problem.ts';

/**
 * The filters of `tix search` and `tix export` as a query string, shared by
 * search, count and export so the three always select the same values.
 */
export const IndicatorFiltersSchema = z.object({
  q: z.string().max(10_000).optional().describe('what to look for: an IP (itself, ip:port and URLs on it, CIDRs holding it), a CIDR, a domain (and below), any value, or pasted text'),
  type: z.string().max(200).optional().describe('indicator types, comma-separated (ipv4,domain,url…)'),
  source: z.string().max(200).optional().describe('only values this source reports'),
  malware: z.string().max(200).optional().describe('malware family'),
  threat: z.string().max(50).optional().describe('threat type (c2, phishing, …)'),
  tag: z.string().max(200).optional(),
  since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe('last seen at or after'),
  min_confidence: z.coerce.number().int().min(0).max(100).optional(),
  max_tlp: z.string().max(20).optional().describe('only values some source marks at most this restrictively'),
  reliability: z.string().max(20).optional().describe('source reliability grades, comma-separated (A,B,C,X)'),
  max_accuracy: z.coerce.number().int().min(1).max(4).optional().describe('only values some source grades at least this accurate (1 best)'),
  max_pap: z.enum(PAP_LEVELS).optional().describe('only values some source lets recipients act on at least this freely'),
  all: z.enum(['true', 'false']).optional().describe('include revoked and expired values'),
});
export type IndicatorFilters = z.infer<typeof IndicatorFiltersSchema>;

export const SearchQuerySchema = IndicatorFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  next: z.string().max(100).optional().describe('the cursor of the previous page'),
}).strict();

function badQuery(path: string, message: string): HttpProblem {
  return new HttpProblem(400, 'Bad Request', `query.${path}: ${message}`, 'TIX_QUERY_INVALID', {}, { errors: [{ in: 'query', path, message }] });
}

const list = (text: string): string[] => text.split(',').map((item) => item.trim()).filter(Boolean);

/** Validated filters → a store query (without clearance, which the route adds); nothing passes into the store as unchecked text. */
export function indicatorQuery(input: IndicatorFilters, now: number): Omit<IndicatorQuery, 'clearance' | 'limit'> {
  const query: Omit<IndicatorQuery, 'clearance' | 'limit'> = { now };
  if (input.q !== undefined && input.q.trim() !== '') {
    const terms = interpretSearch(input.q);
    if (!terms) throw badQuery('q', `nothing to search for in "${input.q.slice(0, 80)}"`);
    Object.assign(query, terms);
  }
  if (input.type) {
    query.types = list(input.type).map((name) => {
      const type = parseIndicatorType(name);
      if (!type) throw badQuery('type', `unknown indicator type "${name.slice(0, 40)}"`);
      return type as IndicatorType;
    });
  }
  if (input.source) query.source = input.source;
  if (input.malware) query.malware = input.malware;
  if (input.threat) {
    const threat = parseThreatType(input.threat);
    if (!threat) throw badQuery('threat', `unknown threat type "${input.threat}"`);
    query.threatType = threat;
  }
  if (input.tag) query.tag = input.tag.toLowerCase();
  if (input.since) query.seenSince = Date.parse(input.since);
  if (input.min_confidence !== undefined) query.minConfidence = input.min_confidence;
  if (input.max_tlp) {
    const tlp = parseTlp(input.max_tlp);
    if (!tlp) throw badQuery('max_tlp', `"${input.max_tlp}" is not a TLP 2.0 level`);
    query.maxTlp = tlp;
  }
  if (input.reliability) {
    query.reliability = list(input.reliability.toUpperCase()).map((grade) => {
      if (!(RELIABILITY_GRADES as readonly string[]).includes(grade)) throw badQuery('reliability', `"${grade.slice(0, 10)}" is not a reliability grade (A, B, C, X)`);
      return grade as Reliability;
    });
  }
  if (input.max_accuracy !== undefined) query.maxAccuracy = input.max_accuracy;
  if (input.max_pap) query.maxPap = input.max_pap as Pap;
  if (input.all === 'true') query.includeInactive = true;
  return query;
}

/** A search page's cursor: the store's, checked to be one it could have issued. */
export function searchCursor(next: string | undefined): string | undefined {
  if (next === undefined) return undefined;
  if (!/^\d{1,15}$/.test(next)) throw badQuery('next', 'not a cursor this server issued');
  return next;
}

/** The filters given, as the audit log records them. */
export function auditFilters(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}
