import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { auditContent, AUDIT_GENESIS, verifyChain } from '../../policy/index.ts';
import type { AuditRecord } from '../../store/access.ts';
import { requireOperator } from '../admin.ts';
import { operation, pathOf, type OperationBook } from '../operation.ts';
import { iso, IsoDateSchema, OrgRefSchema } from '../schemas.ts';

const AuditQuerySchema = z
  .object({
    action: z.string().max(100).optional().describe('only entries whose action starts with this (read:, write:key, …)'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const EntrySchema = z.object({
  seq: z.number().int(),
  at: IsoDateSchema,
  org: OrgRefSchema.optional(),
  user: z.object({ id: z.number().int(), name: z.string() }).optional(),
  key: z.number().int().optional(),
  action: z.string(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()),
  count: z.number().int().optional(),
  hash: z.string(),
});

/** The audit log for the operator's admins: the latest entries, and the hash chain verified from the first entry to the last. */
export function auditRoutes(app: FastifyInstance, book: OperationBook): void {
  const { store } = app.tixOptions;
  operation(
    app,
    book,
    {
      method: 'GET',
      path: '/audit',
      operationId: 'listAudit',
      tag: 'audit',
      summary: 'The audit log, verified',
      description: 'The latest entries (newest first), optionally only those whose action starts with `action`, and the result of checking the whole hash chain, as `tix audit verify` does.',
      access: 'admins of the operator organisation',
      query: AuditQuerySchema,
      responses: {
        200: {
          description: 'the entries and the verification',
          schema: z.object({
            items: z.array(EntrySchema),
            verification: z.object({ intact: z.boolean(), entries: z.number().int(), brokenAt: z.number().int().optional(), reason: z.string().optional() }),
          }),
        },
      },
    },
    async ({ query }, request) => {
      requireOperator(request);
      // one walk of the chain: verified page by page, the latest matching entries kept
      const latest: AuditRecord[] = [];
      let start = { seq: 0, hash: AUDIT_GENESIS };
      let entries = 0;
      let broken: { seq: number; reason: string } | undefined;
      for (;;) {
        const page = await store.listAudit({ after: start.seq, limit: 10_000 });
        if (!page.length) break;
        broken ??= verifyChain(page.map(({ seq, prevHash, hash, ...entry }) => ({ seq, prevHash, hash, entry: auditContent(entry) })), start);
        entries += page.length;
        for (const record of page) {
          if (query.action !== undefined && !record.action.startsWith(query.action)) continue;
          latest.push(record);
          if (latest.length > query.limit) latest.shift();
        }
        const last = page[page.length - 1]!;
        start = { seq: last.seq, hash: last.hash };
      }
      const [orgs, users] = await Promise.all([store.listOrganisations(), store.listUsers()]);
      const orgNames = new Map(orgs.map((org) => [org.id, org.name]));
      const userNames = new Map(users.map((user) => [user.id, user.name]));
      await request.tix.audit({ action: 'read:audit', target: pathOf(request), detail: query.action ? { action: query.action } : {}, count: latest.length });
      return {
        items: latest.reverse().map((record) => ({
          seq: record.seq,
          at: iso(record.at),
          ...(record.org === undefined ? {} : { org: { id: record.org, name: orgNames.get(record.org) ?? String(record.org) } }),
          ...(record.user === undefined ? {} : { user: { id: record.user, name: userNames.get(record.user) ?? String(record.user) } }),
          ...(record.key === undefined ? {} : { key: record.key }),
          action: record.action,
          target: record.target,
          detail: record.detail,
          ...(record.count === undefined ? {} : { count: record.count }),
          hash: record.hash,
        })),
        verification: { intact: broken === undefined, entries, ...(broken ? { brokenAt: broken.seq, reason: broken.reason } : {}) },
      };
    },
  );
}
