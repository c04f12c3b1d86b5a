import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import type { MailStatus } from '../../store/mail.ts';
import type { CliContext } from '../context.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';

const STATUSES: readonly MailStatus[] = ['queued', 'sent', 'failed'];

/** The e-mail outbox `tix serve --smtp` drains: what was sent, what waits, what was given up and why. */
export function registerMail(program: Command, ctx: CliContext): void {
  const mail = program.command('mail').description('e-mail notices of requests for information, sent by `tix serve --smtp`');
  mail
    .command('list')
    .description('the newest notices first, with their state and last error')
    .option('--status <status>', `only ${STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most this many', '100')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { status?: string; limit: string; output: string }) => {
      if (flags.status !== undefined && !(STATUSES as readonly string[]).includes(flags.status)) throw new ConfigError(`--status: "${flags.status}" is not one of ${STATUSES.join(', ')}`);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new ConfigError(`--limit: "${flags.limit}" is not a positive number`);
      const items = await ctx.withStore((store) => store.listMail({ limit, ...(flags.status ? { status: flags.status as MailStatus } : {}) }));
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['id', 'user', 'kind', 'status', 'attempts', 'created', 'sent', 'error']);
      for (const item of items) writer.row([item.id, item.user, item.kind, item.status, item.attempts, isoDate(item.createdAt), item.sentAt === undefined ? '' : isoDate(item.sentAt), item.lastError ?? ''], item);
      writer.end();
    });
}
