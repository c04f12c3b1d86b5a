import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, NotFoundError, TixError } from '../../errors.ts';
import { mayOpenInvestigation } from '../../investigations/rules.ts';
import { normalise } from '../../normalise/index.ts';
import type { Investigation, NewItem } from '../../store/investigations.ts';
import type { CliContext } from '../context.ts';
import { parsePapOption, parseTlpOption } from '../options.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';
import { readerOf, requireOrg } from './report.ts';

const list = (text: string | undefined): string[] => (text ? text.split(',').map((item) => item.trim()).filter(Boolean) : []);

/** Investigations from the command line, as the organisation named with --org. */
export function registerCase(program: Command, ctx: CliContext): void {
  const command = program.command('case').description('investigations: opened by police organisations, read by their members alone');
  command
    .command('open')
    .argument('<case-number>', 'the organisation\'s own reference')
    .requiredOption('--org <org>', 'the police organisation opening it')
    .requiredOption('--title <title>')
    .option('--countries <cc>', 'ISO 3166-1 alpha-2 codes, comma-separated')
    .option('--lead <officer>', 'the lead officer')
    .option('--tlp <level>', 'TLP 2.0 level', 'amber')
    .option('--pap <level>', 'PAP level')
    .option('--members <orgs>', 'organisations to invite, comma-separated')
    .action(async (caseNumber: string, flags: { org: string; title: string; countries?: string; lead?: string; tlp: string; pap?: string; members?: string }) => {
      const now = ctx.now();
      const countries = list(flags.countries).map((country) => {
        if (!/^[A-Za-z]{2}$/.test(country)) throw new ConfigError(`--countries: "${country}" is not an ISO 3166-1 alpha-2 code`);
        return country.toUpperCase();
      });
      const opened = await ctx.withStore(async (store) => {
        const org = await requireOrg(store, flags.org);
        if (!mayOpenInvestigation(org.kind)) throw new TixError('TIX_CASE_DENIED', `${org.name} is a ${org.kind} organisation; only police organisations open investigations`);
        const members = await Promise.all(list(flags.members).map(async (name) => (await requireOrg(store, name)).id));
        const investigation = await store.openInvestigation({
          org: org.id,
          caseNumber,
          title: flags.title,
          countries,
          ...(flags.lead ? { leadOfficer: flags.lead } : {}),
          tlp: parseTlpOption(flags.tlp),
          ...(flags.pap ? { pap: parsePapOption(flags.pap) } : {}),
          createdAt: now,
        });
        const result = members.length ? await store.inviteMembers(investigation.id, org.id, members, now) : investigation;
        await store.appendAudit({ at: now, org: org.id, action: 'write:investigation', target: 'cli', detail: { id: result.id, caseNumber, members }, count: 1 });
        return result;
      });
      ctx.out.write(`investigation ${opened.id} (${opened.caseNumber}) opened; members: ${opened.members.map((member) => member.name).join(', ')}\n`);
    });

  command
    .command('list')
    .requiredOption('--org <org>', 'list the investigations this organisation is a member of')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { org: string; output: string }) => {
      const now = ctx.now();
      const items = await ctx.withStore(async (store) => {
        const org = await requireOrg(store, flags.org);
        const found = await store.listInvestigations(org.id);
        await store.appendAudit({ at: now, org: org.id, action: 'read:investigations', target: 'cli', detail: {}, count: found.length });
        return found;
      });
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['id', 'case', 'title', 'opened_by', 'tlp', 'members', 'opened']);
      for (const item of items) writer.row([item.id, item.caseNumber, item.title, item.orgName, item.tlp, item.members.map((member) => member.name).join(' '), isoDate(item.createdAt)], item);
      writer.end();
    });

  command
    .command('add')
    .description('attach a finding (a JSON file, e.g. a tix scan triage), values, or a report')
    .argument('<case>', 'the investigation id or case number')
    .requiredOption('--org <org>', 'a member organisation')
    .option('--finding <file>', 'a JSON file of evidence findings')
    .option('--indicators <values>', 'values, comma-separated')
    .option('--report <id>', 'a report id')
    .option('--note <text>')
    .action(async (ref: string, flags: { org: string; finding?: string; indicators?: string; report?: string; note?: string }) => {
      const now = ctx.now();
      const note = flags.note ? { note: flags.note } : {};
      const added = await ctx.withStore(async (store) => {
        const org = await requireOrg(store, flags.org);
        const investigation: Investigation | undefined = (/^\d+$/.test(ref) ? await store.getInvestigation(Number(ref), org.id) : undefined) ?? (await store.getInvestigation(ref, org.id));
        if (!investigation) throw new TixError('TIX_CASE_UNKNOWN', `no investigation "${ref}" that ${org.name} is a member of`);
        // everything is checked before anything is attached
        const items: NewItem[] = [];
        if (flags.finding) {
          let data: unknown;
          try {
            data = JSON.parse(readFileSync(flags.finding, 'utf8')) as unknown;
          } catch (error) {
            throw new ConfigError(`--finding: ${flags.finding} is not a readable JSON file: ${(error as Error).message}`);
          }
          items.push({ kind: 'finding', data, ...note });
        }
        for (const text of list(flags.indicators)) {
          const found = normalise(text);
          if (!found.ok) throw new ConfigError(`--indicators: "${text.slice(0, 80)}": ${found.reason}`);
          items.push({ kind: 'indicator', indicator: { type: found.type, value: found.value }, ...note });
        }
        if (flags.report) {
          if (!/^\d+$/.test(flags.report) || !(await store.getReport(Number(flags.report), await readerOf(store, org, now)))) {
            throw new NotFoundError(`no report ${flags.report} that ${org.name} may read`);
          }
          items.push({ kind: 'report', report: Number(flags.report), ...note });
        }
        for (const item of items) await store.addItem(investigation.id, item, { org: org.id }, now);
        const count = items.length;
        await store.appendAudit({ at: now, org: org.id, action: 'write:investigation-item', target: 'cli', detail: { id: investigation.id }, count });
        return count;
      });
      ctx.out.write(`${added} item(s) attached\n`);
    });
}
