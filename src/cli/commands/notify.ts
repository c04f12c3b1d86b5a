import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { formatIssue } from '../../model/index.ts';
import { EXIT, type CliContext } from '../context.ts';

export function registerNotify(program: Command, ctx: CliContext): void {
  program
    .command('notify')
    .description('victim notification: group infected IPs (sinkhole CSV: ip,timestamp,family) per network abuse contact and country; write a CSV and an e-mail draft (.eml) per recipient, optionally send them; nobody is told of the same event twice')
    .argument('<files...>', 'victim lists (CSV with ip, timestamp and family columns)')
    .requiredOption('--from <address>', 'sender address of the messages')
    .option('--out <dir>', 'where to write the CSV files and drafts', 'notifications')
    .option('--template <file>', 'message template: "Subject: …", a blank line, the body, with {{placeholders}}')
    .option('--sender <name>', 'signature of the messages (default: the --from address)')
    .option('--send <smtp-url>', 'send the drafts through this SMTP server (smtp://host:port) and record them')
    .action(async (files: string[], flags: { from: string; out: string; template?: string; sender?: string; send?: string }) => {
      if (flags.send && !/^smtps?:\/\//.test(flags.send)) throw new ConfigError(`--send: an smtp:// or smtps:// URL (got "${flags.send.slice(0, 60)}")`);
      // the mail library is loaded by this command only
      const [{ notifyVictims }, { parseTemplate }] = await Promise.all([import('../../ops/notify.ts'), import('../../ops/notify/message.ts')]);
      const template = flags.template ? parseTemplate(readFileSync(flags.template, 'utf8'), flags.template) : undefined;
      const result = await ctx.withStore((store) =>
        notifyVictims(store, {
          files,
          outDir: resolve(flags.out),
          dataDir: ctx.dataDir(),
          now: ctx.now(),
          from: flags.from,
          ...(flags.sender ? { sender: flags.sender } : {}),
          ...(template ? { template } : {}),
          ...(flags.send ? { smtp: flags.send } : {}),
        }),
      );
      for (const issue of result.issues.slice(0, 20)) ctx.err.write(`${formatIssue(issue)}\n`);
      if (result.issues.length > 20) ctx.err.write(`… and ${result.issues.length - 20} more rejected rows\n`);
      for (const message of result.messages) {
        ctx.out.write(`${message.recipient}\t${message.victims} victims${message.skipped ? ` (${message.skipped} already notified)` : ''}\t${message.sent ? 'sent' : message.victims ? 'draft' : 'nothing new'}\n`);
      }
      ctx.out.write(
        `${result.victims} victims in ${result.grouping.byCountry.size} countries: ${result.messages.filter((m) => m.victims).length} messages, ` +
          `${result.messages.filter((m) => m.sent).length} sent, ${result.unassigned} victims without a contact (CSV per AS in ${flags.out})\n`,
      );
      if (result.issues.length) ctx.setExitCode(EXIT.partial);
    });
}
