import type { FastifyInstance } from 'fastify';
import { requireMember } from '../../api/app.ts';
import { checkAccept, pathOf, send, type TaxiiContext } from '../context.ts';
import { notFound } from '../errors.ts';

/** A POST's status (§4.3): readable by the poster's organisation only; unknown, expired and other organisations' ids are 404. */
export function statusRoutes(app: FastifyInstance, context: TaxiiContext): void {
  app.get<{ Params: { status: string } }>('/api/status/:status/', async (request, reply) => {
    checkAccept(request);
    const caller = requireMember(request);
    const status = await context.statuses.get(request.params.status, caller.org, request.tix.now);
    if (!status) throw notFound('no such status, or it has expired');
    await request.tix.audit({ action: 'read:taxii-status', target: pathOf(request), detail: { status: status.id }, count: status.total_count });
    return send(reply, status);
  });
}
