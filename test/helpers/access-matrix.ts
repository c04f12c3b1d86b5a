/**
 * The authorisation matrix every read path is checked against: six
 * organisations (a vendor, an international police body, two national
 * police units, a CERT, an ISP) and the operator; data of every TLP under
 * every kind of sharing (the owner's own, an active agreement, an expired
 * one, one not yet started, one capped at GREEN, named recipient
 * organisations and users); sightings by owners and by others. Built with
 * the store API only, then served on loopback.
 *
 * A read path (REST here; TAXII paths can be added the same way) says what
 * it revealed to a reader; `checkReadPaths` compares that with what the
 * sharing rules, written out independently below, allow, and looks for any
 * trace of a forbidden item in every response body. Zero leaks, and nothing
 * visible missing. A lookup of something the reader may not read must be
 * answered exactly as a lookup of something that does not exist (GHOST).
 *
 * Adding another interface's paths, e.g. TAXII's:
 *
 *   const TAXII_PATHS: ReadPath[] = [{
 *     name: 'taxii objects',
 *     all: async (caller) => {
 *       const reply = await caller.request(`/taxii2/api/collections/${EVERYTHING}/objects/?limit=1000`, { headers: { accept: TAXII } });
 *       if (reply.status === 401) return { refused: 401, texts: [reply.text] };
 *       return { items: (reply.body.objects ?? []).map((o) => itemOf(o.id)?.key ?? o.id), texts: [String(reply.status), reply.text] };
 *     },
 *   }];
 *   const matrix = await openAccessMatrix();
 *   assert.deepEqual(await checkReadPaths(matrix, TAXII_PATHS), []);
 */
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { TLP_LEVELS, type Observation, type Tlp } from '../../src/model/index.ts';
import type { OrgKind } from '../../src/policy/index.ts';
import type { Store } from '../../src/store/store.ts';
import { dataDirOf, freshStore } from './stores.ts';
import { basic, call, makeKey, type CallOptions, type Reply } from './api.ts';
import { hashPassword } from '../../src/auth/index.ts';

export const MATRIX_NOW = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;

export const ORGS = {
  vendor: { name: 'Vendor Labs', kind: 'vendor' },
  interpol: { name: 'International Police', kind: 'international-police' },
  policeA: { name: 'National Police A', kind: 'national-police' },
  policeB: { name: 'National Police B', kind: 'national-police' },
  cert: { name: 'National CERT', kind: 'cert' },
  isp: { name: 'Regional ISP', kind: 'isp' },
} as const satisfies Record<string, { name: string; kind: OrgKind }>;
export type OrgKey = keyof typeof ORGS | 'operator';

/** The agreements, and whether each carries anything now. */
export const AGREEMENTS = {
  active: { members: ['vendor', 'interpol', 'policeA'], startsAt: MATRIX_NOW - 30 * DAY, endsAt: MATRIX_NOW + 30 * DAY, maxTlp: 'amber' },
  expired: { members: ['vendor', 'policeB'], startsAt: MATRIX_NOW - 90 * DAY, endsAt: MATRIX_NOW - DAY, maxTlp: 'amber' },
  future: { members: ['vendor', 'isp'], startsAt: MATRIX_NOW + DAY, endsAt: MATRIX_NOW + 90 * DAY, maxTlp: 'amber' },
  capped: { members: ['cert', 'isp', 'policeB'], startsAt: MATRIX_NOW - 30 * DAY, maxTlp: 'green' },
} as const satisfies Record<string, { members: readonly OrgKey[]; startsAt: number; endsAt?: number; maxTlp: Tlp }>;
type AgreementKey = keyof typeof AGREEMENTS;

/** How each source is shared: one source per variant, each holding one value and one STIX object of every TLP. */
export const VARIANTS = [
  { name: 'own', owner: 'vendor' },
  { name: 'active', owner: 'vendor', agreement: 'active' },
  { name: 'expired', owner: 'vendor', agreement: 'expired' },
  { name: 'future', owner: 'vendor', agreement: 'future' },
  { name: 'capped', owner: 'cert', agreement: 'capped' },
  { name: 'recipients', owner: 'policeA', recipientOrgs: ['cert'], recipientUsers: ['ispAnalyst'] },
] as const satisfies ReadonlyArray<{ name: string; owner: OrgKey; agreement?: AgreementKey; recipientOrgs?: readonly OrgKey[]; recipientUsers?: readonly string[] }>;
type Variant = (typeof VARIANTS)[number];

export interface Item {
  /** `<variant>/<tlp>`. */
  key: string;
  variant: Variant;
  source: string;
  tlp: Tlp;
  /** The value: every value has the same length, so none is part of another. */
  value: string;
  objectId: string;
}

/** Who reads: an organisation's key, a user named as a RED recipient (through a key bound to the user), or nobody signed in. */
export interface Reader {
  name: string;
  org?: OrgKey;
  user?: 'ispAnalyst';
  /** Reads from the server that lets TLP:CLEAR out without credentials. */
  anonymous?: boolean;
}

export const READERS: readonly Reader[] = [
  { name: 'operator', org: 'operator' },
  { name: 'vendor', org: 'vendor' },
  { name: 'interpol', org: 'interpol' },
  { name: 'policeA', org: 'policeA' },
  { name: 'policeB', org: 'policeB' },
  { name: 'cert', org: 'cert' },
  { name: 'isp', org: 'isp' },
  { name: 'ispAnalyst', org: 'isp', user: 'ispAnalyst' },
  { name: 'anonymous', anonymous: true },
];

export interface MatrixSighting {
  id: number;
  item: Item;
  by: OrgKey;
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const ITEMS: readonly Item[] = VARIANTS.flatMap((variant, v) =>
  TLP_LEVELS.map((tlp, t) => ({
    key: `${variant.name}/${tlp}`,
    variant,
    source: `matrix-${variant.name}`,
    tlp,
    value: `198.18.${10 + v}.${10 + t}`,
    objectId: `indicator--${uuid(100 + v * 10 + t)}`,
  })),
);

/**
 * The sharing rules, written out for the matrix without tix's policy code:
 * the owner reads everything it owns; CLEAR anyone (unauthenticated callers
 * where allowed); GREEN any member; AMBER members of an agreement in force
 * that carries AMBER, and named recipient organisations; AMBER+STRICT named
 * recipient organisations; RED named recipient users.
 */
export function mayRead(reader: Reader, item: Item): boolean {
  if (reader.anonymous) return item.tlp === 'clear';
  const variant = item.variant as { owner: OrgKey; agreement?: AgreementKey; recipientOrgs?: readonly OrgKey[]; recipientUsers?: readonly string[] };
  if (variant.owner === reader.org) return true;
  const agreement = variant.agreement && (AGREEMENTS[variant.agreement] as { members: readonly OrgKey[]; startsAt: number; endsAt?: number; maxTlp: Tlp });
  const inForce = agreement !== undefined && agreement.startsAt <= MATRIX_NOW && (agreement.endsAt === undefined || MATRIX_NOW < agreement.endsAt);
  switch (item.tlp) {
    case 'clear':
    case 'green':
      return true;
    case 'amber':
      return (
        (inForce && agreement.members.includes(reader.org!) && TLP_LEVELS.indexOf(agreement.maxTlp) >= TLP_LEVELS.indexOf('amber')) ||
        (variant.recipientOrgs ?? []).includes(reader.org!)
      );
    case 'amber+strict':
      return (variant.recipientOrgs ?? []).includes(reader.org!);
    case 'red':
      return reader.user !== undefined && (variant.recipientUsers ?? []).includes(reader.user);
  }
}

/** A sighting is read by the organisation that made it and the owner of what was sighted. */
export function maySeeSighting(reader: Reader, sighting: MatrixSighting): boolean {
  if (reader.anonymous) return false;
  return reader.org === sighting.by || reader.org === sighting.item.variant.owner;
}

export interface Caller {
  reader: Reader;
  request(path: string, options?: Omit<CallOptions, 'auth'>): Promise<Reply>;
}

export interface AccessMatrix {
  store: Store;
  base: string;
  anonymousBase: string;
  orgIds: Record<OrgKey, number>;
  callers: Caller[];
  /** Credentials that must be refused (401) on every path: a key never issued, a malformed one, an expired and a revoked key, a wrong password, a disabled user, a foreign scheme. */
  badCredentials: Record<string, string>;
  sightings: MatrixSighting[];
  close(): Promise<void>;
}

export async function openAccessMatrix(): Promise<AccessMatrix> {
  const store = await freshStore();
  const orgIds = { operator: 1 } as Record<OrgKey, number>;
  for (const [key, org] of Object.entries(ORGS)) orgIds[key as OrgKey] = (await store.createOrganisation({ ...org, createdAt: 0 })).id;
  const ispAnalyst = await store.createUser({ name: 'isp-analyst', org: orgIds.isp, role: 'reader', createdAt: 0, passwordHash: await hashPassword('isp-analyst-password') });
  const agreementIds = {} as Record<AgreementKey, number>;
  for (const [key, agreement] of Object.entries(AGREEMENTS) as Array<[AgreementKey, (typeof AGREEMENTS)[AgreementKey]]>) {
    const created = await store.createAgreement(
      {
        name: `Agreement ${key}`,
        members: agreement.members.map((org) => orgIds[org]),
        countries: [],
        purpose: key,
        startsAt: agreement.startsAt,
        ...('endsAt' in agreement ? { endsAt: agreement.endsAt } : {}),
        maxTlp: agreement.maxTlp,
        mayShareOnward: false,
      },
      0,
    );
    agreementIds[key] = created.id;
  }
  for (const variant of VARIANTS as ReadonlyArray<{ name: string; owner: OrgKey; agreement?: AgreementKey; recipientOrgs?: readonly OrgKey[]; recipientUsers?: readonly string[] }>) {
    const distribution = await store.distribution({
      owner: orgIds[variant.owner],
      agreements: variant.agreement ? [agreementIds[variant.agreement]] : [],
      recipientOrgs: (variant.recipientOrgs ?? []).map((org) => orgIds[org]),
      recipientUsers: (variant.recipientUsers ?? []).map(() => ispAnalyst.id),
    });
    const items = ITEMS.filter((item) => item.variant.name === variant.name);
    const session = await store.beginImport({ source: `matrix-${variant.name}`, origin: 'matrix', format: 'stix', startedAt: MATRIX_NOW - DAY, tlp: 'amber', distribution: distribution.id });
    await session.add(
      items.map((item, line): Observation => ({ type: 'ipv4', value: item.value, firstSeen: MATRIX_NOW - 2 * DAY, lastSeen: MATRIX_NOW - DAY, tags: [], tlp: item.tlp, raw: item.value, line: line + 1, objectId: item.objectId })),
    );
    await session.addObjects(
      items.map((item, line) => ({
        line: line + 1,
        tlp: item.tlp,
        object: {
          type: 'indicator',
          spec_version: '2.1',
          id: item.objectId,
          created: '2026-01-01T00:00:00.000Z',
          modified: '2026-01-01T00:00:00.000Z',
          name: `matrix ${item.key}`,
          pattern: `[ipv4-addr:value = '${item.value}']`,
          pattern_type: 'stix',
          valid_from: '2026-01-01T00:00:00Z',
        },
      })),
    );
    await session.commit({ read: items.length, accepted: items.length, rejected: 0 });
  }

  // sightings: one by the owner of every item, and one by the first other organisation that may read it
  const sightings: MatrixSighting[] = [];
  const sighters: OrgKey[] = ['isp', 'cert', 'policeB', 'interpol', 'policeA', 'vendor'];
  for (const item of ITEMS) {
    const others = sighters.filter((org) => org !== item.variant.owner && mayRead({ name: org, org }, item));
    for (const [n, by] of [item.variant.owner as OrgKey, ...others.slice(0, 1)].entries()) {
      const target = n % 2 === 0 ? { indicator: { type: 'ipv4' as const, value: item.value } } : { objectId: item.objectId };
      const made = await store.addSighting({ target, org: orgIds[by], origin: 'analyst', firstSeen: MATRIX_NOW - DAY, lastSeen: MATRIX_NOW - DAY, count: 1, createdAt: MATRIX_NOW - DAY });
      if (!made) throw new Error(`no sighting made of ${item.key}`);
      sightings.push({ id: made.id, item, by });
    }
  }

  const keys = new Map<string, string>();
  for (const reader of READERS) {
    if (reader.anonymous) continue;
    keys.set(reader.name, await makeKey(store, orgIds[reader.org!], 'reader', reader.user ? { user: ispAnalyst.id } : {}));
  }
  const expired = await makeKey(store, orgIds.vendor, 'reader', { expiresAt: MATRIX_NOW - 1 });
  const revoked = await makeKey(store, orgIds.vendor, 'reader');
  await store.revokeApiKey(revoked.split('_')[1]!, MATRIX_NOW - DAY);
  await store.createUser({ name: 'gone', org: orgIds.vendor, role: 'reader', createdAt: 0, disabledAt: 1, passwordHash: await hashPassword('gone-password') });
  const badCredentials = {
    unknownKey: 'tix_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    malformedKey: 'Bearer not-a-key',
    wrongSecret: `${keys.get('vendor')!.slice(0, 18)}${'B'.repeat(43)}`,
    expiredKey: expired,
    revokedKey: revoked,
    wrongPassword: basic('isp-analyst', 'not-the-password'),
    disabledUser: basic('gone', 'gone-password'),
    foreignScheme: 'Digest username="vendor"',
  };

  const options = { store, dataDir: dataDirOf(store), now: () => MATRIX_NOW, rateLimit: 1_000_000 };
  const app: FastifyInstance = await buildServer(options);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const anonymousApp: FastifyInstance = await buildServer({ ...options, anonymousClear: true });
  const anonymousBase = await anonymousApp.listen({ port: 0, host: '127.0.0.1' });
  const callers = READERS.map(
    (reader): Caller => ({
      reader,
      request: (path, init = {}) => (reader.anonymous ? call(anonymousBase, path, init) : call(base, path, { ...init, auth: keys.get(reader.name)! })),
    }),
  );
  return {
    store,
    base,
    anonymousBase,
    orgIds,
    callers,
    badCredentials,
    sightings,
    async close() {
      await app.close();
      await anonymousApp.close();
      await store.close();
    },
  };
}

/**
 * What one call of a read path revealed: item keys, sighting ids or a count,
 * every response (status and body) it read, and the headers it got.
 */
export type Revealed = { texts: string[]; headers?: string[] } & Finding;
/** Items revealed (by key), sightings revealed (by id), a count, or a refusal (its status). */
export type Finding = { items: Iterable<string> } | { sightings: Iterable<number> } | { count: number } | { refused: number };

/**
 * A read path of some interface. `all` reads the reader's whole view (a
 * listing walked to its end, a count of everything); `each` looks up one
 * item (by value, by id, through a filter). A members-only path reports
 * `{refused: status}` for anonymous callers, which must be a 401.
 */
export interface ReadPath {
  name: string;
  membersOnly?: boolean;
  /** What the path reveals: items (the default) or sightings. */
  reveals?: 'items' | 'sightings';
  all?(caller: Caller): Promise<Revealed>;
  each?(caller: Caller, item: Item): Promise<Revealed>;
}

const sortedText = (values: Iterable<string | number>): string => JSON.stringify([...values].map(String).sort());

/** A value and an object no source holds, shaped like the matrix's: what asking for something that does not exist looks like. */
export const GHOST: Item = { ...ITEMS[0]!, key: 'ghost', value: '198.18.99.99', objectId: `indicator--${uuid(0xfffff)}` };

/** The texts with what was asked for replaced, so an answer about one item compares with the answer about another. */
const asked = (texts: readonly string[], item: Item): string => texts.map((text) => text.replaceAll(item.value, '<value>').replaceAll(item.objectId, '<id>')).join('\n');

/**
 * Runs every path for every reader and returns every failure found: an item
 * or sighting revealed that the reader may not read (or one it may read
 * missing), a wrong count, a marker of a forbidden item anywhere in a body.
 */
export async function checkReadPaths(matrix: AccessMatrix, paths: readonly ReadPath[]): Promise<string[]> {
  const failures: string[] = [];
  for (const caller of matrix.callers) {
    const { reader } = caller;
    const visible = ITEMS.filter((item) => mayRead(reader, item));
    const forbidden = ITEMS.filter((item) => !mayRead(reader, item));
    const seen = matrix.sightings.filter((sighting) => maySeeSighting(reader, sighting));
    const judge = (path: ReadPath, label: string, revealed: Revealed, items: readonly Item[], sightings: readonly MatrixSighting[], echo?: Item): void => {
      const where = `${reader.name} ${path.name}${label}`;
      // a lookup may echo what was asked (a 404 names the value): that is the caller's own input, compared with a ghost's answer instead
      const texts = [...revealed.texts, ...(revealed.headers ?? [])].map((text) => (echo ? asked([text], echo) : text));
      for (const text of texts) {
        for (const item of forbidden) {
          if (text.includes(item.value) || text.includes(item.objectId)) failures.push(`${where}: LEAK of ${item.key} in the response`);
        }
      }
      if ('refused' in revealed) {
        if (!(path.membersOnly && reader.anonymous && revealed.refused === 401)) failures.push(`${where}: refused with ${revealed.refused}`);
        return;
      }
      if (path.membersOnly && reader.anonymous) failures.push(`${where}: an anonymous caller was answered`);
      if ('count' in revealed) {
        const expected = path.reveals === 'sightings' ? sightings.length : items.length;
        if (revealed.count !== expected) failures.push(`${where}: counted ${revealed.count}, may read ${expected}`);
      } else if ('items' in revealed) {
        const got = sortedText(revealed.items);
        const want = sortedText(items.map((item) => item.key));
        if (got !== want) failures.push(`${where}: revealed ${got}, may read ${want}`);
      } else {
        const got = sortedText(revealed.sightings);
        const want = sortedText(sightings.map((sighting) => sighting.id));
        if (got !== want) failures.push(`${where}: revealed sightings ${got}, may read ${want}`);
      }
    };
    for (const path of paths) {
      if (path.all) judge(path, '', await path.all(caller), visible, seen);
      if (path.each) {
        const ghost = asked((await path.each(caller, GHOST)).texts, GHOST);
        for (const item of ITEMS) {
          const revealed = await path.each(caller, item);
          const readable = mayRead(reader, item);
          judge(path, ` [${item.key}]`, revealed, readable ? [item] : [], seen.filter((sighting) => sighting.item === item), readable ? undefined : item);
          // no oracle: what may not be read is answered exactly as what does not exist
          if (!readable && asked(revealed.texts, item) !== ghost) failures.push(`${reader.name} ${path.name} [${item.key}]: answered unlike a value that does not exist`);
        }
      }
    }
  }
  return failures;
}

/** The item a value or object id names. */
export function itemOf(marker: string): Item | undefined {
  return ITEMS.find((item) => item.value === marker || item.objectId === marker);
}
