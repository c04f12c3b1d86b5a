import type { ReportFinding, ScanReport } from './report.ts';
import { csvCell, custodyLine, FINDING_COLUMNS, findingCells } from './report-wire.ts';

export type ReportFormat = 'table' | 'jsonl' | 'csv' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'jsonl', 'csv', 'html'];

/** The chain of custody as plain lines: tool, intel, times, and each evidence file's hash. */
function custodyLines(report: ScanReport): string[] {
  const lines = [
    `tix ${report.tool.version}; scan started ${report.startedAt}, finished ${report.finishedAt}`,
    `intel ${report.intel.id} (${report.intel.origin}, ${report.intel.createdAt}, ${report.intel.indicators} indicators)`,
  ];
  for (const file of report.files) {
    lines.push(custodyLine(file));
  }
  return lines;
}

/** JSON lines: one object per finding (`kind: "finding"`), then one per problem, then the summary with the chain of custody. */
export function renderJsonl(report: ScanReport): string {
  return `${report.findings.map(jsonlFinding).join('')}${jsonlTail(report)}`;
}

/**
 * One finding as a JSON line: the kind, then the object's own keys in the order ReportBuilder sets them, as
 * JSON.stringify writes them. A scan of busy logs reports findings by the hundred thousand, most of them of
 * a few indicators: the indicator's metadata (its arrays shared by all its findings) is written once.
 */
export function jsonlFinding(f: ReportFinding): string {
  let line =
    `{"kind":"finding","file":${JSON.stringify(f.file)},"line":${f.line},"field":${JSON.stringify(f.field)},"value":${JSON.stringify(f.value)},` +
    `"indicator":${JSON.stringify(f.indicator)},"indicatorType":${JSON.stringify(f.indicatorType)},"verdict":${JSON.stringify(f.verdict)},"via":${JSON.stringify(f.via)},` +
    indicatorMetaJson(f);
  if (f.time !== undefined) line += `,"time":${JSON.stringify(f.time)}`;
  if (f.confidence !== undefined) line += `,"confidence":${JSON.stringify(f.confidence)}`;
  if (f.warninglists !== undefined) line += `,"warninglists":${JSON.stringify(f.warninglists)}`;
  return `${line}}\n`;
}

type MetaJson = Pick<ReportFinding, 'malware' | 'threatTypes' | 'tlp'> & { json: string };
/** The JSON of an indicator's metadata, by its sources array (one per indicator's metadata, shared by its findings). */
const metaJson = new WeakMap<readonly string[], MetaJson>();

function indicatorMetaJson(f: ReportFinding): string {
  const known = metaJson.get(f.sources);
  if (known && known.malware === f.malware && known.threatTypes === f.threatTypes && known.tlp === f.tlp) return known.json;
  const json = `"sources":${JSON.stringify(f.sources)},"malware":${JSON.stringify(f.malware)},"threatTypes":${JSON.stringify(f.threatTypes)},"tlp":${JSON.stringify(f.tlp)}`;
  metaJson.set(f.sources, { malware: f.malware, threatTypes: f.threatTypes, tlp: f.tlp, json });
  return json;
}

/** The JSON lines after the findings: problems, then the summary (a streamed report writes its findings before). */
export function jsonlTail(report: ScanReport): string {
  const out: string[] = [];
  for (const problem of report.problems) out.push(JSON.stringify({ kind: 'problem', ...problem }));
  const { findings: _findings, problems: _problems, ...summary } = report;
  out.push(JSON.stringify({ kind: 'summary', ...summary }));
  return `${out.join('\n')}\n`;
}

/** CSV of the findings; the chain of custody first, as `#` comment lines. */
export function renderCsv(report: ScanReport): string {
  const out = custodyLines(report).map((line) => `# ${line}`);
  out.push(FINDING_COLUMNS.join(','));
  for (const f of report.findings) out.push(findingCells(f).map(csvCell).join(','));
  return `${out.join('\n')}\n`;
}

function table(columns: readonly string[], rows: string[][], max = 48): string {
  const clipped = rows.map((row) => row.map((cell) => {
    const flat = cell.replace(/[\r\n\t]+/g, ' ');
    return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
  }));
  const widths = columns.map((name, i) => Math.max(name.length, ...clipped.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...clipped.map(line)].join('\n');
}

/** For people: findings, then the summary per indicator and per file, problems, and the chain of custody. */
export function renderTable(report: ScanReport): string {
  const parts: string[] = [];
  if (report.findings.length) {
    parts.push(table(['file', 'line', 'field', 'value', 'indicator', 'verdict', 'sources', 'malware', 'threat', 'tlp'], report.findings.map((f) => [
      f.file, String(f.line), f.field, f.value, f.indicator, f.verdict, f.sources.join(' '), f.malware.join(' '), f.threatTypes.join(' '), f.tlp,
    ])));
    if (report.findingsDropped) parts.push(`(${report.findingsDropped} more findings are counted below but not listed)`);
    parts.push('', 'Indicators:', table(['indicator', 'type', 'verdict', 'count', 'first', 'last', 'sources'], report.indicators.map((s) => [
      s.indicator, s.indicatorType, s.verdict, String(s.count), s.firstTime ?? '', s.lastTime ?? '', s.sources.join(' '),
    ])));
  } else parts.push('No findings.');
  parts.push('', 'Evidence files:', table(['file', 'format', 'lines', 'hits', 'weak', 'benign', 'problems'], report.files.map((f) => [
    f.path, f.format, String(f.lines), String(f.hits), String(f.weakHits), String(f.knownBenign), String(f.problems),
  ]), 80));
  if (report.problems.length) {
    parts.push('', 'Problems:');
    for (const p of report.problems.slice(0, 50)) parts.push(`  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    if (report.problems.length > 50) parts.push(`  … and ${report.problems.length - 50} more (see --report jsonl)`);
  }
  parts.push('', 'Chain of custody:', ...custodyLines(report).map((line) => `  ${line}`));
  return `${parts.join('\n')}\n`;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function htmlTable(columns: readonly string[], rows: string[][]): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** One self-contained HTML page (no scripts, no external resources); every value escaped. */
export function renderHtml(report: ScanReport): string {
  const hits = report.findings.filter((f) => f.verdict === 'hit').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tix scan report ${escapeHtml(report.finishedAt)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top;font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}th{background:#eee}</style>
</head><body>
<h1>tix scan report</h1>
<p>${hits} hits, ${report.findings.length - hits} other findings, ${report.files.length} evidence files, ${report.problems.length} problems.</p>
<h2>Findings</h2>
${htmlTable(FINDING_COLUMNS, report.findings.map(findingCells))}
<h2>Indicators</h2>
${htmlTable(['indicator', 'type', 'verdict', 'count', 'first', 'last', 'files', 'sources', 'malware'], report.indicators.map((s) => [
  s.indicator, s.indicatorType, s.verdict, String(s.count), s.firstTime ?? '', s.lastTime ?? '', s.files.join(' '), s.sources.join(' '), s.malware.join(' '),
]))}
<h2>Evidence files</h2>
${htmlTable(['file', 'sha256', 'bytes', 'modified', 'format', 'lines', 'hits', 'weak', 'benign', 'problems', 'incomplete'], report.files.map((f) => [
  f.path, f.sha256, String(f.size), f.modifiedAt ?? '', f.format, String(f.lines), String(f.hits), String(f.weakHits), String(f.knownBenign), String(f.problems), f.incomplete ?? '',
]))}
<h2>Problems</h2>
${htmlTable(['file', 'line', 'code', 'message'], report.problems.map((p) => [p.file, p.line === undefined ? '' : String(p.line), p.code, p.message]))}
<h2>Chain of custody</h2>
<pre>${escapeHtml(custodyLines(report).join('\n'))}</pre>
</body></html>
`;
}

export function renderReport(report: ScanReport, format: ReportFormat): string {
  switch (format) {
    case 'table':
      return renderTable(report);
    case 'jsonl':
      return renderJsonl(report);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
  }
}
