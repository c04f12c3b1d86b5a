import type { LogReader, ReadProblem, RecordReader, ScanRecord } from '../../record.ts';
import { observe, ZEEK_PLAN, zeekTime, type FieldGetter } from '../plan.ts';
import { jsonGetter, parseJsonLine } from '../json-line.ts';

function createReader(): RecordReader {
  return {
    line(text, no): ScanRecord | ReadProblem | undefined {
      const parsed = parseJsonLine(text, no);
      if (parsed === undefined) return undefined;
      if ('problem' in parsed) return parsed.problem;
      const json = parsed.record;
      const get: FieldGetter = jsonGetter(json);
      const record: ScanRecord = { line: no, values: observe(ZEEK_PLAN, get) };
      const time = zeekTime(json.ts);
      if (time !== undefined) record.time = time;
      return record;
    },
  };
}

/** Zeek logs written as JSON lines (`LogAscii::use_json`): the same field names as the TSV logs. */
export const zeekJson: LogReader = {
  id: 'zeek-json',
  title: 'Zeek JSON-lines logs',
  detect(head) {
    const first = head.trimStart().split('\n', 1)[0] ?? '';
    if (!first.startsWith('{') || !/"ts":/.test(first)) return 0;
    return /"(uid|fuid|id\.orig_h|note|id)":/.test(first) ? 0.9 : 0.5;
  },
  createReader,
};
