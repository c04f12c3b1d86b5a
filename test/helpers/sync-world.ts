/**
 * tix instances for the sync suites: each a fresh store (the backend under
 * test) served on loopback in this process, with a clock of its own that a
 * test moves, and STIX objects loaded one import at a time so each has a
 * date added of its own.
 */
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { generateApiKey } from '../../src/auth/index.ts';
import { TLP2_MARKINGS } from '../../src/formats/stix/vocab.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import type { Tlp } from '../../src/model/index.ts';
import type { Role } from '../../src/policy/index.ts';
import type { Store } from '../../src/store/store.ts';
import { freshStore } from './stores.ts';

export const START = Date.UTC(2026, 5, 1, 12);

export interface Instance {
  store: Store;
  app: FastifyInstance;
  base: string;
  /** The TAXII API root. */
  root: string;
  clock: { now: number };
  close(): Promise<void>;
}

export async function openInstance(): Promise<Instance> {
  const store = await freshStore();
  const clock = { now: START };
  const app = await buildServer({ store, now: () => clock.now, rateLimit: 1_000_000 });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    store,
    app,
    base,
    root: `${base}/taxii2/api/`,
    clock,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A key of `org` with `role` (bound to `user` if given): its token. */
export async function keyFor(store: Store, org: number, role: Role, user?: number): Promise<string> {
  const key = generateApiKey();
  await store.createApiKey({ prefix: key.prefix, hash: key.hash, org, role, createdAt: 0, ...(user === undefined ? {} : { user }) });
  return key.token;
}

export const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const IDENTITY = `identity--${uuid(1)}`;

/** The vendor's identity, the originating organisation of its objects. */
export function identity(): Record<string, unknown> {
  return { type: 'identity', spec_version: '2.1', id: IDENTITY, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: 'Vendor Labs', identity_class: 'organization', object_marking_refs: [TLP2_MARKINGS.clear] };
}

/** An indicator of one IPv4 address, by the vendor, marked with these marking ids. */
export function indicator(n: number, ip: string, markings: string[]): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${uuid(100 + n)}`,
    created: '2026-05-01T00:00:00.000Z',
    modified: '2026-05-01T00:00:00.000Z',
    created_by_ref: IDENTITY,
    pattern: `[ipv4-addr:value = '${ip}']`,
    pattern_type: 'stix',
    valid_from: '2026-05-01T00:00:00Z',
    indicator_types: ['malicious-activity'],
    ...(markings.length ? { object_marking_refs: markings } : {}),
  };
}

export const tlpMarking = (tlp: Tlp): string => TLP2_MARKINGS[tlp];

/** Loads objects into a source as one import at the instance's clock, which then moves on a second. */
export async function load(instance: Instance, source: string, objects: unknown[], tlp: Tlp = 'amber'): Promise<void> {
  const bundle = Buffer.from(JSON.stringify({ type: 'bundle', id: `bundle--${uuid(999)}`, objects }));
  await ingest(instance.store, { name: `${source}.json`, size: bundle.length, open: async function* () { yield bundle; } }, { format: 'stix', source, tlp, now: instance.clock.now });
  instance.clock.now += 1000;
}

/** The values of a source and the TLP of each, from the object store: `ip → tlp`. */
export async function heldBy(store: Store, source: string): Promise<Record<string, string>> {
  const page = await store.listObjects({ sources: [source], versions: 'all', limit: 1000 });
  const held: Record<string, string> = {};
  for (const record of page.items) {
    const match = /'([^']+)'/.exec(String(record.object.pattern ?? ''));
    held[match ? match[1]! : record.object.id] = record.tlp;
  }
  return held;
}
