import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { requireMember } from '../../api/app.ts';
import { ingest } from '../../ingest/ingest.ts';
import type { Issue } from '../../model/index.ts';
import type { Store } from '../../store/store.ts';
import { collectionOf } from '../access.ts';
import { inboxSource, WRITERS } from '../collections.ts';
import { checkAccept, pathOf, send, type TaxiiContext } from '../context.ts';
import { TaxiiError, unsupportedMedia } from '../errors.ts';
import { TAXII } from '../media.ts';
import { failuresOf, statusOf } from '../status.ts';
import { sightingFacts } from '../../sync/sighting.ts';
import type { Principal } from '../../auth/index.ts';

type Params = { Params: { collection: string } };

const unprocessable = (description: string): TaxiiError => new TaxiiError(422, 'Unprocessable Content', description);

/**
 * A posted envelope (§3.7; a bundle has the same `objects`): its objects, and
 * the text the STIX reader gets, which is the body itself made a bundle by
 * naming it one (never re-serialised: JSON too deep for JSON.stringify still
 * reaches the reader, which refuses it object by object). A 400 or 422
 * otherwise.
 */
function envelopeOf(body: unknown): { objects: unknown[]; bundle: Buffer } {
  const text = typeof body === 'string' ? body : '';
  if (text.trim() === '') throw unprocessable('the body must be an envelope: {"objects": [...]}');
  let posted: unknown;
  try {
    posted = JSON.parse(text);
  } catch (error) {
    throw new TaxiiError(400, 'Bad Request', `the body is not JSON: ${(error as Error).message}`);
  }
  const envelope = posted as { objects?: unknown; type?: unknown } | null;
  if (typeof posted !== 'object' || posted === null || Array.isArray(posted) || !Array.isArray(envelope?.objects)) {
    throw unprocessable('the body must be an envelope: {"objects": [...]}');
  }
  if (envelope.type !== undefined && envelope.type !== 'bundle') throw unprocessable('the body must be an envelope or a bundle, not a STIX object');
  const open = text.indexOf('{');
  const bundle = Buffer.from(`{"type":"bundle","id":"bundle--${randomUUID()}",${text.slice(open + 1)}`);
  return { objects: envelope.objects, bundle };
}

/** `store` with every import it begins shared under `distribution`, inside the import's transaction (posted objects are never visible under another sharing, not even for a moment). */
function sharedAs(store: Store, distribution: number): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'beginImport') return (meta: Parameters<Store['beginImport']>[0]) => target.beginImport({ ...meta, distribution });
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Posted STIX sightings of objects this tix holds are recorded as sightings
 * by the posting organisation (origin taxii), so the owners of the sighted
 * data see them as they see their own users' sightings; each STIX sighting
 * once, however often it is posted (its id is kept in the note).
 */
async function recordSightings(store: Store, objects: readonly unknown[], failed: ReadonlyMap<number, string>, caller: Extract<Principal, { kind: 'member' }>, now: number): Promise<void> {
  for (const [index, object] of objects.entries()) {
    if (failed.has(index) || typeof object !== 'object' || object === null) continue;
    const facts = sightingFacts(object as Record<string, unknown>);
    if (!facts) continue;
    const id = (object as { id: string }).id;
    const known = await store.listSightings({ reader: { org: caller.org }, objectId: facts.objectId, by: caller.org, limit: 1000 });
    if (known.items.some((sighting) => sighting.note?.endsWith(`(${id})`))) continue;
    await store.addSighting({
      target: { objectId: facts.objectId },
      org: caller.org,
      ...(caller.user === undefined ? {} : { user: caller.user }),
      ...(caller.key === undefined ? {} : { key: caller.key }),
      origin: 'taxii',
      firstSeen: facts.firstSeen,
      lastSeen: facts.lastSeen,
      count: facts.count,
      note: facts.note,
      createdAt: now,
    });
  }
}

/**
 * Add objects (§5.5): an envelope posted to the caller's inbox goes through
 * the same STIX reader as `tix ingest` (so posted indicators are in the
 * indicator index at once), as the caller's organisation's source
 * `taxii:<organisation>`. Its first post shares that source with its owner
 * only; later posts keep whatever sharing an administrator gave it since.
 * Imports run one at a time; the answer is 202 with a complete status
 * (§4.3), kept for GET /status/{id}/.
 */
export function addObjectRoutes(app: FastifyInstance, context: TaxiiContext): void {
  const { store } = context;
  app.post<Params>(
    '/api/collections/:collection/objects/',
    {
      // refused before the body is read: who may write, and where
      onRequest: async (request) => {
        checkAccept(request);
        requireMember(request);
        const collection = await collectionOf(request, context, request.params.collection);
        if (!collection.canWrite) {
          const why = collection.kind === 'inbox' ? `posting needs one of the roles ${WRITERS.join(', ')}` : `collection ${collection.alias} is read-only; post to your inbox`;
          throw new TaxiiError(403, 'Forbidden', why);
        }
        if (request.headers['content-type'] === undefined) throw unsupportedMedia(`send an envelope with Content-Type: ${TAXII}`);
      },
    },
    async (request, reply) => {
      const caller = requireMember(request, WRITERS);
      const collection = await collectionOf(request, context, request.params.collection);
      const { objects, bundle } = envelopeOf(request.body);
      const failed = new Map<number, string>();
      if (objects.length) {
        const source = inboxSource(caller.orgName);
        const issues: Issue[] = [];
        await context.queueImport(async () => {
          // a source that holds objects was posted to before: its sharing is the administrator's to change, not the next post's
          const known = (await store.listObjects({ sources: [source], versions: 'all', limit: 1 })).items.length > 0;
          const target = known ? store : sharedAs(store, (await store.distribution({ owner: caller.org, agreements: [], recipientOrgs: [], recipientUsers: [] })).id);
          // date_added is taken when the import starts, in the queue: imports commit in date_added order, so paging never passes over one still running
          const input = { name: `TAXII POST by ${caller.orgName}`, size: bundle.length, open: async function* () { yield bundle; } };
          await ingest(target, input, { format: 'stix', source, now: Math.max(request.tix.now, context.now()), onIssue: (issue) => issues.push(issue) });
        });
        for (const [index, message] of failuresOf(issues)) failed.set(index, message);
        await recordSightings(store, objects, failed, caller, request.tix.now);
        // §5.5: 422 for content the server cannot process at all, such as an unsupported STIX version
        if (failed.size === objects.length && issues.filter((issue) => issue.code === 'TIX_STIX_VERSION').length >= objects.length) {
          throw unprocessable('no object of a STIX version this server takes (2.0, 2.1)');
        }
      }
      const status = statusOf(randomUUID(), request.tix.now, objects, failed);
      await context.statuses.put(status, caller.org, request.tix.now);
      await request.tix.audit({
        action: 'write:taxii-objects',
        target: pathOf(request),
        detail: { collection: collection.alias, status: status.id, failures: status.failure_count },
        count: status.success_count,
      });
      return send(reply, status, 202);
    },
  );
}
