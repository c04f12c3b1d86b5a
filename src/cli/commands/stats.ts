import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';

export function registerStats(program: Command, ctx: CliContext): void {
  program
    .command('stats')
    .description('what the store holds: values by type, threat, TLP and source')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { output: string }) => {
      const output = parseOutputFormat(flags.output);
      const stats = await ctx.withStore((store) => store.stats());
      if (output === 'jsonl') {
        ctx.out.write(`${JSON.stringify(stats)}\n`);
        return;
      }
      const writer = new RowWriter(ctx.out, output, ['group', 'key', 'count', 'last_import']);
      writer.row(['total', 'indicators', stats.indicators], undefined);
      writer.row(['total', 'observations', stats.observations], undefined);
      for (const [key, n] of Object.entries(stats.byType)) writer.row(['type', key, n], undefined);
      for (const [key, n] of Object.entries(stats.byThreatType)) writer.row(['threat', key, n], undefined);
      for (const [key, n] of Object.entries(stats.byTlp)) writer.row(['tlp', key, n], undefined);
      for (const source of stats.bySource) writer.row(['source', source.source, source.indicators, isoDate(source.lastImport)], undefined);
      writer.end();
    });
}
