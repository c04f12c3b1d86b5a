import { splitCsvLine } from '../../../formats/common/csv.ts';
import { recordReader, type FieldKind, type LogReader, type Observed, type ReadProblem, type RecordReader, type ScanRecord } from '../../record.ts';

/** Column names that say what a column holds; any other column is searched as text. */
const COLUMN_KINDS: ReadonlyArray<readonly [RegExp, FieldKind | 'skip' | 'time']> = [
  [/^(ts|time|timestamp|date|datetime|@timestamp|event_time|first_seen|last_seen)$/, 'time'],
  [/(^|_)(src|dst|dest|source|destination|client|server|remote|local|peer)?_?(ip|addr|address|ipv4|ipv6)$/, 'ip'],
  [/^(ip|ip_address|src|dst|saddr|daddr)$/, 'ip'],
  [/(^|_)(domain|hostname|host|fqdn|query|qname|sni|server_name|rrname)$/, 'host-or-ip'],
  [/(^|_)(url|uri|referer|referrer)$/, 'url'],
  [/(^|_)md5$/, 'md5'],
  [/(^|_)sha1$/, 'sha1'],
  [/(^|_)sha256$/, 'sha256'],
  [/(^|_)(hash|digest)$/, 'hash'],
  [/(^|_)(email|mail|from|to|sender|recipient)$/, 'email'],
  [/(^|_)ja3s?$/, 'ja3'],
  [/(^|_)(filename|file_name|file)$/, 'filename'],
  [/(^|_)(port|bytes|count|size|len|length|status|code|pid|id|duration|proto|protocol|method)$/, 'skip'],
];

function kindOf(name: string): FieldKind | 'skip' | 'time' {
  const key = name.trim().toLowerCase().replace(/[\s.-]+/g, '_');
  for (const [pattern, kind] of COLUMN_KINDS) if (pattern.test(key)) return kind;
  return 'text';
}

function separatorOf(header: string): string {
  const counts = [',', ';', '\t', '|'].map((sep) => [sep, header.split(sep).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![0];
}

function createReader(head?: string): RecordReader {
  let columns: Array<{ name: string; kind: FieldKind | 'skip' | 'time' }> | undefined;
  let separator = ',';
  const readHeader = (text: string): void => {
    separator = separatorOf(text);
    columns = (splitCsvLine(text, separator) ?? []).map((name) => ({ name, kind: kindOf(name) }));
  };
  let headerLine = 0;
  if (head) {
    const first = head.split('\n', 1)[0]!.replace(/\r$/, '');
    readHeader(first);
    headerLine = 1;
  }
  return recordReader({
    line(text, no): ScanRecord | ReadProblem | undefined {
      if (text.trim() === '') return undefined;
      if (!columns) {
        readHeader(text);
        return undefined;
      }
      if (no === headerLine) return undefined;
      const cells = splitCsvLine(text, separator);
      if (!cells) return { line: no, code: 'TIX_INPUT_BAD_FIELD', message: 'unterminated quote in a CSV row' };
      const values: Observed[] = [];
      const record: ScanRecord = { line: no, values };
      cells.forEach((cell, i) => {
        const column = columns![i] ?? { name: `column ${i + 1}`, kind: 'text' as const };
        const value = cell.trim();
        if (value === '' || value === '-' || column.kind === 'skip') return;
        if (column.kind === 'time') {
          const ms = /^\d{9,10}(\.\d+)?$/.test(value) ? Math.round(Number(value) * 1000) : Date.parse(value);
          if (record.time === undefined && !Number.isNaN(ms)) record.time = ms;
          return;
        }
        values.push({ field: column.name, kind: column.kind, value });
      });
      return record;
    },
  });
}

/** Any CSV with a header row; columns recognised by name, the others searched as text. */
export const csv: LogReader = {
  id: 'csv',
  title: 'CSV with a header row',
  detect(head) {
    const lines = head.split('\n', 5).filter((line) => line.trim() !== '');
    if (lines.length < 2 || lines[0]!.startsWith('{') || lines[0]!.startsWith('#')) return 0;
    const separator = separatorOf(lines[0]!);
    const width = lines[0]!.split(separator).length;
    if (width < 2) return 0;
    return lines.every((line) => line.split(separator).length === width) ? 0.3 : 0.1;
  },
  createReader,
};
