import type { LineParser, ParseContext, ParseSink } from '../format.ts';
import { badField } from './record.ts';
import { headerIndex, splitCsvLine } from './csv.ts';

/** One row, valid only during the `row` call that receives it: the parser reuses it for the next row. */
export interface CsvRow {
  no: number;
  raw: string;
  /** The row's fields in header order (at least as many as the required columns reach). */
  fields: readonly string[];
  /** Column name → index in `fields`; the same map for every row of a table. */
  columns: ReadonlyMap<string, number>;
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
  // one row object for the whole table: no object or closure per row
  const row: CsvRow = {
    no: 0,
    raw: '',
    fields: [],
    columns: new Map(),
    get(column) {
      const at = this.columns.get(column);
      return at === undefined ? undefined : this.fields[at];
    },
  };
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
      row.no = no;
      row.raw = text;
      row.fields = fields;
      row.columns = columns;
      spec.row(row);
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
