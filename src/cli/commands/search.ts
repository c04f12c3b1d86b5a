import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import type { Indicator } from '../../model/index.ts';
import { interpretSearch } from '../../query/index.ts';
import type { IndicatorQuery } from '../../store/store.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseAccuracyOption, parsePapOption, parseReliabilityOption, parseThreatOption, parseLimit, parseSince, parseTypeOption } from '../options.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';

interface SearchFlags {
  type?: string;
  source?: string;
  malware?: string;
  threat?: string;
  tag?: string;
  since?: string;
  all?: boolean;
  reliability?: string;
  maxAccuracy?: string;
  maxPap?: string;
  limit: string;
  output: string;
}

export const INDICATOR_COLUMNS = ['type', 'value', 'status', 'first_seen', 'last_seen', 'sources', 'threat', 'malware', 'confidence', 'tlp'];

export function indicatorCells(item: Indicator): Array<string | number | undefined> {
  return [
    item.type,
    item.value,
    item.status,
    isoDate(item.firstSeen),
    isoDate(item.lastSeen),
    item.sources.join(' '),
    item.threatTypes.join(' '),
    item.malware.join(' '),
    item.confidence,
    item.tlp,
  ];
}

export function indicatorRecord(item: Indicator): Record<string, unknown> {
  return { ...item, firstSeen: isoDate(item.firstSeen), lastSeen: isoDate(item.lastSeen), addedAt: isoDate(item.addedAt) };
}

export function registerSearch(program: Command, ctx: CliContext): void {
  program
    .command('search')
    .description('find indicators: a value, an IP (also the CIDRs holding it), a CIDR (everything inside), a domain (with everything below it), or pasted text')
    .argument('[query...]', 'what to look for; omit to list by filters alone')
    .option('-t, --type <types>', 'only these types, comma-separated (ipv4,url,sha256,...)')
    .option('--source <name>', 'only values this source reported')
    .option('--malware <family>', 'only values of this malware family')
    .option('--threat <type>', 'only this threat type (c2, phishing, payload-delivery, ...)')
    .option('--tag <tag>', 'only values with this tag')
    .option('--since <date|age>', 'only values last seen since a date (2024-01-31) or an age (7d)')
    .option('--reliability <grades>', 'only values a source of these reliability grades reports (A,B,C,X)')
    .option('--max-accuracy <n>', 'only values some source grades at least this accurate (1 best, 4 worst)')
    .option('--max-pap <level>', 'only values recipients may act on at least this freely (clear, green, amber, red)')
    .option('-a, --all', 'include revoked and expired values')
    .option('-n, --limit <n>', 'at most this many results', '100')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (words: string[], flags: SearchFlags) => {
      const now = ctx.now();
      const output = parseOutputFormat(flags.output);
      const limit = parseLimit(flags.limit);
      const query: IndicatorQuery = { now, limit: Math.min(limit, 1000) };
      const text = words.join(' ');
      if (text.trim() !== '') {
        const terms = interpretSearch(text);
        if (!terms) throw new ConfigError(`nothing to search for in "${text.slice(0, 80)}": not an indicator`);
        Object.assign(query, terms);
      }
      if (flags.type) query.types = parseTypeOption(flags.type);
      if (flags.source) query.source = flags.source;
      if (flags.malware) query.malware = flags.malware;
      if (flags.threat) query.threatType = parseThreatOption(flags.threat);
      if (flags.tag) query.tag = flags.tag.toLowerCase();
      if (flags.since) query.seenSince = parseSince(flags.since, now);
      if (flags.reliability) query.reliability = parseReliabilityOption(flags.reliability);
      if (flags.maxAccuracy) query.maxAccuracy = parseAccuracyOption(flags.maxAccuracy);
      if (flags.maxPap) query.maxPap = parsePapOption(flags.maxPap);
      if (flags.all) query.includeInactive = true;
      let found = 0;
      const writer = await ctx.withStore(async (store) => {
        // once the store is enriched (tix enrich), each value's country and AS are shown beside it
        const located = (await store.enrichmentSources()).length > 0;
        const rows = new RowWriter(ctx.out, output, located ? [...INDICATOR_COLUMNS, 'country', 'as'] : INDICATOR_COLUMNS);
        let after: string | undefined;
        while (found < limit) {
          const page = await store.search({ ...query, limit: Math.min(1000, limit - found), ...(after ? { after } : {}) });
          const places = located ? await store.enrichmentOf(page.items) : [];
          page.items.forEach((item, i) => {
            const place = places[i];
            if (!located) rows.row(indicatorCells(item), indicatorRecord(item));
            else rows.row([...indicatorCells(item), place?.country, place?.asn === undefined ? undefined : `AS${place.asn} ${place.asOrg ?? ''}`.trim()], { ...indicatorRecord(item), ...place });
          });
          found += page.items.length;
          if (!page.next) break;
          after = page.next;
        }
        return rows;
      });
      writer.end();
      if (found === 0) {
        ctx.err.write('no indicator found\n');
        ctx.setExitCode(EXIT.partial);
      }
    });
}
