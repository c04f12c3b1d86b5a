import { createHash, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Topology } from 'topojson-specification';
import type { DataSource } from '../../enrich/index.ts';
import type { Outcome } from '../operation.ts';
import { byList, writeListCsv, writeStixBundle } from './files.ts';
import { summarise, type PackageItem } from './items.ts';
import { buildManifest, MANIFEST, SIGNATURE, signManifest, type ManifestFile } from './manifest.ts';
import { worldMapSvg } from './map.ts';
import { printPdf } from './pdf.ts';
import { htmlReport } from './report.ts';
import { streamFile, writeWholeFile } from './stream.ts';

const require = createRequire(import.meta.url);

let topology: Topology | undefined;
function worldTopology(): Topology {
  topology ??= JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8')) as Topology;
  return topology;
}

/** What every package of one run shares: plain data and keys, so it can be handed to another thread. */
export interface PackageRun {
  operation: { name: string; startsAt: number; endsAt: number };
  outcomes: readonly Outcome[];
  sources: readonly DataSource[];
  producer: string;
  now: number;
  expiresAt: number;
  outDir: string;
  pdfWith?: string;
  key: { privateKey: KeyObject; publicKey: KeyObject; publicPem: string };
}

/** One country's package to write. */
export interface PackageJob {
  country: string;
  /** The recipient organisation's name, if the package is for one. */
  recipient?: string;
  items: PackageItem[];
  previousAt: number | undefined;
  /** Items per country of the operation, for the map. */
  counts: ReadonlyMap<string, number>;
}

export interface WrittenPackage {
  dir: string;
  items: number;
  newSinceLast: number;
  files: number;
  manifestSha256: string;
}

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const stampOf = (ms: number): string => new Date(ms).toISOString().replace(/[-:.]/g, '').slice(0, 18);

/**
 * Writes one country's package: a summary, CSV lists, a STIX 2.1 bundle and
 * an HTML report, with a signed manifest. The directory is written under a
 * temporary name and renamed when complete, so a failure leaves no half
 * package.
 */
export function writePackageFiles(run: PackageRun, job: PackageJob): WrittenPackage {
  const { operation, now } = run;
  const { country, recipient, items } = job;
  const summary = summarise(country, items, job.previousAt);
  const lists = byList(items);
  const report = htmlReport({
    operation: operation.name,
    ...(recipient !== undefined ? { recipient } : {}),
    producer: run.producer,
    now,
    expiresAt: run.expiresAt,
    window: { from: operation.startsAt, to: operation.endsAt },
    summary,
    lists,
    outcomes: run.outcomes,
    sources: run.sources,
    map: worldMapSvg(worldTopology(), country, job.counts),
  });
  const name = [slug(operation.name), country.toLowerCase(), recipient !== undefined ? slug(recipient) : 'partners', stampOf(now)].join('_');
  const dir = join(run.outDir, name);
  const temporary = `${dir}.partial`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    const whole = (path: string, content: string | Buffer): ManifestFile => writeWholeFile(join(temporary, path), path, content);
    // the lists and the bundle grow with the items: streamed to disk and hashed on the way
    const streamed = (path: string, produce: (write: (chunk: string) => void) => void): ManifestFile => streamFile(join(temporary, path), path, produce);
    const files = [
      whole('summary.json', `${JSON.stringify({ operation: operation.name, recipient, ...summary }, null, 2)}\n`),
      streamed('c2.csv', (write) => writeListCsv(lists.c2, write)),
      streamed('phishing.csv', (write) => writeListCsv(lists.phishing, write)),
      streamed('malicious-ips.csv', (write) => writeListCsv(lists['malicious-ip'], write)),
      streamed('other.csv', (write) => writeListCsv(lists.other, write)),
      whole('report.html', report),
      ...(run.pdfWith ? [whole('report.pdf', printPdf(report, run.pdfWith))] : []),
    ];
    const bundle = streamed('bundle.stix.json', (write) =>
      writeStixBundle(items, { now, producer: run.producer, operation: operation.name, ...(recipient !== undefined ? { recipient } : {}), summary }, write),
    );
    const meta = { operation: operation.name, country, ...(recipient !== undefined ? { recipient } : {}), producer: run.producer, createdAt: now, expiresAt: run.expiresAt };
    const signed = signManifest(buildManifest([...files, bundle], meta, run.key.publicKey), run.key.privateKey);
    writeFileSync(join(temporary, MANIFEST), signed.text);
    writeFileSync(join(temporary, SIGNATURE), signed.signature);
    writeFileSync(join(temporary, 'signer.pub.pem'), run.key.publicPem);
    renameSync(temporary, dir);
    const manifestSha256 = createHash('sha256').update(signed.text).digest('hex');
    return { dir, items: items.length, newSinceLast: summary.newSinceLast, files: files.length + 4, manifestSha256 };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}
