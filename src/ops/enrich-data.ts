import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { ConfigError, InputError } from '../errors.ts';
import {
  asOfRecord,
  decodeSnapshot,
  encodeSnapshot,
  countryOfRecord,
  rangesFromMmdb,
  readAsnCsv,
  type AsnData,
  type EnrichmentTables,
  type GeoTable,
} from '../enrich/index.ts';
import type { Issue } from '../model/index.ts';

const require = createRequire(import.meta.url);

/** Directory of an installed npm data package, or undefined when it is not installed. */
function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' || (error as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    throw error;
  }
}

/** ip-location-db versions end in the build date and hour: 2.3.2026061719 was built 2026-06-17 19:00 UTC. */
function versionDate(version: string): number | undefined {
  const match = /(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(version);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4])) : undefined;
}

function readBuffer(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new InputError('TIX_INPUT_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
}

/** A country database from an MMDB file (ip-location-db's, or MaxMind's GeoLite2-Country). */
export function loadGeoFile(file: string, name?: string): GeoTable {
  const data = rangesFromMmdb(readBuffer(file), countryOfRecord, (code) => code, file);
  if (!data.labels.length) throw new InputError('TIX_ENRICH_BAD_DATABASE', `${file}: the database holds no country codes`, { file });
  return { ranges: data.ranges, countries: data.labels, source: { name: name ?? `${data.databaseType} (${basename(file)})`, builtAt: data.builtAt } };
}

/**
 * An AS database: ip-location-db's CSV (`start,end,asn,organisation`) or an
 * ASN MMDB. Bad CSV rows are returned as issues; a file with no usable row at
 * all is an error.
 */
export function loadAsnFiles(files: string[], name?: string, builtAt?: number): { table: AsnData; issues: Issue[] } {
  const first = files[0];
  if (!first) throw new ConfigError('no AS database file named');
  if (files.length === 1 && first.endsWith('.mmdb')) {
    const data = rangesFromMmdb(readBuffer(first), asOfRecord, (entry) => `${entry.asn}\u0000${entry.org}`, first);
    if (!data.labels.length) throw new InputError('TIX_ENRICH_BAD_DATABASE', `${first}: the database holds no AS numbers`, { file: first });
    return { table: { ranges: data.ranges, entries: data.labels, source: { name: name ?? `${data.databaseType} (${basename(first)})`, builtAt: data.builtAt } }, issues: [] };
  }
  const read = readAsnCsv(files.map((file) => ({ name: file, lines: readBuffer(file).toString('utf8').split('\n') })));
  if (!read.entries.length) throw new InputError('TIX_ENRICH_BAD_DATABASE', `${files.join(', ')}: no AS ranges read`, { file: first });
  const source = { name: name ?? files.map((file) => basename(file)).join(' + '), builtAt: builtAt ?? Math.trunc(statSync(first).mtimeMs) };
  return { table: { ranges: read.ranges, entries: read.entries, source }, issues: read.issues };
}

interface Installed {
  geo?: { file: string; name: string };
  asn?: { files: string[]; name: string; builtAt?: number };
}

function installedFiles(): Installed {
  const found: Installed = {};
  const geoDir = packageDir('@ip-location-db/geo-whois-asn-country-mmdb');
  if (geoDir) {
    const version = (JSON.parse(readFileSync(join(geoDir, 'package.json'), 'utf8')) as { version: string }).version;
    found.geo = { file: join(geoDir, 'geo-whois-asn-country.mmdb'), name: `ip-location-db geo-whois-asn-country ${version} (NRO, CC BY 4.0)` };
  }
  const asnDir = packageDir('@ip-location-db/asn');
  if (asnDir) {
    const version = (JSON.parse(readFileSync(join(asnDir, 'package.json'), 'utf8')) as { version: string }).version;
    found.asn = {
      files: [join(asnDir, 'asn-ipv4-num.csv'), join(asnDir, 'asn-ipv6-num.csv')],
      name: `ip-location-db asn ${version} (RouteViews, DB-IP, CC BY 4.0)`,
      builtAt: versionDate(version),
    };
  }
  return found;
}

/** Names the exact input files (path, size, modification time): a snapshot made from others is not used. */
function snapshotKey(files: string[]): string {
  return files
    .map((file) => {
      const stat = statSync(file);
      return `${file}:${stat.size}:${Math.trunc(stat.mtimeMs)}`;
    })
    .join('|');
}

/** The npm data packages' databases, those installed. */
export function loadInstalledTables(): EnrichmentTables {
  const installed = installedFiles();
  const tables: EnrichmentTables = {};
  if (installed.geo) tables.geo = loadGeoFile(installed.geo.file, installed.geo.name);
  if (installed.asn) tables.asn = loadAsnFiles(installed.asn.files, installed.asn.name, installed.asn.builtAt).table;
  return tables;
}

/**
 * The operator's files where named, the installed packages otherwise.
 * With `cacheDir`, the compiled tables are kept there as a snapshot and
 * reused while the input files stay the same (a new data package or a new
 * `--geo`/`--asn` file makes a new one).
 */
export function loadTables(options: { geo?: string; asn?: string[]; cacheDir?: string } = {}): { tables: EnrichmentTables; issues: Issue[] } {
  const installed = installedFiles();
  const geo = options.geo ? { file: options.geo, name: undefined } : installed.geo;
  const asn = options.asn?.length ? { files: options.asn, name: undefined, builtAt: undefined } : installed.asn;
  if (!geo && !asn) {
    throw new InputError('TIX_ENRICH_NO_DATA', 'no enrichment data: install @ip-location-db/geo-whois-asn-country-mmdb and @ip-location-db/asn, or pass --geo FILE and --asn FILE');
  }
  const files = [...(geo ? [geo.file] : []), ...(asn?.files ?? [])];
  for (const file of files) readable(file);
  const key = snapshotKey(files);
  const snapshot = options.cacheDir ? join(options.cacheDir, 'enrich-tables.bin') : undefined;
  if (snapshot) {
    const cached = readIfExists(snapshot);
    const tables = cached && decodeSnapshot(cached, key);
    if (tables) return { tables, issues: [] };
  }
  const tables: EnrichmentTables = {};
  let issues: Issue[] = [];
  if (geo) tables.geo = loadGeoFile(geo.file, geo.name);
  if (asn) {
    const loaded = loadAsnFiles(asn.files, asn.name, asn.builtAt);
    tables.asn = loaded.table;
    issues = loaded.issues;
  }
  if (snapshot && options.cacheDir) {
    mkdirSync(options.cacheDir, { recursive: true });
    writeFileSync(`${snapshot}.tmp`, encodeSnapshot(tables, key));
    renameSync(`${snapshot}.tmp`, snapshot);
  }
  return { tables, issues };
}

function readable(file: string): void {
  try {
    statSync(file);
  } catch (error) {
    throw new InputError('TIX_INPUT_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
