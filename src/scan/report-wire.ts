/**
 * A scan report as it travels: the JSON of `tix scan --report jsonl` and of
 * POST /api/v1/scans, and its CSV rows. Types and pure functions with no
 * runtime imports, so the web UI builds its downloads from the same module.
 */
import type { IndicatorType, ThreatType, Tlp } from '../model/index.ts';

/** What a finding matched: an indicator of a type, or a STIX pattern indicator (named by its id). */
export type FindingType = IndicatorType | 'stix-pattern';

/** How the evidence value reached the indicator. */
export type MatchVia = 'exact' | 'cidr' | 'parent-domain' | 'url-host' | 'pattern';

/** `hit`: the value is the indicator or under it; `weak-hit`: only the host of a URL indicator; `known-benign`: on a warninglist. */
export type Verdict = 'hit' | 'weak-hit' | 'known-benign';

/** One finding as a report prints it. */
export interface ReportFinding {
  file: string;
  line: number;
  time?: string;
  field: string;
  value: string;
  indicator: string;
  indicatorType: FindingType;
  verdict: Verdict;
  via: MatchVia;
  sources: string[];
  malware: string[];
  threatTypes: ThreatType[];
  confidence?: number;
  tlp: Tlp;
  /** The warninglists that call the value benign. */
  warninglists?: string[];
}

export interface FileProblem {
  file: string;
  line?: number;
  code: string;
  message: string;
}

/** Chain of custody of one evidence file: what was read, exactly. */
export interface EvidenceFile {
  path: string;
  /** Bytes read from the file as stored (compressed bytes for a .gz). */
  size: number;
  sha256: string;
  modifiedAt?: string;
  format: string;
  compressed: boolean;
  lines: number;
  hits: number;
  weakHits: number;
  knownBenign: number;
  problems: number;
  /** Set when the file could not be read to its end. */
  incomplete?: string;
}

export interface IntelFacts {
  id: string;
  createdAt: string;
  indicators: number;
  origin: string;
}

export interface IndicatorSummary {
  indicator: string;
  indicatorType: FindingType;
  verdict: Verdict;
  count: number;
  firstTime?: string;
  lastTime?: string;
  files: string[];
  sources: string[];
  malware: string[];
}

export interface ScanReport {
  tool: { name: 'tix'; version: string };
  intel: IntelFacts;
  startedAt: string;
  finishedAt: string;
  files: EvidenceFile[];
  findings: ReportFinding[];
  /** Findings not kept in `findings` once its cap was reached (they are counted in the summaries). */
  findingsDropped: number;
  indicators: IndicatorSummary[];
  problems: FileProblem[];
}

/** The columns of the findings CSV, the same in `tix scan --report csv` and the web UI's download. */
export const FINDING_COLUMNS = ['file', 'line', 'time', 'field', 'value', 'indicator', 'type', 'verdict', 'via', 'sources', 'malware', 'threat', 'confidence', 'tlp', 'warninglists'] as const;

export function findingCells(f: ReportFinding): string[] {
  return [
    f.file, String(f.line), f.time ?? '', f.field, f.value, f.indicator, f.indicatorType, f.verdict, f.via,
    f.sources.join(' '), f.malware.join(' '), f.threatTypes.join(' '), f.confidence === undefined ? '' : String(f.confidence), f.tlp, (f.warninglists ?? []).join(' '),
  ];
}

export function csvCell(text: string): string {
  // a cell a spreadsheet would run as a formula is quoted, as tix's CSV exports do
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A custody line for one evidence file: its hash, size, time and path. */
export function custodyLine(file: EvidenceFile): string {
  return `${file.sha256}  ${file.size} bytes  ${file.modifiedAt ?? '-'}  ${file.path}${file.incomplete ? `  (incomplete: ${file.incomplete})` : ''}`;
}
