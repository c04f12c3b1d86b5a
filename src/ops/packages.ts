import { createHash, type KeyObject } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { Topology } from 'topojson-specification';
import { NotFoundError } from '../errors.ts';
import { clearanceOf, type Clearance } from '../policy/index.ts';
import type { Organisation } from '../store/access.ts';
import type { Store } from '../store/store.ts';
import { ItemGrouper, summarise, type PackageItem } from './package/items.ts';
import { byList, writeListCsv, writeStixBundle } from './package/files.ts';
import { buildManifest, MANIFEST, SIGNATURE, signManifest, verifyPackage, type ManifestFile, type Verification } from './package/manifest.ts';
import { worldMapSvg } from './package/map.ts';
import { printPdf } from './package/pdf.ts';
import { streamFile, writeWholeFile } from './package/stream.ts';
import { htmlReport } from './package/report.ts';
import { signingKey } from './signing-key.ts';
import type { Operation } from './operation.ts';

const require = createRequire(import.meta.url);
const DAY = 86_400_000;

let topology: Topology | undefined;
function worldTopology(): Topology {
  topology ??= JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8')) as Topology;
  return topology;
}

export interface PackageOptions {
  operation: string;
  /** Only this country's package. */
  country?: string;
  /** The organisation the packages are for; absent: each country's partner in the operation, or, lacking one, what any member organisation may read. */
  recipient?: string;
  outDir: string;
  dataDir: string;
  now: number;
  expiresInDays?: number;
  producer?: string;
  /** Also print the report to report.pdf with this headless Chromium executable. */
  pdfWith?: string;
}

export interface BuiltPackage {
  country: string;
  recipient?: string;
  dir: string;
  items: number;
  newSinceLast: number;
  files: number;
}

/** What any member organisation may read: TLP:CLEAR and GREEN, nothing shared by agreement or by name. */
const MEMBERS_ONLY: Clearance = { clear: true, green: true, own: [], amber: [], strict: [], red: [] };

async function clearanceFor(store: Store, org: Organisation | undefined, now: number): Promise<Clearance> {
  if (!org) return MEMBERS_ONLY;
  const [distributions, agreements] = await Promise.all([store.listDistributions(), store.listAgreements()]);
  return clearanceOf({ kind: 'member', org: org.id }, distributions, new Map(agreements.map((agreement) => [agreement.id, agreement])), { now, anonymousClear: false });
}

/** Which organisation each country's package is for. */
async function recipients(store: Store, operation: Operation, countries: readonly string[], named?: string): Promise<Map<string, Organisation | undefined>> {
  const result = new Map<string, Organisation | undefined>();
  if (named !== undefined) {
    const org = await store.findOrganisation(named);
    if (!org) throw new NotFoundError(`no organisation named ${named}`);
    for (const country of countries) result.set(country, org);
    return result;
  }
  const partners = (await Promise.all(operation.partners.map((id) => store.findOrganisation(id)))).filter((org): org is Organisation => org !== undefined);
  for (const country of countries) result.set(country, partners.find((org) => org.country === country));
  return result;
}

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const stampOf = (ms: number): string => new Date(ms).toISOString().replace(/[-:.]/g, '').slice(0, 18);

/**
 * `tix op package`: per country, the items in the operation's scope that the
 * recipient is cleared for (the clearance is part of the store's query), as
 * a summary, CSV lists, a STIX 2.1 bundle and an HTML report, with a signed
 * manifest. Each package directory is written under a temporary name and
 * renamed when complete, so a failure leaves no half package.
 */
export async function buildPackages(store: Store, options: PackageOptions): Promise<BuiltPackage[]> {
  const operation = await store.findOperation(options.operation);
  if (!operation) throw new NotFoundError(`no operation named ${options.operation}`);
  const countries = options.country ? [options.country.toUpperCase()] : operation.countries;
  if (options.country && !operation.countries.includes(countries[0]!)) throw new NotFoundError(`${countries[0]} is not one of operation ${operation.name}'s countries (${operation.countries.join(', ')})`);
  const forCountry = await recipients(store, operation, countries, options.recipient);
  const key = signingKey(options.dataDir);
  const [outcomes, sources] = await Promise.all([store.listOperationOutcomes(operation.id), store.enrichmentSources()]);
  const producer = options.producer ?? 'tix';
  const expiresAt = options.now + (options.expiresInDays ?? 90) * DAY;
  // one scan of the store per distinct recipient
  const groups = new Map<string, { org: Organisation | undefined; countries: string[] }>();
  for (const country of countries) {
    const org = forCountry.get(country);
    const id = org ? String(org.id) : '';
    const group = groups.get(id);
    if (group) group.countries.push(country);
    else groups.set(id, { org, countries: [country] });
  }
  const built: BuiltPackage[] = [];
  for (const { org, countries: wanted } of groups.values()) {
    const clearance = await clearanceFor(store, org, options.now);
    const grouper = new ItemGrouper(operation);
    for await (const rows of store.scopeRows({ countries: wanted, tag: operation.tag, from: operation.startsAt, to: operation.endsAt, clearance, now: options.now })) grouper.add(rows);
    const byCountry = grouper.finish();
    const counts = new Map([...byCountry].map(([country, items]) => [country, items.length]));
    for (const country of wanted) {
      const items = byCountry.get(country) ?? [];
      const previous = await store.lastPackage(operation.id, country, org?.id);
      built.push(await writePackage(store, { operation, country, org, items, previousAt: previous?.createdAt, counts, outcomes, sources, producer, expiresAt, key, options }));
    }
  }
  return built;
}

async function writePackage(
  store: Store,
  p: {
    operation: Operation;
    country: string;
    org: Organisation | undefined;
    items: PackageItem[];
    previousAt: number | undefined;
    counts: ReadonlyMap<string, number>;
    outcomes: Awaited<ReturnType<Store['listOperationOutcomes']>>;
    sources: Awaited<ReturnType<Store['enrichmentSources']>>;
    producer: string;
    expiresAt: number;
    key: ReturnType<typeof signingKey>;
    options: PackageOptions;
  },
): Promise<BuiltPackage> {
  const { operation, country, org, items, options } = p;
  const summary = summarise(country, items, p.previousAt);
  const lists = byList(items);
  const report = htmlReport({
    operation: operation.name,
    ...(org ? { recipient: org.name } : {}),
    producer: p.producer,
    now: options.now,
    expiresAt: p.expiresAt,
    window: { from: operation.startsAt, to: operation.endsAt },
    summary,
    lists,
    outcomes: p.outcomes,
    sources: p.sources.map((record) => record.source),
    map: worldMapSvg(worldTopology(), country, p.counts),
  });
  const name = [slug(operation.name), country.toLowerCase(), org ? slug(org.name) : 'partners', stampOf(options.now)].join('_');
  const dir = join(options.outDir, name);
  const temporary = `${dir}.partial`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  let signed: { text: string; signature: string };
  let files: ManifestFile[];
  try {
    const whole = (path: string, content: string | Buffer): ManifestFile => writeWholeFile(join(temporary, path), path, content);
    // the lists and the bundle grow with the items: streamed to disk and hashed on the way
    const streamed = (path: string, produce: (write: (chunk: string) => void) => void): ManifestFile => streamFile(join(temporary, path), path, produce);
    files = [
      whole('summary.json', `${JSON.stringify({ operation: operation.name, recipient: org?.name, ...summary }, null, 2)}\n`),
      streamed('c2.csv', (write) => writeListCsv(lists.c2, write)),
      streamed('phishing.csv', (write) => writeListCsv(lists.phishing, write)),
      streamed('malicious-ips.csv', (write) => writeListCsv(lists['malicious-ip'], write)),
      streamed('other.csv', (write) => writeListCsv(lists.other, write)),
      whole('report.html', report),
      ...(options.pdfWith ? [whole('report.pdf', printPdf(report, options.pdfWith))] : []),
    ];
    const bundle = streamed('bundle.stix.json', (write) =>
      writeStixBundle(items, { now: options.now, producer: p.producer, operation: operation.name, ...(org ? { recipient: org.name } : {}), summary }, write),
    );
    const manifest = buildManifest([...files, bundle], { operation: operation.name, country, ...(org ? { recipient: org.name } : {}), producer: p.producer, createdAt: options.now, expiresAt: p.expiresAt }, p.key.publicKey);
    signed = signManifest(manifest, p.key.privateKey);
    writeFileSync(join(temporary, MANIFEST), signed.text);
    writeFileSync(join(temporary, SIGNATURE), signed.signature);
    writeFileSync(join(temporary, 'signer.pub.pem'), p.key.publicPem);
    renameSync(temporary, dir);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  await store.recordPackage({
    operation: operation.id,
    country,
    ...(org ? { recipient: org.id } : {}),
    createdAt: options.now,
    expiresAt: p.expiresAt,
    path: dir,
    manifestSha256: createHash('sha256').update(signed.text).digest('hex'),
    items: items.length,
  });
  return { country, ...(org ? { recipient: org.name } : {}), dir, items: items.length, newSinceLast: summary.newSinceLast, files: files.length + 4 };
}

/** Reads a package directory and verifies it (see verifyPackage); `signer.pub.pem` is informative and not covered. */
export function verifyPackageDir(dir: string, options: { now: number; trustedKey?: KeyObject }): Verification {
  const files = new Map<string, Buffer>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  const manifest = files.get(MANIFEST);
  const signature = files.get(SIGNATURE);
  files.delete(MANIFEST);
  files.delete(SIGNATURE);
  files.delete('signer.pub.pem');
  if (!manifest || !signature) return { ok: false, problems: [`${dir}: no ${!manifest ? MANIFEST : SIGNATURE}`], expired: false };
  return verifyPackage({ manifest, signature: signature.toString('utf8'), files }, options);
}
