import { countryOf } from '../../enrich/countries.ts';
import type { DataSource } from '../../enrich/index.ts';
import { rsitOf } from '../../enrich/index.ts';
import type { ThreatType } from '../../model/index.ts';
import type { Outcome } from '../operation.ts';
import type { PackageItem, PackageList, PackageSummary } from './items.ts';
import { barChartSvg } from './map.ts';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface ReportContext {
  operation: string;
  recipient?: string;
  producer: string;
  now: number;
  expiresAt: number;
  window: { from: number; to: number };
  summary: PackageSummary;
  lists: Record<PackageList, PackageItem[]>;
  outcomes: readonly Outcome[];
  sources: readonly DataSource[];
  /** The world map, as inline SVG. */
  map: string;
  /** Rows shown per list; the CSV files hold them all. */
  rowsShown?: number;
}

const LIST_TITLES: Record<PackageList, string> = {
  c2: 'Command-and-control servers',
  phishing: 'Phishing URLs and domains',
  'malicious-ip': 'Other malicious IP addresses',
  other: 'Other indicators',
};

function table(items: readonly PackageItem[], shown: number): string {
  const rows = items.slice(0, shown).map(
    (item) =>
      `<tr><td class="v">${escape(item.value)}</td><td>${item.asn === undefined ? '' : `AS${item.asn} ${escape(item.asOrg ?? '')}`}</td>` +
      `<td>${escape(item.malware.join(', '))}</td><td>${escape(item.threatTypes.map((threat: ThreatType) => rsitOf(threat)).join(' '))}</td>` +
      `<td>${day(item.firstSeen)}</td><td>${day(item.lastSeen)}</td><td>${escape(item.sources.join(', '))}</td><td>${item.tlp.toUpperCase()}</td></tr>`,
  );
  const more = items.length > shown ? `<p class="note">${items.length - shown} more in the CSV file.</p>` : '';
  return `<table><thead><tr><th>Value</th><th>Network</th><th>Family</th><th>RSIT</th><th>First seen</th><th>Last seen</th><th>Sources</th><th>TLP</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

/**
 * The human-readable report of one country's package: a self-contained HTML
 * page (inline CSS and SVG, no scripts, no external resources) that prints
 * to PDF as it is.
 */
export function htmlReport(ctx: ReportContext): string {
  const { summary } = ctx;
  const country = countryOf(summary.country)?.name ?? summary.country;
  const shown = ctx.rowsShown ?? 200;
  const outcomes = ctx.outcomes.filter((outcome) => outcome.country === summary.country);
  const charts = [
    barChartSvg(summary.byThreatType, 'Items by threat type'),
    summary.topFamilies.length ? barChartSvg(summary.topFamilies, 'Top malware families') : '',
    summary.topAsns.length ? barChartSvg(summary.topAsns.map((row) => [`AS${row.asn} ${row.org}`, row.count] as const), 'Top hosting networks (AS)') : '',
  ].join('');
  const lists = (Object.keys(LIST_TITLES) as PackageList[])
    .filter((list) => ctx.lists[list].length)
    .map((list) => `<h2>${LIST_TITLES[list]} (${ctx.lists[list].length})</h2>${table(ctx.lists[list], shown)}`)
    .join('');
  const outcomeRows = outcomes
    .map((o) => `<tr><td>${day(o.at)}</td><td>${escape(o.kind)}</td><td>${o.count}</td><td>${o.amount === undefined ? '' : `${o.amount} ${escape(o.currency ?? '')}`}</td><td>${escape(o.note ?? '')}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(ctx.operation)}: ${escape(country)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{margin-bottom:0}.meta{color:#555}table{border-collapse:collapse;width:100%;font-size:12px;margin:.5em 0 1.5em}
th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}td.v{font-family:monospace;word-break:break-all}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em}.card b{font-size:1.6em;display:block}
.note{color:#666;font-size:12px}svg{max-width:100%;height:auto}
@media print{body{margin:0}h2{break-before:auto}tr{break-inside:avoid}}
</style></head><body>
<h1>${escape(ctx.operation)}: ${escape(country)} (${summary.country})</h1>
<p class="meta">For ${escape(ctx.recipient ?? 'operation partners')} · produced by ${escape(ctx.producer)} on ${day(ctx.now)} · window ${day(ctx.window.from)} to ${day(ctx.window.to)} · expires ${day(ctx.expiresAt)}</p>
<div class="cards">
<div class="card"><b>${summary.items}</b>items</div>
<div class="card"><b>${summary.byList.c2}</b>C2 servers</div>
<div class="card"><b>${summary.byList.phishing}</b>phishing URLs/domains</div>
<div class="card"><b>${summary.byList['malicious-ip']}</b>other malicious IPs</div>
<div class="card"><b>${summary.newSinceLast}</b>new since ${summary.previousPackageAt === undefined ? 'the start' : `the last package (${day(summary.previousPackageAt)})`}</div>
</div>
<h2>Where</h2>${ctx.map}
<h2>What</h2>${charts}
${outcomes.length ? `<h2>Outcomes recorded</h2><table><thead><tr><th>Date</th><th>Kind</th><th>Count</th><th>Amount</th><th>Note</th></tr></thead><tbody>${outcomeRows}</tbody></table>` : ''}
${lists}
<h2>Data and attribution</h2>
<p class="note">Locations and networks: ${ctx.sources.map((source) => escape(`${source.name}${source.builtAt === undefined ? '' : `, built ${day(source.builtAt)}`}`)).join('; ') || 'not enriched'}.
Country data by the Number Resource Organization (nro.net), CC BY 4.0; AS data by RouteViews (routeviews.org) and <a href="https://db-ip.com">IP Geolocation by DB-IP</a>, CC BY 4.0. Map outlines: world-atlas (Natural Earth). Classes follow the Reference Security Incident Taxonomy (RSIT).
Every file of this package is listed with its SHA-256 in manifest.json, signed with Ed25519 (manifest.sig); check it with <code>tix verify</code>.</p>
</body></html>
`;
}
