import type { LineParser, ParseContext, ParseSink } from '../format.ts';
import { badField } from './record.ts';
import { headerIndex, splitCsvLine } from './csv.ts';

export interface CsvRow {
  no: number;
  raw: string;
  get(column: string): string | undefined;
}

export interface CsvTableSpec {
  separator?: string;
  /** abuse.ch dumps write their header as a comment: `# "first_seen_utc",...`. */
  headerInComment?: boolean;
  /** Columns that must be in the header; the value column first. */
  required: string[];
  row(row: CsvRow): void;
}

/**
 * The shape every CSV feed shares: comment lines, a header (plain or
 * commented), then rows. A row with too few fields (a truncated line) or an
 * unterminated quote is reported and skipped.
 */
export function createCsvTableParser(ctx: ParseContext, sink: ParseSink, spec: CsvTableSpec): LineParser {
  let columns: Map<string, number> | undefined;
  let width = 0;
  let headerMissingReported = false;
  const separator = spec.separator ?? ',';

  const readHeader = (text: string, no: number): void => {
    const fields = splitCsvLine(text, separator);
    if (!fields) return;
    const index = headerIndex(fields);
    if (spec.required.every((name) => index.has(name))) {
      columns = index;
      width = spec.required.length ? Math.max(...spec.required.map((name) => index.get(name)!)) + 1 : 1;
    } else if (!spec.headerInComment && !headerMissingReported) {
      headerMissingReported = true;
      const missing = spec.required.filter((name) => !index.has(name));
      badField(sink, ctx, no, 'header', `header lacks column(s) ${missing.join(', ')}`);
    }
  };

  return {
    line(text, no) {
      const trimmed = text.trim();
      if (trimmed === '') return;
      if (trimmed.startsWith('#')) {
        if (spec.headerInComment && !columns) readHeader(trimmed.replace(/^#\s*/, ''), no);
        return;
      }
      if (!columns) {
        if (!spec.headerInComment) {
          readHeader(trimmed, no);
          return;
        }
        if (!headerMissingReported) {
          headerMissingReported = true;
          badField(sink, ctx, no, 'header', `no header with ${spec.required.join(', ')} before the first row`);
        }
        return;
      }
      const fields = splitCsvLine(text, separator);
      if (!fields) {
        badField(sink, ctx, no, 'row', 'unterminated quote: the row is truncated');
        return;
      }
      if (fields.length < width) {
        badField(sink, ctx, no, 'row', `row has ${fields.length} field(s), the header has ${columns.size}: truncated`);
        return;
      }
      const index = columns;
      spec.row({
        no,
        raw: text,
        get: (column) => {
          const at = index.get(column);
          return at === undefined ? undefined : fields[at];
        },
      });
    },
    end() {
      if (!columns && !headerMissingReported) {
        badField(sink, ctx, 0, 'header', spec.required.length ? `no header with ${spec.required.join(', ')} found` : 'no header row found');
      }
    },
  };
}

/** Score for CSV feeds recognised by their exact header. */
export function headerScore(head: string, header: RegExp, banner?: RegExp): number {
  if (header.test(head)) return 0.95;
  if (banner?.test(head)) return 0.8;
  return 0;
}
