import type { FastifyInstance } from 'fastify';
import type { TaxiiContext } from './context.ts';
import { send } from './context.ts';
import { errorObject, notFound, toTaxiiError, unsupportedMedia } from './errors.ts';
import { isTaxiiContent, TAXII } from './media.ts';
import { addObjectRoutes } from './routes/add-objects.ts';
import { collectionRoutes } from './routes/collections.ts';
import { discoveryRoutes } from './routes/discovery.ts';
import { objectRoutes } from './routes/objects.ts';
import { statusRoutes } from './routes/status.ts';
import { StatusBook } from './status.ts';

export { EVERYTHING_ID, INBOX_ID, agreementCollectionId } from './collections.ts';
export { STIX, TAXII } from './media.ts';

export interface TaxiiPluginOptions {
  /** The most objects one page returns, whatever `limit` asks (default 1,000). */
  maxPage?: number;
  /** Key of the MAC on `next` tokens. Default: a random secret kept in the store, so tokens survive restarts and work on every server of a store. */
  tokenKey?: string | Buffer;
  /** How long a POST's status stays readable (default 7 days; §4.3 asks for at least 24 hours). */
  statusTtlMs?: number;
}

/**
 * TAXII 2.1 (OASIS Standard, 10 June 2021) on the object store, as a
 * fastify plugin mounted at /taxii2: discovery, one API root, and per caller
 * the collections of collections.ts. Everything under the prefix answers in
 * TAXII: its own error handler and not-found handler render TAXII error
 * objects (§3.6.1), also for the app's 401 and 429, and only TAXII 2.1
 * bodies are parsed, up to the app's body limit (= max_content_length).
 */
export async function taxiiPlugin(app: FastifyInstance, options: TaxiiPluginOptions = {}): Promise<void> {
  const { store, bodyLimit, anonymousClear } = app.tixOptions;
  const context: TaxiiContext = {
    store,
    bodyLimit,
    anonymousClear,
    maxPage: options.maxPage ?? 1000,
    tokenKey: options.tokenKey === undefined ? await store.instanceSecret('taxii-next-token') : Buffer.from(options.tokenKey),
    statuses: new StatusBook(store, options.statusTtlMs ?? 7 * 24 * 3600_000),
    // the app's one import queue, shared with the REST API: a store handle runs one import at a time
    queueImport: (task) => app.queueImport(task),
    now: () => app.tixOptions.now(),
  };

  app.setErrorHandler(async (error, request, reply) => {
    const taxii = toTaxiiError(error, bodyLimit);
    if (taxii.status >= 500) request.log.error(error);
    return send(reply.headers(taxii.headers), errorObject(taxii), taxii.status);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const error = notFound(`no TAXII resource ${request.method} ${request.url.split('?')[0]} (TAXII paths end in /)`);
    return send(reply, errorObject(error), 404);
  });

  // bodies: TAXII 2.1 only (§5.5), read as text up to the body limit; anything else is a 415
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/taxii+json', { parseAs: 'string' }, (request, body, done) => {
    if (isTaxiiContent(request.headers['content-type'])) done(null, body);
    else done(unsupportedMedia(`only TAXII 2.1 is served; send Content-Type: ${TAXII}`), undefined);
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(unsupportedMedia(), undefined));

  discoveryRoutes(app, context);
  collectionRoutes(app, context);
  objectRoutes(app, context);
  addObjectRoutes(app, context);
  statusRoutes(app, context);
}
