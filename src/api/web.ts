import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build` writes the web UI: dist/web, beside src/ and dist/ alike. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** Everything the page loads comes from this server; nothing runs inline, nothing frames it. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The web UI: `/` is the page (never cached, so a new build shows at once),
 * `/assets/*` the bundled scripts and styles, whose names carry a content
 * hash and are cached for a year. The file list is read once at start, so a
 * request can only ever name a file the build wrote.
 */
export async function webPlugin(app: FastifyInstance, options: { root?: string }): Promise<void> {
  const root = options.root ?? DEFAULT_WEB_ROOT;
  const assets = new Map<string, { path: string; size: number }>();
  const assetDir = join(root, 'assets');
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const path = join(assetDir, name);
      assets.set(name, { path, size: statSync(path).size });
    }
  }
  const index = join(root, 'index.html');
  const security = (reply: { header(name: string, value: string): unknown }): void => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  };

  app.get('/', async (_request, reply) => {
    security(reply);
    if (!existsSync(index)) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The web UI has not been built: run `npm run build`.\n');
    }
    reply.header('content-security-policy', CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('cache-control', 'no-cache');
    return reply.type(TYPES['.html']!).send(createReadStream(index));
  });

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    security(reply);
    if (!asset) return reply.callNotFound();
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    reply.header('content-length', String(asset.size));
    return reply.type(TYPES[extname(asset.path)] ?? 'application/octet-stream').send(createReadStream(asset.path));
  });
}
