import { join } from 'node:path';
import { enrichValue, type DataSource, type Enrichment } from '../enrich/index.ts';
import type { Issue } from '../model/index.ts';
import type { EnrichmentRun, EnrichmentSourceRecord } from '../store/operations.ts';
import type { Store } from '../store/store.ts';
import { loadTables } from './enrich-data.ts';

export interface EnrichResult extends EnrichmentRun {
  sources: EnrichmentSourceRecord[];
  issues: Issue[];
  /** Time spent loading the data and enriching, ms. */
  loadMs: number;
  applyMs: number;
}

/**
 * `tix enrich`: loads the enrichment data (the npm packages, or the
 * operator's files) and stores country, AS and registrable domain with every
 * value. The compiled tables are kept in the data directory, so later runs
 * and lookups skip parsing the databases.
 */
export async function enrichStore(store: Store, options: { dataDir: string; geo?: string; asn?: string[]; now: number; clock?: () => number }): Promise<EnrichResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const { tables, issues } = loadTables({ geo: options.geo, asn: options.asn, cacheDir: join(options.dataDir, 'enrich') });
  const loaded = clock();
  const sources: EnrichmentSourceRecord[] = [];
  if (tables.geo) sources.push({ kind: 'geo', source: tables.geo.source, appliedAt: options.now });
  if (tables.asn) sources.push({ kind: 'asn', source: tables.asn.source, appliedAt: options.now });
  const run = await store.applyEnrichment((type, value) => enrichValue(tables, type, value), sources, options.now);
  return { ...run, sources, issues, loadMs: loaded - started, applyMs: clock() - loaded };
}

/** `NG · AS29465 MTN NIGERIA … ` with where the data came from, for people. */
export function describeEnrichment(enrichment: Enrichment, sources: readonly EnrichmentSourceRecord[]): string[] {
  const lines: string[] = [];
  const dated = (source: DataSource): string => (source.builtAt === undefined ? source.name : `${source.name}, built ${new Date(source.builtAt).toISOString().slice(0, 10)}`);
  const geo = sources.find((record) => record.kind === 'geo');
  const asn = sources.find((record) => record.kind === 'asn');
  if (enrichment.country) lines.push(`country ${enrichment.country}${geo ? ` (${dated(geo.source)})` : ''}`);
  if (enrichment.asn !== undefined) lines.push(`AS${enrichment.asn}${enrichment.asOrg ? ` ${enrichment.asOrg}` : ''}${asn ? ` (${dated(asn.source)})` : ''}`);
  if (enrichment.registrable) lines.push(`registrable domain ${enrichment.registrable}`);
  return lines;
}
