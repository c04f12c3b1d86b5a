/** The reports of one scan's files (one request each) combined into one report, and that report as CSV. */

import type { Json } from './api.ts';
import { csvCell, custodyLine, FINDING_COLUMNS, findingCells, type EvidenceFile as WireFile, type FileProblem, type IndicatorSummary, type ReportFinding } from '../../src/scan/report-wire.ts';

export type Finding = ReportFinding;
export type Summary = IndicatorSummary;
export type Problem = FileProblem;

/** A file's chain of custody, with the intel it was matched against and when it was scanned (one request each). */
export interface EvidenceFile extends WireFile {
  intel?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** What the browser offers for download: the files' reports merged, with every file's chain of custody. */
export interface CombinedReport {
  scan: string;
  tool?: Json;
  startedAt: string;
  finishedAt: string;
  /** Every distinct intel the files were matched against (one, unless the intel changed during the scan). */
  intel: Json[];
  files: EvidenceFile[];
  findings: Finding[];
  findingsDropped: number;
  indicators: Summary[];
  problems: Problem[];
  sightings?: { recorded: number; unknown: number };
}

export function emptyReport(scan: string, now: string): CombinedReport {
  return { scan, startedAt: now, finishedAt: now, intel: [], files: [], findings: [], findingsDropped: 0, indicators: [], problems: [] };
}

const rank = (verdict: string): number => (verdict === 'hit' ? 0 : verdict === 'weak-hit' ? 1 : 2);

/** Adds one file's report (the `report` of POST /api/v1/scans) to the combined one. */
export function addReport(combined: CombinedReport, answer: Json): void {
  const report = answer.report as Json;
  combined.tool ??= report.tool;
  if (!combined.intel.some((intel) => intel.id === report.intel.id)) combined.intel.push(report.intel);
  for (const file of report.files as EvidenceFile[]) combined.files.push({ ...file, intel: report.intel.id, startedAt: report.startedAt, finishedAt: report.finishedAt });
  combined.findings.push(...(report.findings as Finding[]));
  combined.findingsDropped += report.findingsDropped as number;
  combined.problems.push(...(report.problems as Problem[]));
  combined.finishedAt = report.finishedAt;
  if (answer.sightings) {
    combined.sightings ??= { recorded: 0, unknown: 0 };
    combined.sightings.recorded += answer.sightings.recorded;
    combined.sightings.unknown += answer.sightings.unknown;
  }
  for (const summary of report.indicators as Summary[]) {
    const known = combined.indicators.find((s) => s.verdict === summary.verdict && s.indicatorType === summary.indicatorType && s.indicator === summary.indicator);
    if (!known) {
      combined.indicators.push({ ...summary, files: [...summary.files] });
      continue;
    }
    known.count += summary.count;
    known.files = [...new Set([...known.files, ...summary.files])].sort();
    if (summary.firstTime && (!known.firstTime || summary.firstTime < known.firstTime)) known.firstTime = summary.firstTime;
    if (summary.lastTime && (!known.lastTime || summary.lastTime > known.lastTime)) known.lastTime = summary.lastTime;
  }
  combined.indicators.sort((a, b) => rank(a.verdict) - rank(b.verdict) || b.count - a.count || (a.indicator < b.indicator ? -1 : 1));
}

/** CSV of the findings, the chain of custody first as `#` lines, as `tix scan --report csv` writes it. */
export function reportCsv(report: CombinedReport): string {
  const out = [`# tix ${report.tool?.version ?? ''}; scan ${report.scan} started ${report.startedAt}, finished ${report.finishedAt}`];
  for (const intel of report.intel) out.push(`# intel ${intel.id} (${intel.origin}, ${intel.createdAt}, ${intel.indicators} indicators)`);
  for (const file of report.files) out.push(`# ${custodyLine(file)}`);
  out.push(FINDING_COLUMNS.join(','));
  for (const f of report.findings) out.push(findingCells(f).map(csvCell).join(','));
  return `${out.join('\n')}\n`;
}
