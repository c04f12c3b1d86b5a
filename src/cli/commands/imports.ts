import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { parseLimit } from '../options.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';

export function registerImports(program: Command, ctx: CliContext): void {
  program
    .command('imports')
    .description('the latest imports: which input, when, with what result (provenance of every observation)')
    .option('-n, --limit <n>', 'how many', '20')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { limit: string; output: string }) => {
      const output = parseOutputFormat(flags.output);
      const imports = await ctx.withStore((store) => store.listImports(parseLimit(flags.limit)));
      const writer = new RowWriter(ctx.out, output, ['id', 'started', 'status', 'source', 'format', 'origin', 'read', 'accepted', 'new', 'updated', 'rejected']);
      for (const record of imports) {
        const c = record.counts;
        writer.row(
          [record.id, isoDate(record.startedAt), record.status, record.source, record.format, record.origin, c.read, c.accepted, c.new, c.updated, c.rejected],
          { ...record, startedAt: isoDate(record.startedAt), finishedAt: isoDate(record.finishedAt) },
        );
      }
      writer.end();
    });
}
