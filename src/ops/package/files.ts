import { rsitOf } from '../../enrich/index.ts';
import { countryOf } from '../../enrich/countries.ts';
import { stixExport, stixIdentityId, stixIndicatorId } from '../../formats/stix/export.ts';
import { TLP2_MARKINGS } from '../../formats/stix/vocab.ts';
import { STIX_SCO_NAMESPACE, TIX_NAMESPACE, uuidV5 } from '../../formats/common/uuid.ts';
import { TLP_LEVELS, type ThreatType, type Tlp } from '../../model/index.ts';
import { asIndicator, PACKAGE_LISTS, type PackageItem, type PackageList, type PackageSummary } from './items.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const CSV_HEADER = 'type,value,first_seen,last_seen,country,asn,as_org,threat_types,rsit,malware,sources,tlp,confidence\r\n';

/** ISO 8601 text of timestamps, remembered: a list repeats the same few import and feed times many times. */
function isoMemo(): (ms: number) => string {
  const held = new Map<number, string>();
  return (ms) => {
    let text = held.get(ms);
    if (text === undefined) {
      if (held.size >= 65_536) held.clear();
      text = iso(ms);
      held.set(ms, text);
    }
    return text;
  };
}

/**
 * One list as RFC 4180 CSV, with RSIT classes beside tix's threat types,
 * handed to `write` a few thousand rows at a time. Type, times, numbers, RSIT
 * and TLP come from fixed vocabularies and never need quoting.
 */
export function writeListCsv(items: readonly PackageItem[], write: (chunk: string) => void): void {
  const stamp = isoMemo();
  let rows: string[] = [CSV_HEADER];
  for (const item of items) {
    rows.push(
      `${item.type},${csvCell(item.value)},${stamp(item.firstSeen)},${stamp(item.lastSeen)},${csvCell(item.country)},${item.asn === undefined ? '' : item.asn},` +
        `${item.asOrg === undefined ? '' : csvCell(item.asOrg)},${csvCell(item.threatTypes.join(' '))},${rsitText(item.threatTypes)},` +
        `${csvCell(item.malware.join(' '))},${csvCell(item.sources.join(' '))},${item.tlp},${item.confidence === undefined ? '' : item.confidence}\r\n`,
    );
    if (rows.length === 4096) {
      write(rows.join(''));
      rows = [];
    }
  }
  if (rows.length) write(rows.join(''));
}

const rsitText = (threatTypes: readonly ThreatType[]): string => (threatTypes.length === 1 ? rsitOf(threatTypes[0]) : (threatTypes.length ? threatTypes : [undefined]).map(rsitOf).join(' '));

/** The items of each list, in the order the store gave them. */
export function byList(items: readonly PackageItem[]): Record<PackageList, PackageItem[]> {
  const lists = Object.fromEntries(PACKAGE_LISTS.map((list) => [list, [] as PackageItem[]])) as Record<PackageList, PackageItem[]>;
  for (const item of items) lists[item.list].push(item);
  return lists;
}

export interface BundleContext {
  now: number;
  producer: string;
  operation: string;
  recipient?: string;
  summary: PackageSummary;
}

/**
 * The package as a STIX 2.1 bundle: tix's STIX exporter writes the
 * indicators, observables and malware; the bundle adds a location object for
 * the country and a report that refers to all of them, marked with the most
 * restrictive TLP among its items.
 */
export function stixBundle(items: readonly PackageItem[], ctx: BundleContext): string {
  const parts: string[] = [];
  writeStixBundle(items, ctx, (chunk) => parts.push(chunk));
  return parts.join('');
}

/** The same, handed to `write` a piece at a time: a package of a million items never sits in memory as one string. */
export function writeStixBundle(items: readonly PackageItem[], ctx: BundleContext, write: (chunk: string) => void): void {
  const exporter = stixExport.createExporter({ now: ctx.now, producer: { name: ctx.producer }, options: {} });
  write(exporter.begin());
  // the report's object_refs, as JSON text in joined chunks: a slice of an indicator's text would keep all of that text alive until the end
  const refChunks: string[] = [];
  let refs: string[] = [];
  let tlp: Tlp = 'clear';
  const ID_AT = ',\n{"type":"indicator","spec_version":"2.1","id":"'.length;
  for (const item of items) {
    const text = exporter.indicator(asIndicator(item));
    if (!text) continue;
    write(text);
    // the exporter's indicator id, read back from where it writes it rather than derived a second time
    refs.push(JSON.stringify(text.startsWith('"id":"indicator--', ID_AT - 6) ? text.slice(ID_AT, text.indexOf('"', ID_AT)) : stixIndicatorId(item.type, item.value)));
    if (refs.length === 4096) {
      refChunks.push(refs.join(','));
      refs = [];
    }
    if (TLP_LEVELS.indexOf(item.tlp) > TLP_LEVELS.indexOf(tlp)) tlp = item.tlp;
  }
  const created = iso(ctx.now);
  const country = countryOf(ctx.summary.country);
  const location = {
    type: 'location',
    spec_version: '2.1',
    id: `location--${uuidV5(STIX_SCO_NAMESPACE, `country:${ctx.summary.country}`)}`,
    created,
    modified: created,
    name: country?.name ?? ctx.summary.country,
    country: ctx.summary.country,
  };
  const report = {
    type: 'report',
    spec_version: '2.1',
    id: `report--${uuidV5(TIX_NAMESPACE, `report:${ctx.operation}:${ctx.summary.country}:${ctx.recipient ?? ''}:${ctx.now}`)}`,
    created_by_ref: stixIdentityId(ctx.producer),
    created,
    modified: created,
    name: `${ctx.operation}: ${location.name}`,
    description:
      `${ctx.summary.items} indicators located in or tagged for ${location.name}: ${ctx.summary.byList.c2} C2 servers, ` +
      `${ctx.summary.byList.phishing} phishing URLs and domains, ${ctx.summary.byList['malicious-ip']} other malicious IPs, ${ctx.summary.byList.other} others.`,
    report_types: ['threat-report', 'indicator'],
    published: created,
  };
  if (refs.length) refChunks.push(refs.join(','));
  write(`,\n${JSON.stringify(location)}`);
  // JSON.stringify of the report with object_refs and object_marking_refs last, written a chunk of refs at a time
  write(`,\n${JSON.stringify(report).slice(0, -1)},"object_refs":[${JSON.stringify(location.id)}`);
  for (const chunk of refChunks) write(`,${chunk}`);
  write(`],"object_marking_refs":${JSON.stringify([TLP2_MARKINGS[tlp]])}}`);
  write(exporter.end());
}
