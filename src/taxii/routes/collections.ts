import type { FastifyInstance } from 'fastify';
import { collectionOf, collectionsOf } from '../access.ts';
import { collectionResource } from '../collections.ts';
import { checkAccept, pathOf, send, type TaxiiContext } from '../context.ts';
import { STIX } from '../media.ts';

/** The collections of the API root (§5.1) and one collection (§5.2), as the caller sees them; both are audited (they name agreements). */
export function collectionRoutes(app: FastifyInstance, context: TaxiiContext): void {
  app.get('/api/collections/', async (request, reply) => {
    checkAccept(request);
    const collections = await collectionsOf(request, context);
    await request.tix.audit({ action: 'read:taxii-collections', target: pathOf(request), detail: {}, count: collections.length });
    return send(reply, { collections: collections.map((collection) => collectionResource(collection, STIX)) });
  });

  app.get<{ Params: { collection: string } }>('/api/collections/:collection/', async (request, reply) => {
    checkAccept(request);
    const collection = await collectionOf(request, context, request.params.collection);
    await request.tix.audit({ action: 'read:taxii-collections', target: pathOf(request), detail: { collection: collection.alias }, count: 1 });
    return send(reply, collectionResource(collection, STIX));
  });
}
