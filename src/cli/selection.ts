import type { Command } from 'commander';
import type { IndicatorQuery } from '../store/store.ts';
import { parseConfidenceOption, parseSince, parseThreatOption, parseTlpOption, parseTypeOption } from './options.ts';

/** The options that pick which stored values a command writes out (`tix export`, `tix snapshot export`). */
export interface SelectionFlags {
  type?: string;
  source?: string;
  malware?: string;
  threat?: string;
  minConfidence?: string;
  maxTlp?: string;
  since?: string;
}

export function addSelectionOptions(command: Command): Command {
  return command
    .option('-t, --type <types>', 'only these types, comma-separated (ipv4,url,sha256,...)')
    .option('--source <name>', 'only values this source reported')
    .option('--malware <family>', 'only values of this malware family')
    .option('--threat <type>', 'only this threat type (c2, phishing, payload-delivery, ...)')
    .option('--min-confidence <0-100>', 'only values some source gives at least this confidence')
    .option('--max-tlp <level>', 'only values marked at most this restrictively (clear, green, amber, amber+strict, red)')
    .option('--since <date|age>', 'only values last seen since a date (2024-01-31) or an age (7d)');
}

/** The query the selection options ask for, checked, and the options as given (a snapshot records them). */
export function selectionQuery(flags: SelectionFlags, now: number): { query: Omit<IndicatorQuery, 'limit' | 'after'>; given: Record<string, string> } {
  const query: Omit<IndicatorQuery, 'limit' | 'after'> = { now };
  if (flags.type) query.types = parseTypeOption(flags.type);
  if (flags.source) query.source = flags.source;
  if (flags.malware) query.malware = flags.malware;
  if (flags.threat) query.threatType = parseThreatOption(flags.threat);
  if (flags.minConfidence) query.minConfidence = parseConfidenceOption(flags.minConfidence, '--min-confidence');
  if (flags.maxTlp) query.maxTlp = parseTlpOption(flags.maxTlp, '--max-tlp');
  if (flags.since) query.seenSince = parseSince(flags.since, now);
  const given: Record<string, string> = {};
  for (const key of ['type', 'source', 'malware', 'threat', 'minConfidence', 'maxTlp', 'since'] as const) {
    if (flags[key]) given[key] = flags[key];
  }
  return { query, given };
}
