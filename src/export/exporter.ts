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
  /** May return '' for a value written later with others (nftables writes a set's elements together). */
  indicator(indicator: Indicator): string;
  end(): string;
  /**
   * How many indicators `indicator` was given but wrote nothing for, because
   * the format cannot hold that value (an ftp:// URL as a Suricata rule, a
   * name too long for a DNS zone, a type other than a dataset's). Read after
   * `end`. Where an exporter has it, it is the count of skipped values; only
   * for one without it does an empty return mean "skipped".
   */
  skipped?(): number;
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
  /**
   * The `--option` names the format reads, each with a one-line meaning (for
   * help text). `createExporter` in registry.ts refuses any other name, so a
   * typo (`sid_base`) is an error rather than a silently ignored option.
   */
  options?: Readonly<Record<string, string>>;
  createExporter(ctx: ExportContext): Exporter;
}
