import type { IndicatorType } from '../model/index.ts';
import type { IntelIndex } from './index/intel-index.ts';
import type { Finding } from './match.ts';
import type { EvidenceFile, FileProblem, IndicatorSummary, IntelFacts, ReportFinding, ScanReport, Verdict } from './report-wire.ts';

export type { EvidenceFile, FileProblem, IndicatorSummary, IntelFacts, ReportFinding, ScanReport, Verdict } from './report-wire.ts';

/** The last minute formatted: findings come in time order, and a log holds many per minute. */
let isoMinute = Number.NaN;
let isoPrefix = '';

/** `Date.prototype.toISOString` of an epoch-ms time, or undefined; times in years 1970-9999 without a Date per call. */
export const iso = (ms: number | undefined): string | undefined => {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  if (ms < 0 || ms > 253402300799999 || !Number.isInteger(ms)) {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const minute = Math.floor(ms / 60000);
  if (minute !== isoMinute) {
    isoMinute = minute;
    isoPrefix = new Date(minute * 60000).toISOString().slice(0, 17);
  }
  const rest = ms - minute * 60000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${isoPrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 100 ? (millis < 10 ? '00' : '0') : ''}${millis}Z`;
};

type Summary = IndicatorSummary & { first?: number; last?: number; fileSet: Set<string>; lastFile?: string };

/** A warninglist check: the names of the lists that hold a canonical value, or none. */
export type BenignCheck = (type: IndicatorType, value: string) => string[];

/**
 * Collects findings into a report: each with the indicator's metadata and a
 * verdict, a summary per indicator (count, first and last time seen in the
 * evidence) and per file. Pure; times come in as arguments.
 */
export class ReportBuilder {
  private readonly findings: ReportFinding[] = [];
  private dropped = 0;
  private readonly summaries = new Map<string, Summary[]>();
  private readonly files: EvidenceFile[] = [];
  private readonly problems: FileProblem[] = [];

  /**
   * `maxFindings`: how many findings the built report lists (the rest are
   * counted). `onFinding`: each finding is handed on as it is judged and
   * none is kept, so a report streamed as JSON lines holds every finding
   * whatever the evidence's size, in constant memory.
   */
  constructor(
    private readonly index: IntelIndex,
    private readonly benign: BenignCheck | undefined,
    private readonly maxFindings = 1_000_000,
    private readonly onFinding?: (finding: ReportFinding) => void,
  ) {}

  /** Judges findings of one file and adds them; returns them as reported, for streaming output. */
  add(file: string, found: readonly Finding[], counts?: { hits: number; weakHits: number; knownBenign: number }): ReportFinding[] {
    const out: ReportFinding[] = [];
    for (const finding of found) {
      const meta = this.index.meta(finding.meta);
      const lists = this.benign && finding.canonicalType !== 'stix-pattern' ? this.benign(finding.canonicalType, finding.canonical) : [];
      const verdict: Verdict = lists.length > 0 ? 'known-benign' : finding.via === 'url-host' ? 'weak-hit' : 'hit';
      const report: ReportFinding = {
        file,
        line: finding.line,
        field: finding.field,
        value: finding.value,
        indicator: finding.indicator,
        indicatorType: finding.indicatorType,
        verdict,
        via: finding.via,
        sources: meta.sources,
        malware: meta.malware,
        threatTypes: meta.threatTypes,
        tlp: meta.tlp,
      };
      const time = iso(finding.time);
      if (time) report.time = time;
      if (meta.confidence !== undefined) report.confidence = meta.confidence;
      if (lists.length) report.warninglists = lists;
      if (counts) {
        if (verdict === 'hit') counts.hits++;
        else if (verdict === 'weak-hit') counts.weakHits++;
        else counts.knownBenign++;
      }
      this.summarise(report, finding.time);
      if (this.onFinding) this.onFinding(report);
      else if (this.findings.length < this.maxFindings) this.findings.push(report);
      else this.dropped++;
      out.push(report);
    }
    return out;
  }

  private summarise(finding: ReportFinding, time: number | undefined): void {
    // keyed by the indicator's text alone (no key string built per finding); its few verdicts and types side by side
    let group = this.summaries.get(finding.indicator);
    if (!group) this.summaries.set(finding.indicator, (group = []));
    let summary = group.find((s) => s.verdict === finding.verdict && s.indicatorType === finding.indicatorType);
    if (!summary) {
      summary = {
        indicator: finding.indicator,
        indicatorType: finding.indicatorType,
        verdict: finding.verdict,
        count: 0,
        files: [],
        fileSet: new Set(),
        sources: finding.sources,
        malware: finding.malware,
      };
      group.push(summary);
    }
    summary.count++;
    if (summary.lastFile !== finding.file) {
      summary.fileSet.add(finding.file);
      summary.lastFile = finding.file;
    }
    if (time !== undefined && Number.isFinite(time)) {
      if (summary.first === undefined || time < summary.first) summary.first = time;
      if (summary.last === undefined || time > summary.last) summary.last = time;
    }
  }

  file(file: EvidenceFile): void {
    this.files.push(file);
  }

  problem(problem: FileProblem): void {
    this.problems.push(problem);
  }

  get problemCount(): number {
    return this.problems.length;
  }

  build(intel: IntelFacts, version: string, startedAt: number, finishedAt: number): ScanReport {
    const indicators = [...this.summaries.values()]
      .flat()
      .map(({ fileSet, first, last, lastFile: _lastFile, ...summary }): IndicatorSummary => {
        const out: IndicatorSummary = { ...summary, files: [...fileSet].sort() };
        const firstTime = iso(first);
        const lastTime = iso(last);
        if (firstTime) out.firstTime = firstTime;
        if (lastTime) out.lastTime = lastTime;
        return out;
      })
      .sort((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict) || b.count - a.count || (a.indicator < b.indicator ? -1 : 1));
    return {
      tool: { name: 'tix', version },
      intel,
      startedAt: iso(startedAt)!,
      finishedAt: iso(finishedAt)!,
      files: this.files,
      findings: this.findings,
      findingsDropped: this.dropped,
      indicators,
      problems: this.problems,
    };
  }
}

const verdictRank = (verdict: Verdict): number => (verdict === 'hit' ? 0 : verdict === 'weak-hit' ? 1 : 2);
