import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.ts';
import { taxiiPlugin } from '../taxii/plugin.ts';
import { API_PREFIX, apiPlugin, docsRoute, OperationBook } from './api.ts';
import { webPlugin } from './web.ts';

/** The whole HTTP surface of tix on one store: the REST API under /api/v1 with its documentation at /docs (TAXII 2.1 and the web UI are mounted beside it). */
export async function buildServer(options: AppOptions & { webRoot?: string }): Promise<FastifyInstance> {
  const app = buildApp(options);
  const book = new OperationBook(API_PREFIX);
  await app.register(apiPlugin(book), { prefix: API_PREFIX });
  await docsRoute(app, book);
  await app.register(taxiiPlugin, { prefix: '/taxii2' });
  await app.register(webPlugin, options.webRoot === undefined ? {} : { root: options.webRoot });
  return app;
}
