import type { Command } from 'commander';
import { ConfigError, NotFoundError } from '../../errors.ts';
import { checkDueDate, isOverdue, RFI_PRIORITIES, RFI_STATUSES, type RfiPriority, type RfiStatus } from '../../investigations/rules.ts';
import { parseWhen } from '../options.ts';
import { normalise } from '../../normalise/index.ts';
import type { Rfi } from '../../store/investigations.ts';
import type { CliContext } from '../context.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';
import { readerOf, requireOrg } from './report.ts';

const list = (text: string | undefined): string[] => (text ? text.split(',').map((item) => item.trim()).filter(Boolean) : []);

function parseStatus(text: string): RfiStatus {
  if (!(RFI_STATUSES as readonly string[]).includes(text)) throw new ConfigError(`--status: "${text}" is not one of ${RFI_STATUSES.join(', ')}`);
  return text as RfiStatus;
}

function parseId(text: string): number {
  if (!/^\d+$/.test(text)) throw new ConfigError(`"${text}" is not a request id`);
  return Number(text);
}

function printRfi(ctx: CliContext, rfi: Rfi, now: number): void {
  ctx.out.write(
    `request ${rfi.id}: ${rfi.subject}\n  investigation ${rfi.caseNumber}, from ${rfi.fromName} to ${rfi.toName}, priority ${rfi.priority}, ${rfi.status}` +
      `${rfi.dueAt === undefined ? '' : `, due ${isoDate(rfi.dueAt)}`}${isOverdue(rfi, now) ? ' (OVERDUE)' : ''}\n`,
  );
  if (rfi.values.length) ctx.out.write(`  about: ${rfi.values.map((item) => (item.type ? `${item.type}:${item.value}` : item.value)).join(', ')}\n`);
  for (const message of rfi.thread) {
    ctx.out.write(`\n${isoDate(message.createdAt)} ${message.orgName} ${message.action}\n`);
    if (message.text) ctx.out.write(`${message.text.replace(/^/gm, '  ')}\n`);
    if (message.indicators.length) ctx.out.write(`  indicators: ${message.indicators.map((item) => `${item.type}:${item.value}`).join(', ')}\n`);
    if (message.reports.length) ctx.out.write(`  reports: ${message.reports.join(', ')}\n`);
  }
}

/** Requests for information, as an organisation sees them: its queue, a thread, its answer. */
export function registerRfi(program: Command, ctx: CliContext): void {
  const rfi = program.command('rfi').description('requests for information of investigations: the queue, threads, answers');
  rfi
    .command('list')
    .description('the requests an organisation is asked (its queue), or has asked with --sent')
    .requiredOption('--org <org>', 'the organisation')
    .option('--sent', 'the requests it asked')
    .option('--status <status>', `one of ${RFI_STATUSES.join(', ')} (default for the queue: open)`)
    .option('--overdue', 'only overdue requests')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { org: string; sent?: boolean; status?: string; overdue?: boolean; output: string }) => {
      const now = ctx.now();
      const status = flags.status ? parseStatus(flags.status) : flags.sent ? undefined : 'open';
      const items = await ctx.withStore(async (store) => {
        const org = await requireOrg(store, flags.org);
        const found = await store.listRfis({ org: org.id, role: flags.sent ? 'from' : 'to', ...(status ? { status } : {}), limit: 1000 });
        await store.appendAudit({ at: now, org: org.id, action: 'read:rfis', target: 'cli', detail: { sent: Boolean(flags.sent), status }, count: found.length });
        return found;
      });
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['id', 'case', 'from', 'to', 'priority', 'status', 'due', 'overdue', 'subject']);
      for (const item of items) {
        if (flags.overdue && !isOverdue(item, now)) continue;
        writer.row([item.id, item.caseNumber, item.fromName, item.toName, item.priority, item.status, isoDate(item.dueAt), isOverdue(item, now) ? 'yes' : '', item.subject], { ...item, overdue: isOverdue(item, now) });
      }
      writer.end();
    });

  rfi
    .command('show')
    .argument('<id>')
    .requiredOption('--org <org>', 'read as this organisation (a member of the investigation)')
    .action(async (id: string, flags: { org: string }) => {
      const now = ctx.now();
      const found = await ctx.withStore(async (store) => {
        const org = await requireOrg(store, flags.org);
        const read = await store.getRfi(parseId(id), org.id);
        await store.appendAudit({ at: now, org: org.id, action: 'read:rfi', target: 'cli', detail: { id }, count: read ? 1 : 0 });
        return read;
      });
      if (!found) throw new NotFoundError(`no request ${id} that ${flags.org} may read`);
      printRfi(ctx, found, now);
    });

  rfi
    .command('answer')
    .argument('<id>')
    .requiredOption('--org <org>', 'the organisation asked')
    .option('--text <text>', 'the answer (or the reason, with --decline)', '')
    .option('--indicators <values>', 'values given with the answer, comma-separated')
    .option('--report <ids>', 'reports given with the answer, comma-separated ids')
    .option('--decline', 'decline the request; --text gives the reason')
    .action(async (id: string, flags: { org: string; text: string; indicators?: string; report?: string; decline?: boolean }) => {
      const now = ctx.now();
      if (flags.decline && !flags.text.trim()) throw new ConfigError('--decline needs a reason in --text');
      const indicators = list(flags.indicators).map((value) => {
        const result = normalise(value);
        if (!result.ok) throw new ConfigError(`--indicators: "${value.slice(0, 80)}": ${result.reason}`);
        return { type: result.type, value: result.value };
      });
      const reports = list(flags.report).map(parseId);
      const answered = await ctx.withStore(async (store) => {
        const org = await requireOrg(store, flags.org);
        const reader = await readerOf(store, org, now);
        for (const report of reports) if (!(await store.getReport(report, reader))) throw new NotFoundError(`no report ${report} that ${org.name} may read`);
        const result = await store.replyRfi(parseId(id), { org: org.id, action: flags.decline ? 'decline' : 'answer', text: flags.text, indicators, reports, at: now });
        await store.appendAudit({ at: now, org: org.id, action: `write:rfi-${flags.decline ? 'decline' : 'answer'}`, target: 'cli', detail: { id, reports }, count: 1 });
        return result;
      });
      ctx.out.write(`request ${answered.id} ${answered.status}\n`);
    });

  rfi
    .command('ask')
    .description('from an investigation, ask a member organisation about values')
    .argument('<case>', 'the investigation: its case number or id')
    .requiredOption('--org <org>', 'the asking organisation (a member of the investigation)')
    .requiredOption('--to <org>', 'the organisation asked (a member too)')
    .requiredOption('--subject <text>', 'one line')
    .requiredOption('--question <text>', 'what you want to know')
    .option('--values <values>', 'the values asked about, comma-separated (indicators are typed and normalised; others, a wallet, kept as given)')
    .option('--priority <priority>', `one of ${RFI_PRIORITIES.join(', ')}`, 'normal')
    .option('--due <date>', 'when an answer is due (a date, or an age from now: 3d)')
    .action(async (ref: string, flags: { org: string; to: string; subject: string; question: string; values?: string; priority: string; due?: string }) => {
      const now = ctx.now();
      if (!(RFI_PRIORITIES as readonly string[]).includes(flags.priority)) throw new ConfigError(`--priority: "${flags.priority}" is not one of ${RFI_PRIORITIES.join(', ')}`);
      const dueAt = flags.due === undefined ? undefined : parseWhen(flags.due, now, '--due');
      checkDueDate(dueAt, now);
      const values = list(flags.values).map((value) => {
        const found = normalise(value);
        return found.ok ? { type: found.type, value: found.value } : { value };
      });
      const asked = await ctx.withStore(async (store) => {
        const from = await requireOrg(store, flags.org);
        const to = await requireOrg(store, flags.to);
        const investigation = await store.getInvestigation(/^\d+$/.test(ref) ? Number(ref) : ref, from.id);
        if (!investigation) throw new NotFoundError(`no investigation "${ref}" that ${from.name} is a member of`);
        const created = await store.createRfi({
          investigation: investigation.id,
          from: from.id,
          to: to.id,
          subject: flags.subject,
          question: flags.question,
          values,
          priority: flags.priority as RfiPriority,
          ...(dueAt === undefined ? {} : { dueAt }),
          createdAt: now,
        });
        await store.appendAudit({ at: now, org: from.id, action: 'write:rfi', target: 'cli', detail: { id: created.id, investigation: investigation.id, to: to.id }, count: 1 });
        return created;
      });
      ctx.out.write(`request ${asked.id} asked of ${asked.toName} in investigation ${asked.caseNumber}\n`);
    });
}
