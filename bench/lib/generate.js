// Writes the benchmark corpora into bench/.data/, once: a plain list of mixed
// indicators and a ThreatFox-style CSV export, each with the file of its raw
// values (for `sort -u`) and a manifest (the list's holds values sampled for lookups).
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createRng, Reservoir } from './prng.js';
import { defang, ValueFactory } from './values.js';

/** Bump when the shape of generated data changes, so stale corpora are regenerated. */
export const GENERATOR_VERSION = 1;
const SEED = 20240404;

class LineWriter {
  constructor(path) {
    this.path = path;
    this.stream = createWriteStream(`${path}.tmp`, { highWaterMark: 1 << 20 });
    this.lines = [];
  }

  push(line) {
    this.lines.push(line);
    return this.lines.length >= 8192;
  }

  async flush() {
    if (!this.lines.length) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close() {
    await this.flush();
    await new Promise((resolve, reject) => this.stream.end((error) => (error ? reject(error) : resolve())));
  }

  commit() {
    renameSync(`${this.path}.tmp`, this.path);
  }
}

/** Repeats, as real feeds have them: the same value again soon after (same batch or next), or much later. */
class Repeats {
  constructor(rng) {
    this.rng = rng;
    this.recent = new Array(65536);
    this.filled = 0;
    this.next = 0;
    this.old = new Reservoir(rng, 20000);
  }

  remember(value) {
    this.recent[this.next] = value;
    this.next = (this.next + 1) & 65535;
    if (this.filled < 65536) this.filled++;
    if ((this.next & 63) === 0) this.old.offer(value);
  }

  /** A value seen before, for about 4% of lines, else undefined. */
  maybe() {
    if (this.filled < 1000) return undefined;
    const r = this.rng.float();
    if (r < 0.03) return this.recent[this.rng.int(this.filled)];
    if (r < 0.04 && this.old.items.length) return this.rng.pick(this.old.items);
    return undefined;
  }
}

/** Paths of one corpus: `kind` is "list" (mixed plain list) or "threatfox" (CSV export). */
export function corpusPaths(dir, kind, size) {
  const stem = join(dir, `${kind}-${size}.v${GENERATOR_VERSION}`);
  return { data: `${stem}.${kind === 'list' ? 'txt' : 'csv'}`, values: `${stem}.values`, manifest: `${stem}.json` };
}

/**
 * Generates one corpus of `size` indicators unless it is already there (same
 * generator version and seed, so the same bytes); returns its paths and manifest.
 */
export async function ensureCorpus(dir, kind, size, onProgress = () => {}) {
  mkdirSync(dir, { recursive: true });
  const paths = corpusPaths(dir, kind, size);
  if ([paths.manifest, paths.data, paths.values].every(existsSync)) {
    return { paths, manifest: JSON.parse(readFileSync(paths.manifest, 'utf8')), reused: true };
  }
  const started = performance.now();
  const written = kind === 'list' ? await writeList(paths, size, onProgress) : await writeThreatFox(paths, size, onProgress);
  const manifest = { kind, version: GENERATOR_VERSION, seed: SEED, size, ...written, seconds: (performance.now() - started) / 1000 };
  writeFileSync(paths.manifest, JSON.stringify(manifest));
  return { paths, manifest, reused: false };
}

const LIST_KINDS = ['ipv4', 'url', 'domain', 'hostname', 'sha256', 'md5', 'sha1', 'ip-port', 'cidr', 'ipv6', 'email'];
const LIST_WEIGHTS = [42, 22, 9, 6, 9, 5, 2, 2, 1, 1, 1];
const INVALID = ['999.12.4.1', '010.1.2.3', 'not a value at all', 'http://', '-', '12345', 'localhost', 'com'];

/** A plain list (OpenPhish / IPsum / CINS / blocklist-mirror style): one value per line, some defanged, some with a score. */
async function writeList(paths, size, progress) {
  const rng = createRng(SEED);
  const values = new ValueFactory(rng);
  const repeats = new Repeats(rng);
  const present = new Reservoir(rng, 10000);
  const ips = new Reservoir(rng, 2000);
  const domains = new Reservoir(rng, 2000);
  const out = new LineWriter(paths.data);
  const raw = new LineWriter(paths.values);
  const total = LIST_WEIGHTS.reduce((s, w) => s + w, 0);
  let lines = 0;
  for (const header of ['# Synthetic mixed indicator list for tix benchmarks', `# ${size} entries, seed ${SEED}`, '# one value per line; IPsum-style scores after some IPs', '#']) {
    out.push(header);
    lines++;
  }
  for (let i = 0; i < size; i++) {
    if (i % 250000 === 0 && i > 0) {
      out.push(`# --- block ${i / 250000} ---`);
      lines++;
    }
    let value = repeats.maybe();
    let kind = 'repeat';
    if (value === undefined) {
      if (rng.chance(0.0002)) {
        value = rng.pick(INVALID);
        kind = 'invalid';
      } else {
        kind = LIST_KINDS[rng.weighted(LIST_WEIGHTS, total)];
        value = kind === 'ip-port' ? values.ipPort() : values[kind]();
        repeats.remember(value);
        present.offer({ kind, value });
        if (kind === 'ipv4') ips.offer(value);
        else if (kind === 'domain') domains.offer(value);
      }
    }
    let text = kind !== 'invalid' && kind !== 'repeat' && rng.chance(0.03) ? defang(value) : value;
    raw.push(text);
    if (kind === 'ipv4' && rng.chance(0.1)) text += `\t${1 + rng.int(9)}`;
    if (out.push(text)) {
      await Promise.all([out.flush(), raw.flush()]);
      progress(i, size);
    }
    lines++;
  }
  await Promise.all([out.close(), raw.close()]);
  out.commit();
  raw.commit();
  return {
    lines,
    indicators: size,
    samples: { present: present.items, ips: ips.items, domains: domains.items },
  };
}

const THREATFOX_TYPES = [
  { ioc: 'url', kind: 'url', weight: 45 },
  { ioc: 'ip:port', kind: 'ip-port', weight: 28 },
  { ioc: 'domain', kind: 'domain', weight: 14 },
  { ioc: 'sha256_hash', kind: 'sha256', weight: 9 },
  { ioc: 'md5_hash', kind: 'md5', weight: 3 },
  { ioc: 'sha1_hash', kind: 'sha1', weight: 1 },
];
const MALWARE = [
  ['win.cobalt_strike', 'Agentemis,BEACON,CobaltStrike,cobeacon', 'Cobalt Strike'],
  ['win.remcos', 'RemcosRAT,Remvio,Socmer', 'Remcos'],
  ['win.asyncrat', 'None', 'AsyncRAT'],
  ['win.dcrat', 'DarkCrystal RAT', 'DCRat'],
  ['win.lokipws', 'Burkina,Loki,LokiBot,LokiPWS', 'Loki Password Stealer (PWS)'],
  ['elf.mirai', 'Katana', 'Mirai'],
  ['win.stealc', 'None', 'Stealc'],
  ['win.lumma', 'LummaC2 Stealer,Lumma Stealer', 'Lumma Stealer'],
  ['win.pikabot', 'None', 'Pikabot'],
  ['apk.hook', 'None', 'Hook'],
  ['win.agent_tesla', 'AgenTesla,AgentTesla,Negasteal', 'Agent Tesla'],
  ['unknown', 'None', 'Unknown malware'],
];
const TAGS = ['c2', 'ClickFix', 'exe', 'mirai', 'elf', 'RAT', 'stealer', 'payload', 'dcrat', 'CobaltStrike', 'opendir', 'botnet', 'AsyncRAT', 'upx-packed'];
const REPORTERS = ['abuse_ch', 'juroots', 'Grim', 'CarsonWilliams', 'HuntYethHounds', 'duggusa', 'DonPasci', 'drb_ra', 'malpulse', 'threatcat_ch'];
const CONFIDENCES = ['50', '75', '90', '95', '100'];
const DAY = 86400000;

function stamp(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A ThreatFox full-dump CSV: commented header, `", "` separators, newest first, "None" for empty. */
async function writeThreatFox(paths, rows, progress) {
  const rng = createRng(SEED + 1);
  const values = new ValueFactory(rng);
  const repeats = new Repeats(rng);
  const out = new LineWriter(paths.data);
  const raw = new LineWriter(paths.values);
  const weights = THREATFOX_TYPES.map((t) => t.weight);
  const newest = Date.UTC(2025, 11, 7, 13, 5, 49);
  const span = newest - Date.UTC(2020, 11, 14);
  for (const header of [
    '################################################################',
    '# ThreatFox IOCs: synthetic - CSV format (full dump)            #',
    `# Last updated: ${stamp(newest)} UTC                        #`,
    '################################################################',
    '#',
    '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"',
  ]) out.push(header);
  let id = 1700000 + rows;
  for (let i = 0; i < rows; i++) {
    const type = THREATFOX_TYPES[rng.weighted(weights, 100)];
    let value = repeats.maybe()?.[type.kind];
    if (value === undefined) {
      value = type.kind === 'ip-port' ? values.ipPort() : values[type.kind]();
      repeats.remember({ [type.kind]: value });
    }
    const firstSeen = newest - Math.floor((span * i) / rows) - rng.int(60000);
    const lastSeen = rng.chance(0.35) ? stamp(Math.min(newest, firstSeen + rng.int(200) * DAY)) : '';
    const [fk, alias, printable] = rng.pick(MALWARE);
    const threat = type.kind.startsWith('sha') || type.kind === 'md5' ? 'payload' : type.kind === 'url' && rng.chance(0.6) ? 'payload_delivery' : 'botnet_cc';
    const tags = rng.chance(0.2) ? 'None' : Array.from({ length: 1 + rng.int(3) }, () => rng.pick(TAGS)).join(',');
    const reference = rng.chance(0.3) ? `https://bazaar.abuse.ch/sample/${rng.hex(64)}/` : rng.chance(0.5) ? '' : 'None';
    id -= 1 + rng.int(3);
    const fields = [stamp(firstSeen), String(id), value, type.ioc, threat, fk, alias, printable, lastSeen, rng.pick(CONFIDENCES), reference, tags, '0', rng.pick(REPORTERS)];
    raw.push(value);
    if (out.push(`"${fields.join('", "')}"`)) {
      await Promise.all([out.flush(), raw.flush()]);
      progress(i, rows);
    }
  }
  out.push(`# Number of entries: ${rows}`);
  await Promise.all([out.close(), raw.close()]);
  out.commit();
  raw.commit();
  return { lines: rows + 7, indicators: rows };
}
