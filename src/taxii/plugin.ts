import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireMember } from '../api/app.ts';
import { HttpProblem } from '../api/problem.ts';
import { TixError } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import type { Issue } from '../model/index.ts';
import type { ObjectPage, ObjectQuery, ObjectRecord } from '../store/store.ts';
import { errorObject, TaxiiError } from './errors.ts';
import { parseFilters, taxiiTimestamp } from './filters.ts';

export const TAXII = 'application/taxii+json;version=2.1';
const STIX = 'application/stix+json;version=2.1';
/** The most objects one page returns, whatever `limit` asks. */
const MAX_PAGE = 1000;
const ROOT = '/taxii2/api/';

/** The collections of the API root: what the caller may read, and where it may write. */
const COLLECTIONS = [
  { id: '2d0e0b7a-5b8e-4f43-9a3b-1d3c8c1e0a01', alias: 'everything', title: 'Everything you may read', description: 'Every STIX object of this tix you are cleared for, under the sharing rules.', can_write: false },
  { id: '7c6f2a44-0d5e-4b7f-8a7e-3b9d2f1c0b02', alias: 'inbox', title: 'Inbox of your organisation', description: 'Objects posted here are owned by your organisation and shared by no agreement until you share them.', can_write: true },
] as const;

type Collection = (typeof COLLECTIONS)[number];

/** The client must accept TAXII 2.1 (§1.6.8): a TAXII media range without a version, or with 2.1. */
function checkAccept(request: FastifyRequest, extra: readonly string[] = []): void {
  const accept = request.headers.accept ?? '';
  const ranges = accept.split(',').map((range) => range.trim().toLowerCase().replace(/\s+/g, ''));
  const ok = ranges.some((range) => {
    const [type, ...params] = range.split(';');
    if (type !== 'application/taxii+json' && !extra.includes(type ?? '')) return false;
    const version = params.find((param) => param.startsWith('version='));
    return version === undefined || version === 'version=2.1';
  });
  if (!ok) throw new TaxiiError(406, 'Not Acceptable', `send Accept: ${TAXII}`);
}

function collectionOf(id: string): Collection {
  const collection = COLLECTIONS.find((item) => item.id === id);
  if (!collection) throw new TaxiiError(404, 'Not Found', 'no such collection');
  return collection;
}

function dateHeaders(reply: FastifyReply, items: readonly ObjectRecord[]): void {
  if (!items.length) return;
  reply.header('X-TAXII-Date-Added-First', taxiiTimestamp(items[0]!.addedAt));
  reply.header('X-TAXII-Date-Added-Last', taxiiTimestamp(items[items.length - 1]!.addedAt));
}

function versionOf(record: ObjectRecord): string {
  const { modified, created } = record.object;
  return typeof modified === 'string' ? modified : typeof created === 'string' ? created : taxiiTimestamp(record.addedAt);
}

/** An envelope (§3.7): no empty lists, `more` always, `next` whenever `more`. */
function envelope(page: ObjectPage, key: 'objects' | 'versions', pick: (record: ObjectRecord) => unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { more: page.next !== undefined };
  if (page.next) body.next = page.next;
  if (page.items.length) body[key] = page.items.map(pick);
  return body;
}

interface StatusResource {
  id: string;
  status: 'complete';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: 0;
  successes?: Array<{ id: string; version?: string }>;
  failures?: Array<{ id: string; version?: string; message: string }>;
  owner: number;
}

/**
 * TAXII 2.1 (OASIS Standard, 2021) on the object store: discovery, one API
 * root, a read collection of everything the caller is cleared for and a
 * write inbox per organisation, objects, object, versions, manifest and
 * status. Every read goes through the caller's clearance inside the store
 * query and is audited.
 */
export async function taxiiPlugin(app: FastifyInstance): Promise<void> {
  const { store } = app.tixOptions;
  const statuses = new Map<string, StatusResource>();

  app.setErrorHandler(async (error, request, reply) => {
    let taxii: TaxiiError;
    if (error instanceof TaxiiError) taxii = error;
    else if (error instanceof HttpProblem) taxii = new TaxiiError(error.status, error.title, error.detail, error.headers);
    else if (error instanceof TixError && error.code === 'TIX_QUERY_INVALID') taxii = new TaxiiError(400, 'Bad filter', error.message);
    else if ((error as { statusCode?: number }).statusCode === 413) taxii = new TaxiiError(413, 'Content Too Large', `the body is larger than max_content_length (${app.tixOptions.bodyLimit} bytes)`);
    else if ((error as { statusCode?: number }).statusCode === 415) taxii = new TaxiiError(415, 'Unsupported Media Type', `send Content-Type: ${TAXII}`);
    else if ((error as { statusCode?: number }).statusCode === 400) taxii = new TaxiiError(400, 'Bad Request', (error as Error).message);
    else taxii = new TaxiiError(500, 'Internal Server Error', 'the server could not complete the request');
    return reply.status(taxii.status).headers(taxii.headers).header('content-type', TAXII).send(Buffer.from(JSON.stringify(errorObject(taxii))));
  });
  app.setNotFoundHandler(async (_request, reply) => {
    reply.status(404).header('content-type', TAXII).send(Buffer.from(JSON.stringify(errorObject(new TaxiiError(404, 'Not Found', 'no such TAXII resource (paths end in /)')))));
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/taxii+json'], { parseAs: 'string' }, (request, body, done) => {
    const version = /version\s*=\s*([^;\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (version !== undefined && version !== '2.1') {
      done(new TaxiiError(415, 'Unsupported Media Type', `TAXII version ${version} is not served; send ${TAXII}`), undefined);
      return;
    }
    done(null, body);
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(new TaxiiError(415, 'Unsupported Media Type', `send Content-Type: ${TAXII}`), undefined));

  // serialised here and sent as bytes, so the Content-Type goes out exactly as TAXII writes it (§1.6.8)
  const send = (reply: FastifyReply, body: unknown, type = TAXII): FastifyReply => reply.header('content-type', type).send(Buffer.from(JSON.stringify(body)));

  app.get('/', async (request, reply) => {
    checkAccept(request);
    return send(reply, { title: 'tix', description: 'TAXII 2.1 on a tix threat-intelligence exchange', default: ROOT, api_roots: [ROOT] });
  });

  app.get('/api/', async (request, reply) => {
    checkAccept(request);
    requireMember(request);
    return send(reply, { title: 'tix', description: 'STIX objects shared under tix sharing rules', versions: [TAXII], max_content_length: app.tixOptions.bodyLimit });
  });

  app.get('/api/collections/', async (request, reply) => {
    checkAccept(request);
    requireMember(request);
    return send(reply, { collections: COLLECTIONS.map((collection) => ({ ...collection, can_read: true, media_types: [STIX] })) });
  });

  app.get<{ Params: { collection: string } }>('/api/collections/:collection/', async (request, reply) => {
    checkAccept(request);
    requireMember(request);
    const collection = collectionOf(request.params.collection);
    return send(reply, { ...collection, can_read: true, media_types: [STIX] });
  });

  /** One page of a collection's objects, through the caller's clearance; the inbox holds only the caller's own organisation's posts. */
  const page = async (request: FastifyRequest, collection: Collection, query: Omit<ObjectQuery, 'clearance'>): Promise<ObjectPage> => {
    const member = requireMember(request);
    const scoped: ObjectQuery = { ...query, clearance: await request.tix.clearance() };
    if (collection.alias === 'inbox') scoped.sources = [`taxii:${member.orgName}`];
    return store.listObjects(scoped);
  };

  const OBJECT_FILTERS = ['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]'];

  app.get<{ Params: { collection: string } }>('/api/collections/:collection/objects/', async (request, reply) => {
    checkAccept(request, ['application/stix+json']);
    const collection = collectionOf(request.params.collection);
    const result = await page(request, collection, parseFilters(request.query as Record<string, unknown>, OBJECT_FILTERS, MAX_PAGE));
    await request.tix.audit({ action: 'read:taxii-objects', target: request.url.split('?')[0]!, detail: request.query as Record<string, unknown>, count: result.items.length });
    dateHeaders(reply, result.items);
    return send(reply, envelope(result, 'objects', (record) => record.object));
  });

  app.get<{ Params: { collection: string } }>('/api/collections/:collection/manifest/', async (request, reply) => {
    checkAccept(request);
    const collection = collectionOf(request.params.collection);
    const result = await page(request, collection, parseFilters(request.query as Record<string, unknown>, OBJECT_FILTERS, MAX_PAGE));
    await request.tix.audit({ action: 'read:taxii-manifest', target: request.url.split('?')[0]!, detail: request.query as Record<string, unknown>, count: result.items.length });
    dateHeaders(reply, result.items);
    return send(reply, envelope(result, 'objects', (record) => ({ id: record.object.id, date_added: taxiiTimestamp(record.addedAt), version: versionOf(record), media_type: STIX })));
  });

  app.get<{ Params: { collection: string; object: string } }>('/api/collections/:collection/objects/:object/', async (request, reply) => {
    checkAccept(request, ['application/stix+json']);
    const collection = collectionOf(request.params.collection);
    const filters = parseFilters({ ...(request.query as Record<string, unknown>), 'match[id]': request.params.object }, [...OBJECT_FILTERS], MAX_PAGE);
    const result = await page(request, collection, filters);
    await request.tix.audit({ action: 'read:taxii-object', target: request.url.split('?')[0]!, detail: request.query as Record<string, unknown>, count: result.items.length });
    if (!result.items.length && !filters.after) throw new TaxiiError(404, 'Not Found', 'no such object, or not one you may read');
    dateHeaders(reply, result.items);
    return send(reply, envelope(result, 'objects', (record) => record.object));
  });

  app.get<{ Params: { collection: string; object: string } }>('/api/collections/:collection/objects/:object/versions/', async (request, reply) => {
    checkAccept(request);
    const collection = collectionOf(request.params.collection);
    const filters = parseFilters(
      { ...(request.query as Record<string, unknown>), 'match[id]': request.params.object, 'match[version]': 'all' },
      [...OBJECT_FILTERS],
      MAX_PAGE,
    );
    const result = await page(request, collection, filters);
    await request.tix.audit({ action: 'read:taxii-versions', target: request.url.split('?')[0]!, detail: request.query as Record<string, unknown>, count: result.items.length });
    if (!result.items.length && !filters.after) throw new TaxiiError(404, 'Not Found', 'no such object, or not one you may read');
    dateHeaders(reply, result.items);
    return send(reply, envelope(result, 'versions', versionOf));
  });

  app.post<{ Params: { collection: string } }>('/api/collections/:collection/objects/', async (request, reply) => {
    checkAccept(request);
    const member = requireMember(request, ['analyst', 'admin', 'sync']);
    const collection = collectionOf(request.params.collection);
    if (!collection.can_write) throw new TaxiiError(403, 'Forbidden', `collection ${collection.alias} is read-only; post to the inbox`);
    let posted: unknown;
    try {
      posted = JSON.parse(String(request.body ?? ''));
    } catch (error) {
      throw new TaxiiError(422, 'Unprocessable Content', `the body is not JSON: ${(error as Error).message}`);
    }
    const objects = (posted as { objects?: unknown }).objects;
    if (typeof posted !== 'object' || posted === null || !Array.isArray(objects)) throw new TaxiiError(422, 'Unprocessable Content', 'the body must be an envelope: {"objects": [...]}');
    const now = request.tix.now;
    const source = `taxii:${member.orgName}`;
    const distribution = await store.distribution({ owner: member.org, agreements: [], recipientOrgs: [], recipientUsers: [] });
    const bundle = Buffer.from(JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects }));
    const issues: Issue[] = [];
    const name = `taxii POST ${collection.alias}`;
    await ingest(store, { name, size: bundle.length, open: async function* () { yield bundle; } }, { format: 'stix', source, now, onIssue: (issue) => issues.push(issue) });
    await store.setSourceDistribution(source, distribution.id);
    const failed = new Map<number, string>();
    for (const issue of issues) {
      const index = /^objects\[(\d+)\]/.exec(issue.field ?? '')?.[1];
      if (index !== undefined && issue.severity === 'error' && ['TIX_STIX_INVALID', 'TIX_JSON_SYNTAX', 'TIX_STIX_VERSION'].includes(issue.code)) failed.set(Number(index), issue.message);
    }
    const describe = (object: unknown): { id: string; version?: string } => {
      const { id, modified, created } = (object ?? {}) as Record<string, unknown>;
      const version = typeof modified === 'string' ? modified : typeof created === 'string' ? created : undefined;
      return { id: typeof id === 'string' ? id : 'unknown', ...(version ? { version } : {}) };
    };
    const successes = objects.flatMap((object, index) => (failed.has(index) ? [] : [describe(object)]));
    const failures = objects.flatMap((object, index) => (failed.has(index) ? [{ ...describe(object), message: failed.get(index)! }] : []));
    const status: StatusResource = {
      id: randomUUID(),
      status: 'complete',
      request_timestamp: taxiiTimestamp(now),
      total_count: objects.length,
      success_count: successes.length,
      failure_count: failures.length,
      pending_count: 0,
      ...(successes.length ? { successes } : {}),
      ...(failures.length ? { failures } : {}),
      owner: member.org,
    };
    statuses.set(status.id, status);
    if (statuses.size > 10_000) statuses.delete(statuses.keys().next().value!);
    await request.tix.audit({ action: 'write:taxii-objects', target: request.url, detail: { collection: collection.alias }, count: successes.length });
    const { owner: _owner, ...body } = status;
    return send(reply.status(202), body);
  });

  app.get<{ Params: { status: string } }>('/api/status/:status/', async (request, reply) => {
    checkAccept(request);
    const member = requireMember(request);
    const status = statuses.get(request.params.status);
    // another organisation's status does not exist for this caller
    if (!status || status.owner !== member.org) throw new TaxiiError(404, 'Not Found', 'no such status');
    const { owner: _owner, ...body } = status;
    return send(reply, body);
  });
}
