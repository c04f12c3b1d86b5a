import type { IndicatorType, Pap, Tlp } from '../model/index.ts';
import type { Clearance } from '../policy/index.ts';
import type { AttachmentMeta, ReportContent } from '../reports/report.ts';

/**
 * Who reads reports: an organisation with its clearance. A report shared as
 * data is (owner, agreements, TLP) is read under the sharing rules, inside
 * the query; a report of an investigation is read by its members alone,
 * whatever its TLP. No reader: the operator's view (the command line).
 */
export interface ReportReader {
  org: number;
  clearance: Clearance;
}

export interface NewReport {
  owner: number;
  distribution: number;
  tlp: Tlp;
  pap?: Pap;
  /** The investigation it belongs to; its author must be a member. */
  investigation?: number;
  /** Its STIX id when imported; made from the store otherwise. */
  stixId?: string;
  content: ReportContent;
  blobs: ReadonlyMap<string, Buffer>;
  user?: number;
  createdAt: number;
}

export interface ReportRevision {
  content: ReportContent;
  blobs: ReadonlyMap<string, Buffer>;
  user?: number;
  at: number;
}

export interface Report extends ReportContent {
  id: number;
  stixId: string;
  owner: number;
  ownerName: string;
  tlp: Tlp;
  pap?: Pap;
  distribution: number;
  investigation?: number;
  /** The version shown. */
  version: number;
  /** The newest version. */
  latestVersion: number;
  createdAt: number;
  updatedAt: number;
}

export interface ReportQuery {
  reader?: ReportReader;
  investigation?: number;
  /** Only reports linking this value. */
  indicator?: { type: IndicatorType; value: string };
  limit: number;
  after?: string;
}

export interface ReportStore {
  /**
   * Stores a report and its attachments in one transaction. Refused whole
   * (TIX_REPORT_BAD_REF) if it links a STIX object that its author may not
   * read or that does not exist, or if its investigation is not one of the
   * author's (TIX_CASE_UNKNOWN).
   */
  createReport(report: NewReport, author?: ReportReader): Promise<Report>;
  /** A new version by the owner; undefined when the reader may not edit (or see) the report. */
  reviseReport(id: number, revision: ReportRevision, author?: ReportReader): Promise<Report | undefined>;
  /** The current version, or the one asked for; undefined when the reader may not read it. By numeric id or STIX id. */
  getReport(id: number | string, reader?: ReportReader, version?: number): Promise<Report | undefined>;
  listReports(query: ReportQuery): Promise<{ items: Report[]; next?: string }>;
  /** An attachment of a report version the reader may read. */
  getAttachment(reportId: number, sha256: string, reader?: ReportReader): Promise<{ meta: AttachmentMeta; content: Buffer } | undefined>;
}
