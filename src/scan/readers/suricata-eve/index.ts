import type { LogReader, RecordReader } from '../../record.ts';
import { JsonFieldScanner } from '../json-line.ts';
import { CompiledPlan, EVE_PLAN } from '../plan.ts';

function createReader(): RecordReader {
  // EVE nests ({"dns":{"rrname":…}}); each wanted leaf name occurs in one place only
  const scanner = new JsonFieldScanner(new CompiledPlan(EVE_PLAN), (name) => (name.startsWith('dns.grouped.') ? name.slice('dns.grouped.'.length) : name.slice(name.lastIndexOf('.') + 1)), 'timestamp');
  return {
    read: (text, no, sink) => scanner.read(text, no, sink),
    screen: (bytes, start, end, screen) => scanner.screen(bytes, start, end, screen),
    time() {
      if (scanner.time === undefined) return undefined;
      const ms = Date.parse(scanner.time);
      return Number.isNaN(ms) ? undefined : ms;
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
