// The generated STIX 2.1 bundle of the STIX and TAXII benchmarks, written once per size into
// bench/.data and reused. Seeded (the same bytes on every clone); BUNDLE_VERSION is bumped when the
// shape changes, which gives the file a new name.
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from './prng.js';
import { ValueFactory } from './values.js';

export const BUNDLE_VERSION = 2;
const SEED = 20261123;

/** The OASIS TLP 2.0 marking definitions (cti-stix-common-objects): referenced, never written, as feeds do. */
const TLP = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
};
/** feeds2stix's own identity and its "created using" statement marking, as in test/fixtures/stix/stix21/feeds2stix. */
const F2S_IDENTITY = 'identity--a1cb37d2-3bd3-5b23-8526-47a22694b7e0';
const F2S_MARKING = 'marking-definition--a1cb37d2-3bd3-5b23-8526-47a22694b7e0';
const F2S_PARENT = 'identity--9779a2db-f98c-5f4b-8d08-8ee04e02dbb5';

/** Sources, each with the kinds of value it lists (weights over ipv4, domain, url, sha256) and whether it names families. */
const SOURCES = [
  { name: 'IPsum', url: 'https://raw.githubusercontent.com/stamparm/ipsum/master/levels/3.txt', weights: [1, 0, 0, 0], families: false },
  { name: 'CINS', url: 'https://cinsscore.com/list/ci-badguys.txt', weights: [1, 0, 0, 0], families: false },
  { name: 'URLhaus', url: 'https://urlhaus.abuse.ch/downloads/csv_recent/', weights: [0, 0, 1, 0], families: true },
  { name: 'ThreatFox', url: 'https://threatfox.abuse.ch/export/json/recent/', weights: [3, 3, 2, 2], families: true },
  { name: 'MalwareBazaar', url: 'https://bazaar.abuse.ch/export/csv/recent/', weights: [0, 0, 0, 1], families: true },
  { name: 'OpenPhish', url: 'https://openphish.com/feed.txt', weights: [0, 1, 3, 0], families: false },
];
/** How much of the bundle each source writes. */
const SOURCE_SHARE = [30, 10, 20, 25, 10, 5];
const FAMILIES = [
  'Emotet', 'QakBot', 'Pikabot', 'AgentTesla', 'RedLine Stealer', 'Cobalt Strike', 'Mozi', 'Mirai', 'AsyncRAT', 'Remcos',
  'Formbook', 'Lumma Stealer', 'IcedID', 'DarkGate', 'NjRAT', 'Vidar', 'SmokeLoader', 'Raccoon', 'Amadey', 'Gafgyt',
];
const MALWARE_TYPES = ['trojan', 'remote-access-trojan', 'spyware', 'bot', 'ransomware', 'downloader'];

function uuid(rng) {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const iso = (ms) => new Date(ms).toISOString();
const quote = (value) => value.replaceAll('\\', '\\\\').replaceAll("'", "\\'");

export function bundlePaths(dir, megabytes) {
  const stem = join(dir, `stix-${megabytes}mb.v${BUNDLE_VERSION}`);
  return { data: `${stem}.json`, manifest: `${stem}.manifest.json` };
}

/** The manifest of a bundle written by ensureBundle: counts of what it holds. */
export function readBundleManifest(dir, megabytes) {
  return JSON.parse(readFileSync(bundlePaths(dir, megabytes).manifest, 'utf8'));
}

/**
 * Writes (unless it is already there) a STIX 2.1 bundle of about `megabytes` MiB shaped like
 * feeds2stix's output, streamed so that memory stays flat whatever the size, and returns its path:
 * - the feeds2stix identity and statement marking; per source (IPsum, CINS, URLhaus, ThreatFox,
 *   MalwareBazaar, OpenPhish) an identity and an "Origin data source" statement marking;
 * - 20 malware families (`malware`, is_family) created by the abuse.ch identities;
 * - per entry, the observable (ipv4-addr, domain-name, url or file with a SHA-256) followed by its
 *   indicator: name "IPv4: …", a simple pattern `[ipv4-addr:value='…']`, pattern_version, valid_from,
 *   created_by_ref the source, object_marking_refs TLP (85% CLEAR, 10% GREEN, 5% AMBER) + the
 *   feeds2stix and origin markings, confidence on some;
 * - for a third of the entries of sources that name families, an `indicates` relationship from the
 *   indicator to its malware family.
 * Values come from the ingest corpus's ValueFactory (hosting /24s, payload URLs, throwaway domains);
 * about 2% of entries list again a value listed shortly before (a feed reporting it again).
 */
export async function ensureBundle(dir, megabytes, onProgress = () => {}) {
  const paths = bundlePaths(dir, megabytes);
  if (existsSync(paths.data) && existsSync(paths.manifest)) return paths.data;
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const rng = createRng(SEED);
  const values = new ValueFactory(rng);
  const stream = createWriteStream(`${paths.data}.tmp`);
  let chunk = '';
  let bytes = 0;
  const counts = { objects: 0, indicators: 0, observables: 0, relationships: 0, repeats: 0, byKind: { ipv4: 0, domain: 0, url: 0, sha256: 0 } };
  const emit = async (object) => {
    const text = `${counts.objects === 0 ? '' : ',\n'}${JSON.stringify(object)}`;
    counts.objects++;
    chunk += text;
    bytes += text.length; // all ASCII
    if (chunk.length >= 1 << 16) {
      if (!stream.write(chunk)) await once(stream, 'drain');
      chunk = '';
    }
  };
  const head = `{"type":"bundle","id":"bundle--${uuid(rng)}","objects":[\n`;
  stream.write(head);
  bytes += head.length;

  const epoch = Date.UTC(2020, 0, 1);
  const f2sMarkings = [TLP.clear, F2S_MARKING];
  await emit({ type: 'identity', spec_version: '2.1', id: F2S_IDENTITY, created_by_ref: F2S_PARENT, created: iso(epoch), modified: iso(epoch), name: 'feeds2stix', description: 'https://github.com/muchdogesec/feeds2stix', identity_class: 'system', sectors: ['technology'], contact_information: 'https://www.dogesec.com/contact/', object_marking_refs: f2sMarkings });
  await emit({ type: 'marking-definition', spec_version: '2.1', id: F2S_MARKING, created_by_ref: F2S_PARENT, created: iso(epoch), definition_type: 'statement', definition: { statement: 'This object was created using: https://github.com/muchdogesec/feeds2stix' }, object_marking_refs: [TLP.clear] });
  const sources = [];
  for (const source of SOURCES) {
    const identity = `identity--${uuid(rng)}`;
    const origin = `marking-definition--${uuid(rng)}`;
    await emit({ type: 'identity', spec_version: '2.1', id: identity, created_by_ref: F2S_PARENT, created: iso(epoch), modified: iso(epoch), name: source.name, identity_class: 'organization', contact_information: new URL(source.url).origin, object_marking_refs: f2sMarkings });
    await emit({ type: 'marking-definition', spec_version: '2.1', id: origin, created_by_ref: F2S_IDENTITY, created: iso(epoch), definition_type: 'statement', definition: { statement: `Origin data source: ${source.url}` }, object_marking_refs: f2sMarkings });
    sources.push({ ...source, identity, origin });
  }
  const abusech = sources.filter((s) => s.families);
  const families = [];
  for (const name of FAMILIES) {
    const by = rng.pick(abusech);
    const id = `malware--${uuid(rng)}`;
    await emit({ type: 'malware', spec_version: '2.1', id, created_by_ref: by.identity, created: iso(epoch + rng.int(1000) * 86_400_000), modified: iso(Date.UTC(2024, 5, 1)), name, malware_types: [rng.pick(MALWARE_TYPES)], is_family: true, object_marking_refs: [TLP.clear, F2S_MARKING, by.origin] });
    families.push(id);
  }

  const recent = [];
  const limit = megabytes * 2 ** 20;
  const kinds = ['ipv4', 'domain', 'url', 'sha256'];
  let progressAt = 0;
  for (let i = 0; bytes < limit; i++) {
    const source = sources[rng.weighted(SOURCE_SHARE, 100)];
    let entry;
    if (recent.length >= 1000 && rng.chance(0.02)) {
      entry = rng.pick(recent);
      counts.repeats++;
    } else {
      const kind = kinds[rng.weighted(source.weights)];
      const value = kind === 'ipv4' ? values.ipv4() : kind === 'domain' ? (rng.chance(0.5) ? values.domain() : values.hostname()) : kind === 'url' ? values.url() : values.sha256();
      entry = { kind, value };
      if (recent.length < 1000) recent.push(entry);
      else recent[rng.int(1000)] = entry;
    }
    const { kind, value } = entry;
    const [sco, pattern, label] =
      kind === 'ipv4' ? [{ type: 'ipv4-addr', value }, `[ipv4-addr:value='${value}']`, 'IPv4']
      : kind === 'domain' ? [{ type: 'domain-name', value }, `[domain-name:value='${quote(value)}']`, 'Domain']
      : kind === 'url' ? [{ type: 'url', value }, `[url:value='${quote(value)}']`, 'URL']
      : [{ type: 'file', hashes: { 'SHA-256': value } }, `[file:hashes.'SHA-256'='${value}']`, 'SHA-256'];
    await emit({ type: sco.type, spec_version: '2.1', id: `${sco.type}--${uuid(rng)}`, ...(sco.value !== undefined ? { value: sco.value } : { hashes: sco.hashes }) });
    counts.observables++;
    const seen = Date.UTC(2024, 0, 1) + i * 1000 + rng.int(1000);
    const created = iso(seen);
    const tlp = rng.weighted([85, 10, 5], 100);
    const indicator = {
      type: 'indicator', spec_version: '2.1', id: `indicator--${uuid(rng)}`, created_by_ref: source.identity, created, modified: created,
      name: `${label}: ${value}`, indicator_types: ['malicious-activity'], pattern, pattern_type: 'stix', pattern_version: '2.1',
      valid_from: `${created.slice(0, 19)}Z`,
      ...(rng.chance(0.3) ? { confidence: 50 + rng.int(51) } : {}),
      object_marking_refs: [[TLP.clear, TLP.green, TLP.amber][tlp], F2S_MARKING, source.origin],
    };
    await emit(indicator);
    counts.indicators++;
    counts.byKind[kind]++;
    if (source.families && rng.chance(1 / 3)) {
      await emit({ type: 'relationship', spec_version: '2.1', id: `relationship--${uuid(rng)}`, created_by_ref: source.identity, created, modified: created, relationship_type: 'indicates', source_ref: indicator.id, target_ref: rng.pick(families), object_marking_refs: indicator.object_marking_refs });
      counts.relationships++;
    }
    if (bytes >= progressAt) {
      onProgress(bytes, limit);
      progressAt = bytes + 8 * 2 ** 20;
    }
  }
  stream.write(`${chunk}\n]}\n`);
  stream.end();
  await once(stream, 'finish');
  renameSync(`${paths.data}.tmp`, paths.data);
  const manifest = { version: BUNDLE_VERSION, seed: SEED, megabytes, bytes: bytes + 4, ...counts, seconds: (performance.now() - started) / 1000 };
  writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return paths.data;
}
