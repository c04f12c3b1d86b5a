import type { Command } from 'commander';
import { listFormats } from '../../formats/index.ts';
import type { CliContext } from '../context.ts';
import { RowWriter } from '../output.ts';

export function registerFormats(program: Command, ctx: CliContext): void {
  program
    .command('formats')
    .description('the input formats tix reads (values for --format)')
    .action(() => {
      const writer = new RowWriter(ctx.out, 'table', ['id', 'kind', 'tlp', 'title'], 80);
      for (const format of listFormats()) writer.row([format.id, format.kind, format.defaultTlp ?? '', format.title], undefined);
      writer.end();
    });
}
