import type { LogReader, RecordReader } from '../../record.ts';
import { JsonFieldScanner } from '../json-line.ts';
import { CompiledPlan, ZEEK_PLAN, zeekTime } from '../plan.ts';

function createReader(): RecordReader {
  // Zeek's JSON keys are the dotted names themselves ("id.orig_h")
  const scanner = new JsonFieldScanner(new CompiledPlan(ZEEK_PLAN), (name) => name, 'ts');
  return {
    read: (text, no, sink) => scanner.read(text, no, sink),
    screen: (bytes, start, end, screen) => scanner.screen(bytes, start, end, screen),
    time: () => zeekTime(scanner.time),
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
