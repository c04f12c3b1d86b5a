import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.ts';
import { taxiiPlugin } from '../taxii/plugin.ts';
import { indicatorRoutes } from './routes/indicators.ts';

/** The whole HTTP surface of tix on one store: the REST API under /api/v1 (TAXII 2.1 and the web UI are mounted beside it). */
export async function buildServer(options: AppOptions): Promise<FastifyInstance> {
  const app = buildApp(options);
  await app.register(
    async (api) => {
      await api.register(indicatorRoutes);
    },
    { prefix: '/api/v1' },
  );
  await app.register(taxiiPlugin, { prefix: '/taxii2' });
  return app;
}
