import type { FastifyInstance } from 'fastify';
import { callerOf } from '../access.ts';
import { API_ROOT, checkAccept, send, type TaxiiContext } from '../context.ts';
import { TAXII } from '../media.ts';

/**
 * Discovery (§4.1), at the server root as §8.2.1 requires, and the API root
 * (§4.2). Discovery is open to anyone (it says only where the API root is;
 * bad credentials are still a 401); the API root needs a member, or an
 * anonymous caller where the operator serves TLP:CLEAR without sign-in.
 */
export function discoveryRoutes(app: FastifyInstance, context: TaxiiContext): void {
  // §3.1: TAXII paths end in /, so /taxii2 itself is not discovery
  app.get('/', { prefixTrailingSlash: 'slash' }, async (request, reply) => {
    checkAccept(request);
    return send(reply, {
      title: 'tix',
      description: 'TAXII 2.1 on a tix threat-intelligence exchange: what each caller may read under TLP 2.0, its organisation and its sharing agreements',
      default: API_ROOT,
      api_roots: [API_ROOT],
    });
  });

  app.get('/api/', async (request, reply) => {
    checkAccept(request);
    callerOf(request, context);
    return send(reply, {
      title: 'tix',
      description: 'STIX 2.1 objects shared under tix sharing rules; POST to your inbox collection',
      versions: [TAXII],
      // the app's body limit itself: a body of exactly this many bytes is accepted, one more is a 413 (§4.2.1)
      max_content_length: context.bodyLimit,
    });
  });
}
