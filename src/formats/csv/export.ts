import type { ExportModule } from '../../export/exporter.ts';
import type { Indicator } from '../../model/index.ts';

/** Column order of the export; the names are those tix's own csv reader recognises. */
const COLUMNS = ['type', 'value', 'first_seen', 'last_seen', 'status', 'tlp', 'confidence', 'sources', 'malware', 'threat_types'];

/** Cells a spreadsheet would run as a formula (OWASP's CSV injection list; tab and CR start one too in some). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * RFC 4180 text with a header row, CRLF line ends and `"` quoting where a
 * cell holds a comma, quote or line break. Several values in one cell
 * (sources, malware, threat types) are joined with `;`. Dates are ISO 8601 UTC.
 *
 * A cell that starts with `=`, `+`, `-` or `@` gets a leading `'`: feeds are
 * written by strangers, and an analyst who opens the export in Excel or
 * LibreOffice would otherwise run a value such as `=HYPERLINK(...)` or
 * `=cmd|' /C calc'!A0` as a formula. The apostrophe is what those programs
 * themselves use to mark text; it changes the value, so a machine reading
 * the file back should strip it from such cells.
 */
export const csvExport: ExportModule = {
  id: 'csv',
  title: 'CSV with a header: one row per indicator',
  mediaType: 'text/csv',
  extension: 'csv',
  createExporter() {
    return {
      begin: () => `${COLUMNS.join(',')}\r\n`,
      indicator: row,
      end: () => '',
    };
  },
};

function row(indicator: Indicator): string {
  return (
    `${indicator.type},${cell(indicator.value)},${iso(indicator.firstSeen)},${iso(indicator.lastSeen)},` +
    `${indicator.status},${indicator.tlp},${indicator.confidence ?? ''},${cell(indicator.sources.join(';'))},` +
    `${cell(indicator.malware.join(';'))},${indicator.threatTypes.join(';')}\r\n`
  );
}

function cell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
