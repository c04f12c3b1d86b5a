import type { LogReader, ReadProblem, RecordReader, ScanRecord } from '../../record.ts';
import { observe, ZEEK_PLAN, zeekTime, type FieldGetter } from '../plan.ts';

/** Zeek fields that hold a set or vector, for logs without a `#types` line. */
const MULTI = new Set(['tx_hosts', 'rx_hosts', 'answers', 'san.dns', 'san.ip', 'rcptto', 'to', 'cc', 'cert_chain_fps', 'client_cert_chain_fps']);

/** `\x09` escapes as Zeek writes them in headers and values. */
function unescapeZeek(text: string): string {
  return text.includes('\\x') ? text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
}

interface Header {
  separator: string;
  setSeparator: string;
  empty: string;
  unset: string;
  fields?: string[];
  multi?: boolean[];
  ts?: number;
}

function headerLine(header: Header, text: string): void {
  if (text.startsWith('#separator ')) {
    header.separator = unescapeZeek(text.slice('#separator '.length));
    return;
  }
  const tab = text.indexOf(header.separator);
  if (tab < 0) return;
  const key = text.slice(1, tab);
  const rest = text.slice(tab + header.separator.length);
  if (key === 'set_separator') header.setSeparator = unescapeZeek(rest);
  else if (key === 'empty_field') header.empty = rest;
  else if (key === 'unset_field') header.unset = rest;
  else if (key === 'fields') {
    header.fields = rest.split(header.separator);
    header.multi = header.fields.map((name) => MULTI.has(name));
    header.ts = header.fields.indexOf('ts');
  } else if (key === 'types' && header.fields) {
    const types = rest.split(header.separator);
    header.multi = header.fields.map((_, i) => /^(set|vector)\[/.test(types[i] ?? ''));
  }
}

function createReader(head?: string): RecordReader {
  const header: Header = { separator: '\t', setSeparator: ',', empty: '(empty)', unset: '-' };
  if (head) {
    for (const text of head.split('\n')) {
      if (!text.startsWith('#')) break;
      headerLine(header, text.replace(/\r$/, ''));
    }
  }
  let columns: string[] = [];
  const index = new Map<string, number>();
  let indexed: string[] | undefined;
  const get: FieldGetter = (name) => {
    const at = index.get(name);
    if (at === undefined) return undefined;
    const raw = columns[at];
    if (raw === undefined || raw === header.unset || raw === header.empty || raw === '') return undefined;
    const value = unescapeZeek(raw);
    return header.multi![at] ? value.split(header.setSeparator) : [value];
  };
  return {
    line(text, no): ScanRecord | ReadProblem | undefined {
      if (text.startsWith('#')) {
        headerLine(header, text);
        return undefined;
      }
      if (text === '') return undefined;
      const fields = header.fields;
      if (!fields) return { line: no, code: 'TIX_INPUT_BAD_FIELD', message: 'a Zeek record before any #fields header' };
      if (indexed !== fields) {
        index.clear();
        fields.forEach((name, i) => index.set(name, i));
        indexed = fields;
      }
      columns = text.split(header.separator);
      if (columns.length < fields.length) {
        return { line: no, code: 'TIX_INPUT_BAD_FIELD', message: `${columns.length} columns where #fields names ${fields.length}` };
      }
      const record: ScanRecord = { line: no, values: observe(ZEEK_PLAN, get) };
      const time = header.ts !== undefined && header.ts >= 0 ? zeekTime(columns[header.ts]) : undefined;
      if (time !== undefined) record.time = time;
      return record;
    },
  };
}

/** Zeek's ASCII logs: `#separator`, `#fields` and `#types` headers, tab-separated columns; any log type, extra columns welcome. */
export const zeekTsv: LogReader = {
  id: 'zeek-tsv',
  title: 'Zeek TSV logs (#fields header; conn, dns, http, ssl, x509, files, smtp, notice, ...)',
  detect(head) {
    if (head.startsWith('#separator ')) return 1;
    return /(^|\n)#fields\t/.test(head) ? 0.95 : 0;
  },
  createReader,
};
