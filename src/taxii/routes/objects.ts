import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkReadable, collectionOf } from '../access.ts';
import type { Collection } from '../collections.ts';
import { checkAccept, send, type TaxiiContext } from '../context.ts';
import { notFound, TaxiiError } from '../errors.ts';
import { FILTERS, parseFilters, STIX_ID } from '../filters.ts';
import { dateHeaders, readPage } from '../read.ts';
import { envelopeText, listing, manifestRecord, versionOf } from '../resources.ts';

type CollectionParams = { Params: { collection: string } };
type ObjectParams = { Params: { collection: string; object: string } };

const NO_OBJECT = 'no such object, or not one you may read';

/** A path's object id: anything but a STIX identifier (a path, SQL, …) names no object, and never reaches the store. */
function objectIdOf(id: string): string {
  if (!STIX_ID.test(id)) throw notFound(NO_OBJECT);
  return id;
}

/**
 * The read endpoints of a collection: objects (§5.4), manifest (§5.3),
 * object (§5.6), versions (§5.8), all through readPage (clearance inside the
 * query, audited), each 200 with the date headers; and DELETE (§5.7), which
 * tix does not do.
 */
export function objectRoutes(app: FastifyInstance, context: TaxiiContext): void {
  const readable = async (request: FastifyRequest<CollectionParams>, alsoStix = false): Promise<Collection> => {
    checkAccept(request, alsoStix);
    const collection = await collectionOf(request, context, request.params.collection);
    checkReadable(collection);
    return collection;
  };
  const query = (request: FastifyRequest): Record<string, unknown> => request.query as Record<string, unknown>;

  app.get<CollectionParams>('/api/collections/:collection/objects/', async (request, reply) => {
    const collection = await readable(request);
    const page = await readPage(request, context, collection, 'objects', parseFilters(query(request), FILTERS.objects, context.maxPage));
    dateHeaders(reply, page);
    return send(reply, envelopeText(page));
  });

  // §5.3 lists the STIX media type beside TAXII's for this endpoint
  app.get<CollectionParams>('/api/collections/:collection/manifest/', async (request, reply) => {
    const collection = await readable(request, true);
    const page = await readPage(request, context, collection, 'manifest', parseFilters(query(request), FILTERS.objects, context.maxPage));
    dateHeaders(reply, page);
    return send(reply, listing(page, 'objects', manifestRecord));
  });

  app.get<ObjectParams>('/api/collections/:collection/objects/:object/', async (request, reply) => {
    const collection = await readable(request);
    const id = objectIdOf(request.params.object);
    const filters = { ...parseFilters(query(request), FILTERS.object, context.maxPage), ids: [id] };
    const page = await readPage(request, context, collection, 'object', filters, id);
    // an object the caller may not read does not exist for it; a page after the last of a known object is an empty 200
    if (!page.items.length && filters.next === undefined) throw notFound(NO_OBJECT);
    dateHeaders(reply, page);
    return send(reply, envelopeText(page));
  });

  app.get<ObjectParams>('/api/collections/:collection/objects/:object/versions/', async (request, reply) => {
    const collection = await readable(request);
    const id = objectIdOf(request.params.object);
    const filters = { ...parseFilters(query(request), FILTERS.versions, context.maxPage), ids: [id], versions: 'all' as const };
    const page = await readPage(request, context, collection, 'versions', filters, id);
    if (!page.items.length && filters.next === undefined) throw notFound(NO_OBJECT);
    dateHeaders(reply, page);
    return send(reply, listing(page, 'versions', versionOf));
  });

  /**
   * §5.7 is optional, and tix keeps every version it received (provenance,
   * audit): the way to withdraw an object is a new version with
   * `revoked: true`. Per the permission table of §5.7: a collection the
   * caller can neither read nor write is a 404, any other a 403.
   */
  app.delete<ObjectParams>('/api/collections/:collection/objects/:object/', async (request) => {
    checkAccept(request);
    const collection = await collectionOf(request, context, request.params.collection);
    if (!collection.canRead && !collection.canWrite) throw notFound('no such collection, or not one you may read');
    objectIdOf(request.params.object);
    throw new TaxiiError(
      403,
      'Forbidden',
      collection.canWrite
        ? 'tix does not delete objects: it keeps every version it received. Withdraw an object by posting a new version with "revoked": true.'
        : `collection ${collection.alias} is read-only`,
    );
  });
}
