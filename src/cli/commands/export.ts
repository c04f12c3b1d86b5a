import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { outputFile } from '../../io/output-file.ts';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { createExporter, getExporter, listExporters } from '../../export/registry.ts';
import { streamExport, type ExportCounts } from '../../ops/export.ts';
import { writeMispFeed } from '../../ops/misp-feed.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseAccuracyOption, parsePapOption, parseReliabilityOption } from '../options.ts';
import { addSelectionOptions, selectionQuery, type SelectionFlags } from '../selection.ts';

interface ExportFlags extends SelectionFlags {
  output?: string;
  all?: boolean;
  reliability?: string;
  maxAccuracy?: string;
  maxPap?: string;
  option: string[];
  producer: string;
}

/** `key=value` options of the format, repeatable. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseFormatOptions(pairs: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--option: "${pair}" is not KEY=VALUE`);
    options[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return options;
}

async function write(target: Writable, chunk: string): Promise<void> {
  if (!target.write(chunk)) await once(target, 'drain');
}

export function registerExport(program: Command, ctx: CliContext): void {
  addSelectionOptions(
    program
      .command('export')
      .description(`write indicators in an exchange or blocklist format: ${[...listExporters().map((format) => format.id), 'misp-feed'].join(', ')}`)
      .argument('<format>', 'the format (see the list above)')
      .option('-o, --output <file>', 'write here (replaced atomically when complete) instead of stdout; a directory for misp-feed'),
  )
    .option('--reliability <grades>', 'only values a source of these reliability grades reports (A,B,C,X)')
    .option('--max-accuracy <n>', 'only values some source grades at least this accurate (1 best, 4 worst)')
    .option('--max-pap <level>', 'only values recipients may act on at least this freely (clear, green, amber, red)')
    .option('-a, --all', 'include revoked and expired values')
    .option('--option <key=value>', 'a format option, e.g. sid-base=9000000 for suricata (repeatable)', collect, [])
    .option('--producer <name>', 'the organisation named as producer where the format has one', 'tix')
    .action(async (formatId: string, flags: ExportFlags) => {
      const now = ctx.now();
      const { query } = selectionQuery(flags, now);
      if (flags.reliability) query.reliability = parseReliabilityOption(flags.reliability);
      if (flags.maxAccuracy) query.maxAccuracy = parseAccuracyOption(flags.maxAccuracy);
      if (flags.maxPap) query.maxPap = parsePapOption(flags.maxPap);
      if (flags.all) query.includeInactive = true;
      const exportCtx = { now, producer: { name: flags.producer }, options: parseFormatOptions(flags.option) };
      if (formatId === 'misp-feed') {
        if (!flags.output) throw new ConfigError('misp-feed writes a directory: name it with -o DIR');
        const result = await ctx.withStore((store) => writeMispFeed(store, query, exportCtx, flags.output!));
        ctx.err.write(`exported ${result.written} indicators as a MISP feed of ${result.events} events to ${flags.output}\n`);
        if (result.written === 0) ctx.setExitCode(EXIT.partial);
        return;
      }
      const format = getExporter(formatId);
      // the exporter checks its options when created, before any file is touched
      createExporter(format.id, exportCtx);
      const counts: ExportCounts = { written: 0, skipped: 0 };
      const file = flags.output ? outputFile(flags.output) : undefined;
      const target: Writable = file ? createWriteStream(file.path) : ctx.out;
      try {
        await ctx.withStore(async (store) => {
          for await (const chunk of streamExport(store, format, query, exportCtx, counts)) await write(target, chunk);
        });
        if (file) {
          target.end();
          await once(target, 'finish');
          file.commit();
        }
      } catch (error) {
        if (file) {
          target.destroy();
          file.abort();
        }
        throw error;
      }
      const skipped = counts.skipped ? `, ${counts.skipped} skipped (not expressible in ${format.id})` : '';
      ctx.err.write(`exported ${counts.written} indicator${counts.written === 1 ? '' : 's'} as ${format.id}${skipped}${flags.output ? ` to ${flags.output}` : ''}\n`);
      if (counts.written === 0) ctx.setExitCode(EXIT.partial);
    });
}
