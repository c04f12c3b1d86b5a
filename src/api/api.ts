import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { docsPage } from './docs.ts';
import { openApiDocument } from './openapi.ts';
import { operation, OperationBook } from './operation.ts';
import { agreementRoutes } from './routes/agreements.ts';
import { exportRoutes } from './routes/exports.ts';
import { indicatorWriteRoutes } from './routes/indicator-writes.ts';
import { indicatorRoutes } from './routes/indicators.ts';
import { keyRoutes } from './routes/keys.ts';
import { objectRoutes } from './routes/objects.ts';
import { auditRoutes } from './routes/audit.ts';
import { feedRoutes } from './routes/feeds.ts';
import { overviewRoutes } from './routes/overview.ts';
import { organisationRoutes } from './routes/organisations.ts';
import { reportRoutes } from './routes/reports.ts';
import { investigationRoutes } from './routes/investigations.ts';
import { rfiRoutes } from './routes/rfis.ts';
import { outcomeRoutes } from './routes/outcomes.ts';
import { operationRoutes } from './routes/operations.ts';
import { scanRoutes } from './routes/scans.ts';
import { sightingRoutes } from './routes/sightings.ts';
import { sourceRoutes } from './routes/sources.ts';
import { userRoutes } from './routes/users.ts';
import { sessionRoutes } from './session.ts';

export const API_PREFIX = '/api/v1';
export const API_VERSION = '1.0.0';

/** Each resource's routes, in the order the documentation lists them. */
const RESOURCES = [
  indicatorRoutes,
  indicatorWriteRoutes,
  overviewRoutes,
  sourceRoutes,
  feedRoutes,
  objectRoutes,
  sightingRoutes,
  scanRoutes,
  reportRoutes,
  investigationRoutes,
  rfiRoutes,
  outcomeRoutes,
  operationRoutes,
  exportRoutes,
  organisationRoutes,
  agreementRoutes,
  userRoutes,
  keyRoutes,
  sessionRoutes,
  auditRoutes,
] as const;

/**
 * The REST API as a fastify plugin (registered under API_PREFIX): every
 * resource's operations, and the OpenAPI document generated from them.
 * Returns the operation book, from which the documentation page is drawn.
 */
export function apiPlugin(book: OperationBook): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    for (const routes of RESOURCES) routes(app, book);
    let document: Record<string, unknown> | undefined;
    operation(
      app,
      book,
      {
        method: 'GET',
        path: '/openapi.json',
        operationId: 'openApi',
        tag: 'documentation',
        summary: 'This API as an OpenAPI 3.1 document',
        description: 'Generated from the same schemas that validate requests. Browsable at `/docs`.',
        access: 'anyone, signed in or not',
        responses: { 200: { description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
      },
      async () => (document ??= openApiDocument(book, API_VERSION)),
    );
  };
}

/** `/docs`: the operations of the API as one self-contained page (no script, nothing loaded from elsewhere). */
export async function docsRoute(app: FastifyInstance, book: OperationBook): Promise<void> {
  let page: string | undefined;
  app.get('/docs', async (_request, reply) => {
    page ??= docsPage(openApiDocument(book, API_VERSION), `${API_PREFIX}/openapi.json`);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
      .send(page);
  });
}

export { OperationBook };
