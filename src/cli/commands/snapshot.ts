import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { buildFromStore, loadSnapshot } from '../../ops/scan/intel.ts';
import { encodeSnapshot } from '../../scan/index/snapshot.ts';
import type { IndicatorQuery } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { parseConfidenceOption, parseSince, parseThreatOption, parseTlpOption, parseTypeOption } from '../options.ts';
import { TIX_VERSION } from './scan.ts';

interface SnapshotFlags {
  output?: string;
  type?: string;
  source?: string;
  malware?: string;
  threat?: string;
  minConfidence?: string;
  maxTlp?: string;
  since?: string;
}

export function registerSnapshot(program: Command, ctx: CliContext): void {
  const snapshot = program.command('snapshot').description('portable intel snapshots for scanning where there is no store and no network');
  snapshot
    .command('export')
    .description('write the matching index of the selected indicators, with what a scan report needs, to one file with a content hash')
    .option('-o, --output <file>', 'the snapshot file (replaced only when complete)')
    .option('-t, --type <types>', 'only these types, comma-separated')
    .option('--source <name>', 'only values this source reported')
    .option('--malware <family>', 'only values of this malware family')
    .option('--threat <type>', 'only this threat type')
    .option('--min-confidence <0-100>', 'only values some source gives at least this confidence')
    .option('--max-tlp <level>', 'only values marked at most this restrictively')
    .option('--since <date|age>', 'only values last seen since a date or an age (7d)')
    .action(async (flags: SnapshotFlags) => {
      if (!flags.output) throw new ConfigError('snapshot export writes a file: name it with -o FILE');
      const now = ctx.now();
      const query: Omit<IndicatorQuery, 'limit' | 'after'> = { now };
      const filters: Record<string, string> = {};
      if (flags.type) (query.types = parseTypeOption(flags.type)), (filters.type = flags.type);
      if (flags.source) (query.source = flags.source), (filters.source = flags.source);
      if (flags.malware) (query.malware = flags.malware), (filters.malware = flags.malware);
      if (flags.threat) (query.threatType = parseThreatOption(flags.threat)), (filters.threat = flags.threat);
      if (flags.minConfidence) (query.minConfidence = parseConfidenceOption(flags.minConfidence)), (filters.minConfidence = flags.minConfidence);
      if (flags.maxTlp) (query.maxTlp = parseTlpOption(flags.maxTlp)), (filters.maxTlp = flags.maxTlp);
      if (flags.since) (query.seenSince = parseSince(flags.since, now)), (filters.since = flags.since);
      const { built, warninglists } = await ctx.withStore(async (store) => ({
        built: await buildFromStore(store, query, { createdAt: new Date(now).toISOString(), tool: `tix ${TIX_VERSION}`, filters }),
        warninglists: await store.listWarninglists(),
      }));
      const { chunks, id } = encodeSnapshot(built.parts, built.snapshot, warninglists);
      const temporary = `${flags.output}.tmp-${process.pid}`;
      const fd = openSync(temporary, 'w');
      let bytes = 0;
      try {
        for (const chunk of chunks) {
          let written = 0;
          while (written < chunk.byteLength) written += writeSync(fd, chunk, written, chunk.byteLength - written);
          bytes += chunk.byteLength;
        }
        closeSync(fd);
        renameSync(temporary, flags.output);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
      const skipped = Object.entries(built.parts.info.skipped).map(([reason, n]) => `${n} ${reason}`).join('; ');
      ctx.err.write(`wrote ${flags.output}: ${built.snapshot.indicators} indicators, ${warninglists.length} warninglists, ${bytes} bytes, id ${id}${skipped ? ` (left out: ${skipped})` : ''}\n`);
    });
  snapshot
    .command('verify')
    .description('check a snapshot file against its content hash and print what it holds')
    .argument('<file>', 'the snapshot')
    .action((file: string) => {
      const started = Date.now();
      const intel = loadSnapshot(file);
      const counts = Object.entries(intel.index.parts.info.counts).map(([type, n]) => `${type} ${n}`).join(', ');
      ctx.out.write(`${file}: intact, id ${intel.facts.id}\n  written ${intel.snapshot.createdAt} by ${intel.snapshot.tool}\n  ${intel.snapshot.indicators} indicators: ${counts}\n  filters: ${JSON.stringify(intel.snapshot.filters)}\n  warninglists: ${intel.warninglists.map((list) => list.id).join(', ') || 'none'}\n  loaded and verified in ${Date.now() - started} ms\n`);
    });
}
