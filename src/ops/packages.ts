import type { KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { NotFoundError } from '../errors.ts';
import { clearanceOf, type Clearance } from '../policy/index.ts';
import type { Organisation } from '../store/access.ts';
import type { Store } from '../store/store.ts';
import { ItemGrouper } from './package/items.ts';
import { MANIFEST, SIGNATURE, verifyPackage, type Verification } from './package/manifest.ts';
import { THREADS_FROM_ITEMS, writePackagesOn } from './package/threads.ts';
import type { PackageJob, PackageRun } from './package/write.ts';
import { signingKey } from './signing-key.ts';
import type { Operation } from './operation.ts';

const DAY = 86_400_000;

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
  /** Threads to write the packages on; by default every core once there are many items. */
  threads?: number;
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

/**
 * `tix op package`: per country, the items in the operation's scope that the
 * recipient is cleared for (the clearance is part of the store's query), as
 * a summary, CSV lists, a STIX 2.1 bundle and an HTML report, with a signed
 * manifest. The store is read once per distinct recipient, grouping items by
 * country; the packages are then written on as many threads as help.
 */
export async function buildPackages(store: Store, options: PackageOptions): Promise<BuiltPackage[]> {
  const operation = await store.findOperation(options.operation);
  if (!operation) throw new NotFoundError(`no operation named ${options.operation}`);
  const countries = options.country ? [options.country.toUpperCase()] : operation.countries;
  if (options.country && !operation.countries.includes(countries[0]!)) throw new NotFoundError(`${countries[0]} is not one of operation ${operation.name}'s countries (${operation.countries.join(', ')})`);
  const forCountry = await recipients(store, operation, countries, options.recipient);
  const [outcomes, sources] = await Promise.all([store.listOperationOutcomes(operation.id), store.enrichmentSources()]);
  const run: PackageRun = {
    operation: { name: operation.name, startsAt: operation.startsAt, endsAt: operation.endsAt },
    outcomes,
    sources: sources.map((record) => record.source),
    producer: options.producer ?? 'tix',
    now: options.now,
    expiresAt: options.now + (options.expiresInDays ?? 90) * DAY,
    outDir: options.outDir,
    ...(options.pdfWith ? { pdfWith: options.pdfWith } : {}),
    key: signingKey(options.dataDir),
  };
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
    const jobs: PackageJob[] = [];
    for (const country of wanted) {
      const previous = await store.lastPackage(operation.id, country, org?.id);
      jobs.push({ country, ...(org ? { recipient: org.name } : {}), items: byCountry.get(country) ?? [], previousAt: previous?.createdAt, counts });
    }
    const written = await writePackagesOn(threadsFor(options, jobs), run, jobs);
    for (const [at, job] of jobs.entries()) {
      const result = written[at]!;
      await store.recordPackage({
        operation: operation.id,
        country: job.country,
        ...(org ? { recipient: org.id } : {}),
        createdAt: options.now,
        expiresAt: run.expiresAt,
        path: result.dir,
        manifestSha256: result.manifestSha256,
        items: result.items,
      });
      built.push({ country: job.country, ...(org ? { recipient: org.name } : {}), dir: result.dir, items: result.items, newSinceLast: result.newSinceLast, files: result.files });
    }
  }
  return built;
}

/** The threads to write with: the option, or every core for many items; one when printing PDFs, which runs a browser per package already. */
function threadsFor(options: PackageOptions, jobs: readonly PackageJob[]): number {
  if (options.threads !== undefined) return options.threads;
  if (options.pdfWith) return 1;
  const items = jobs.reduce((sum, job) => sum + job.items.length, 0);
  return items >= THREADS_FROM_ITEMS ? availableParallelism() : 1;
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
