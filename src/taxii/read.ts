import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ObjectQuery } from '../store/store.ts';
import { callerOf } from './access.ts';
import { scopeOf, type Collection } from './collections.ts';
import { pathOf, type TaxiiContext } from './context.ts';
import { queryFingerprint, type TaxiiFilters } from './filters.ts';
import { issueToken, readToken } from './next-token.ts';
import { dateAddedRange, type Page } from './resources.ts';

export type Endpoint = 'objects' | 'manifest' | 'object' | 'versions';

export interface ReadPage extends Page {
  /** Where the request resumed from (its `next` token's page end, else its added_after), for the date headers of an empty page. */
  resumedFrom?: number;
}

/**
 * The one read path of TAXII: a page of a collection as one store query that
 * holds the collection's scope and the caller's clearance (so the page, its
 * `more`, `next` and date headers only ever reflect what the caller may
 * read), resumed from a checked `next` token, then audited with the path,
 * the filters as given and how many objects went out.
 */
export async function readPage(
  request: FastifyRequest,
  context: TaxiiContext,
  collection: Collection,
  endpoint: Endpoint,
  filters: TaxiiFilters,
  objectId?: string,
): Promise<ReadPage> {
  const principal = callerOf(request, context);
  const fingerprint = queryFingerprint(`${collection.id}/${endpoint}/${objectId ?? ''}`, filters);
  const position = filters.next === undefined ? undefined : readToken(context.tokenKey, filters.next, fingerprint);
  const query: ObjectQuery = {
    ...scopeOf(collection, principal),
    clearance: await request.tix.clearance(),
    limit: filters.limit,
    // pages end between additions, so added_after = the last page's X-TAXII-Date-Added-Last resumes without a gap (§3.5)
    wholeAdditions: true,
  };
  // TLP:RED is for named people: a sync key (another instance pulling) never carries it off, whatever its distribution says
  if (principal.kind === 'member' && principal.role === 'sync') query.maxTlp = 'amber+strict';
  if (filters.addedAfter !== undefined) query.addedAfter = filters.addedAfter;
  if (filters.ids) query.ids = filters.ids;
  if (filters.types) query.types = filters.types;
  if (filters.versions) query.versions = filters.versions;
  if (filters.specVersions) query.specVersions = filters.specVersions;
  if (position) query.after = position.cursor;
  const page = await context.store.listObjects(query);
  await request.tix.audit({
    action: 'read:taxii-objects',
    target: pathOf(request),
    detail: { endpoint, collection: collection.alias, filters: { ...(request.query as Record<string, unknown>) } },
    count: page.items.length,
  });
  const last = page.items[page.items.length - 1];
  const next = page.next !== undefined && last ? issueToken(context.tokenKey, { addedAt: last.addedAt, cursor: page.next }, fingerprint) : undefined;
  const resumed = [position?.addedAt, filters.addedAfter].filter((value): value is number => value !== undefined);
  return { items: page.items, ...(next ? { next } : {}), ...(resumed.length ? { resumedFrom: Math.max(...resumed) } : {}) };
}

/** X-TAXII-Date-Added-First/-Last on a 200 of objects, object, versions or manifest (§3.2). */
export function dateHeaders(reply: FastifyReply, page: ReadPage): void {
  const range = dateAddedRange(page.items, page.resumedFrom);
  reply.header('X-TAXII-Date-Added-First', range.first);
  reply.header('X-TAXII-Date-Added-Last', range.last);
}
