import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.ts';
import { taxiiPlugin, type TaxiiPluginOptions } from '../taxii/plugin.ts';
import { API_PREFIX, apiPlugin, docsRoute, OperationBook } from './api.ts';
import { webPlugin } from './web.ts';

/** The whole HTTP surface of tix on one store: the REST API under /api/v1 with its documentation at /docs (TAXII 2.1 and the web UI are mounted beside it). */
export async function buildServer(options: AppOptions & { taxii?: TaxiiPluginOptions; webRoot?: string }): Promise<FastifyInstance> {
  const { taxii, webRoot, ...appOptions } = options;
  const app = buildApp(appOptions);
  const book = new OperationBook(API_PREFIX);
  await app.register(apiPlugin(book), { prefix: API_PREFIX });
  await docsRoute(app, book);
  await app.register(taxiiPlugin, { ...taxii, prefix: '/taxii2' });
  await app.register(webPlugin, webRoot === undefined ? {} : { root: webRoot });
  return app;
}
