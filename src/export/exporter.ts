import type { Indicator, IndicatorType } from '../model/index.ts';

/** What an exporter knows besides the indicators. No clock but `now`, no I/O. */
export interface ExportContext {
  /** When the export is made: the timestamp written into headers, serials and `created` fields. */
  now: number;
  /** Who publishes the export (the organisation running tix), written where a format names a producer. */
  producer: { name: string };
  /** Format options from the command line (`--option key=value`), e.g. the first Suricata sid. */
  options: Readonly<Record<string, string>>;
}

/**
 * A streaming exporter: `begin`, then `indicator` once per indicator in the
 * order the store yields them, then `end`. Each call returns the text to
 * append (possibly empty), so an export of millions never sits in memory.
 */
export interface Exporter {
  begin(): string;
  indicator(indicator: Indicator): string;
  end(): string;
}

export interface ExportModule {
  /** kebab-case; the CLI's `tix export FORMAT` and the API's `format=` value. */
  id: string;
  title: string;
  /** For HTTP responses. */
  mediaType: string;
  /** File name extension, without the dot. */
  extension: string;
  /** The indicator types the format can express; others are skipped (and counted) by the caller. Absent: every type. */
  types?: readonly IndicatorType[];
  createExporter(ctx: ExportContext): Exporter;
}
