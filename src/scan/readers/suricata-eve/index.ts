import type { LogReader, ReadProblem, RecordReader, ScanRecord } from '../../record.ts';
import { jsonGetter, parseJsonLine } from '../json-line.ts';
import { EVE_PLAN, observe } from '../plan.ts';

function createReader(): RecordReader {
  return {
    line(text, no): ScanRecord | ReadProblem | undefined {
      const parsed = parseJsonLine(text, no);
      if (parsed === undefined) return undefined;
      if ('problem' in parsed) return parsed.problem;
      const json = parsed.record;
      const record: ScanRecord = { line: no, values: observe(EVE_PLAN, jsonGetter(json)) };
      if (typeof json.timestamp === 'string') {
        const ms = Date.parse(json.timestamp);
        if (!Number.isNaN(ms)) record.time = ms;
      }
      return record;
    },
  };
}

/** Suricata EVE JSON (eve.json): flow, alert, dns, http, tls, fileinfo, smtp events. */
export const suricataEve: LogReader = {
  id: 'suricata-eve',
  title: 'Suricata EVE JSON (eve.json)',
  detect(head) {
    const first = head.trimStart().split('\n', 1)[0] ?? '';
    return first.startsWith('{') && /"event_type":/.test(first) && /"timestamp":/.test(first) ? 0.95 : 0;
  },
  createReader,
};
