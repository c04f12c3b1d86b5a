import { ConfigError } from '../../errors.ts';
import type { LogReader } from '../record.ts';
import { csv } from './csv/index.ts';
import { dnsLog } from './dns-log/index.ts';
import { suricataEve } from './suricata-eve/index.ts';
import { text } from './text/index.ts';
import { webAccess } from './web-access/index.ts';
import { zeekJson } from './zeek-json/index.ts';
import { zeekTsv } from './zeek-tsv/index.ts';

const READERS: readonly LogReader[] = [zeekTsv, zeekJson, suricataEve, webAccess, dnsLog, csv, text];

export function listReaders(): readonly LogReader[] {
  return READERS;
}

export function getReader(id: string): LogReader {
  const reader = READERS.find((candidate) => candidate.id === id);
  if (!reader) throw new ConfigError(`--format: unknown log format "${id}" (one of ${READERS.map((r) => r.id).join(', ')})`);
  return reader;
}

/** The reader most sure it can read `head`; free text when none is. */
export function detectReader(head: string, fileName: string): LogReader {
  let best: LogReader = text;
  let score = 0;
  for (const reader of READERS) {
    const s = reader.detect(head, fileName);
    if (s > score) {
      best = reader;
      score = s;
    }
  }
  return best;
}
