import { headerIndex, splitCsvLine } from '../../formats/common/csv.ts';
import type { Issue } from '../../model/index.ts';
import { normaliseIp } from '../../normalise/index.ts';
import { ipv4Number } from '../../enrich/ip.ts';

/** Victims as columns: a million rows stay a few arrays, not a million objects. */
export interface Victims {
  ips: string[];
  /** Epoch ms. */
  times: number[];
  /** Index into `families`. */
  family: number[];
  families: string[];
}

const IP_NAMES = ['ip', 'src_ip', 'source_ip', 'address', 'victim'];
const TIME_NAMES = ['timestamp', 'time', 'seen', 'date', 'first_seen'];
const FAMILY_NAMES = ['family', 'malware', 'infection', 'botnet'];

/**
 * Reads sinkhole-style victim lists: a CSV header naming an IP column
 * (`ip`), a time column (`timestamp`, ISO 8601 or epoch seconds) and a
 * malware family column (`family`), then one connection a row. A bad row is
 * an issue naming file, line and field, and is skipped.
 */
export function readVictims(files: Iterable<{ name: string; lines: Iterable<string> }>, into: Victims = { ips: [], times: [], family: [], families: [] }): { victims: Victims; issues: Issue[] } {
  const issues: Issue[] = [];
  const familyIndex = new Map(into.families.map((name, i) => [name, i]));
  for (const { name, lines } of files) {
    let columns: [number, number, number] | undefined;
    let line = 0;
    for (const raw of lines) {
      line++;
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (!text || text.startsWith('#')) continue;
      const issue = (field: string, message: string): void => {
        issues.push({ code: 'TIX_INPUT_BAD_FIELD', file: name, line, field, message, severity: 'error' });
      };
      const fields = text.includes('"') ? splitCsvLine(text) : text.split(',');
      if (!fields) {
        issue('row', 'unterminated quote');
        continue;
      }
      if (!columns) {
        const header = headerIndex(fields);
        const find = (names: string[]): number => names.map((n) => header.get(n)).find((i) => i !== undefined) ?? -1;
        const found: [number, number, number] = [find(IP_NAMES), find(TIME_NAMES), find(FAMILY_NAMES)];
        if (found.includes(-1)) {
          issue('header', `the header must name an IP (${IP_NAMES[0]}), a time (${TIME_NAMES[0]}) and a family (${FAMILY_NAMES[0]}) column`);
          break;
        }
        columns = found;
        continue;
      }
      const ipText = (fields[columns[0]] ?? '').trim();
      let ip = ipText;
      if (ipv4Number(ipText) < 0) {
        const normalised = normaliseIp(ipText);
        if (!normalised.ok) {
          issue('ip', `not an IP address (got "${ipText.slice(0, 60)}")`);
          continue;
        }
        ip = normalised.value;
      }
      const timeText = (fields[columns[1]] ?? '').trim();
      const time = /^\d{9,11}$/.test(timeText) ? Number(timeText) * 1000 : Date.parse(timeText.includes('T') || timeText.endsWith('Z') ? timeText : `${timeText.replace(' ', 'T')}Z`);
      if (!Number.isFinite(time)) {
        issue('timestamp', `not a time (got "${timeText.slice(0, 40)}")`);
        continue;
      }
      const family = (fields[columns[2]] ?? '').trim() || 'unknown';
      let index = familyIndex.get(family);
      if (index === undefined) {
        index = into.families.length;
        into.families.push(family);
        familyIndex.set(family, index);
      }
      into.ips.push(ip);
      into.times.push(time);
      into.family.push(index);
    }
  }
  return { victims: into, issues };
}
