import type { FieldKind, LogReader, ReadProblem, RecordReader, ValueScreen } from '../../record.ts';
import { isText } from '../../index/canonical-bytes.ts';
import { CompiledPlan, ZEEK_PLAN, zeekTime } from '../plan.ts';

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

interface Column {
  at: number;
  name: string;
  kind?: FieldKind;
  slot?: number;
  multi: boolean;
}

function createReader(head?: string): RecordReader {
  const header: Header = { separator: '\t', setSeparator: ',', empty: '(empty)', unset: '-' };
  if (head) {
    for (const text of head.split('\n')) {
      if (!text.startsWith('#')) break;
      headerLine(header, text.replace(/\r$/, ''));
    }
  }
  const plan = new CompiledPlan(ZEEK_PLAN);
  let planned: string[] | undefined;
  let plannedMulti: boolean[] | undefined;
  let columns: Column[] = [];
  let lastColumn = 0;
  let timeText: string | undefined;
  const replan = (fields: string[]): void => {
    columns = [];
    fields.forEach((name, at) => {
      const use = plan.uses.get(name);
      if (use) columns.push({ at, name, ...use, multi: header.multi![at]! });
    });
    lastColumn = Math.max(header.ts ?? -1, ...columns.map((c) => c.at));
    planned = fields;
    plannedMulti = header.multi;
  };
  return {
    read(text, no, sink): ReadProblem | undefined {
      timeText = undefined;
      if (text.charCodeAt(0) === 35) {
        headerLine(header, text);
        return undefined;
      }
      if (text === '') return undefined;
      const fields = header.fields;
      if (!fields) return { line: no, code: 'TIX_INPUT_BAD_FIELD', message: 'a Zeek record before any #fields header' };
      if (planned !== fields || plannedMulti !== header.multi) replan(fields);
      // cut out only the columns the plan wants, in order, without splitting the whole line
      const separator = header.separator;
      const step = separator.length;
      let start = 0;
      let index = 0;
      let next = 0;
      const ts = header.ts ?? -1;
      const slots = plan.slots;
      while (index <= lastColumn) {
        let end = text.indexOf(separator, start);
        if (end < 0) {
          if (index < fields.length - 1) return { line: no, code: 'TIX_INPUT_BAD_FIELD', message: `${index + 1} columns where #fields names ${fields.length}` };
          end = text.length;
        }
        if (index === ts) timeText = text.slice(start, end);
        const column = columns[next];
        if (column && column.at === index) {
          next++;
          const raw = text.slice(start, end);
          if (raw !== header.unset && raw !== header.empty && raw !== '') {
            const value = unescapeZeek(raw);
            if (column.kind) {
              if (column.multi) {
                for (const item of value.split(header.setSeparator)) if (item !== '') sink.value(column.name, column.kind, item);
              } else sink.value(column.name, column.kind, value);
            }
            if (column.slot !== undefined) slots[column.slot] = column.multi ? value.split(header.setSeparator)[0] : value;
          }
        }
        start = end + step;
        index++;
      }
      plan.compose(sink);
      return undefined;
    },
    time: () => zeekTime(timeText),
    screen(bytes: Uint8Array, start: number, end: number, screen: ValueScreen): boolean {
      if (start === end) return false;
      const fields = header.fields;
      // headers change the reader's state; odd separators are left to read(); a value with a \x escape is
      // never canonical, so the screen answers true for it and read() decodes it
      if (bytes[start] === 35 || !fields || header.separator.length !== 1 || header.setSeparator.length !== 1) return true;
      if (planned !== fields || plannedMulti !== header.multi) replan(fields);
      const separator = header.separator.charCodeAt(0);
      const setSeparator = header.setSeparator.charCodeAt(0);
      const starts = plan.slotStarts;
      const ends = plan.slotEnds;
      let from = start;
      let index = 0;
      let next = 0;
      while (index <= lastColumn) {
        const column = columns[next];
        const wanted = column ? column.at : lastColumn;
        if (index + 1 < wanted) {
          // pass two or more columns before the next one wanted counting separators, without a branch per column
          let left = wanted - index;
          let i = from;
          while (left > 0 && i < end) left -= ((bytes[i++]! ^ separator) - 1) >>> 31;
          if (left > 0) {
            starts.fill(-1);
            return true; // a short row: read() reports it
          }
          from = i;
          index = wanted;
        }
        let to = from;
        while (to < end && bytes[to] !== separator) to++;
        if (to >= end) {
          if (index < fields.length - 1) {
            starts.fill(-1);
            return true; // a short row: read() reports it
          }
          to = end;
        }
        if (column && column.at === index) {
          next++;
          if (to > from && !isText(bytes, from, to, header.unset) && !isText(bytes, from, to, header.empty)) {
            let firstEnd = to;
            if (column.multi) {
              for (let item = from, i = from; i <= to; i++) {
                if (i < to && bytes[i] !== setSeparator) continue;
                if (item === from) firstEnd = i;
                if (column.kind && i > item && screen.value(column.kind, bytes, item, i)) {
                  starts.fill(-1);
                  return true;
                }
                item = i + 1;
              }
            } else if (column.kind && screen.value(column.kind, bytes, from, to)) {
              starts.fill(-1);
              return true;
            }
            if (column.slot !== undefined) {
              starts[column.slot] = from;
              ends[column.slot] = firstEnd;
            }
          }
        }
        from = to + 1;
        index++;
      }
      return plan.screenComposed(bytes, screen);
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
