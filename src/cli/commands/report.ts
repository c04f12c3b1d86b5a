import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, NotFoundError } from '../../errors.ts';
import { normalise } from '../../normalise/index.ts';
import { clearanceOf } from '../../policy/index.ts';
import { formatDiff, diffLines } from '../../reports/diff.ts';
import { prepareReport } from '../../reports/report.ts';
import { reportEvent } from '../../reports/misp.ts';
import { reportBundle, reportsFromStix } from '../../reports/stix.ts';
import type { Organisation } from '../../store/access.ts';
import type { Report, ReportReader } from '../../store/reports.ts';
import type { Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { parsePapOption, parseTlpOption } from '../options.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';

export async function requireOrg(store: Store, name: string): Promise<Organisation> {
  const org = await store.findOrganisation(/^\d+$/.test(name) ? Number(name) : name);
  if (!org) throw new NotFoundError(`no organisation "${name}" (see tix org list)`);
  return org;
}

/** An organisation as a report reader: what it would read over the API now. */
export async function readerOf(store: Store, org: Organisation, now: number): Promise<ReportReader> {
  const [distributions, agreements] = await Promise.all([store.listDistributions(), store.listAgreements()]);
  return { org: org.id, clearance: clearanceOf({ kind: 'member', org: org.id }, distributions, new Map(agreements.map((a) => [a.id, a])), { now, anonymousClear: false }) };
}

const list = (text: string | undefined): string[] => (text ? text.split(',').map((item) => item.trim()).filter(Boolean) : []);
const readText = (file: string): string => (file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8'));

function parseReportId(text: string): number | string {
  if (/^\d+$/.test(text)) return Number(text);
  if (/^report--[0-9a-f-]{36}$/.test(text)) return text;
  throw new ConfigError(`"${text}" is not a report id (a number or report--<uuid>)`);
}

function printReport(ctx: CliContext, report: Report): void {
  ctx.out.write(
    `${report.title}\n  report ${report.id} (${report.stixId}), version ${report.version} of ${report.latestVersion}, by ${report.ownerName}, published ${isoDate(report.publishedAt)}\n` +
      `  TLP:${report.tlp.toUpperCase()}${report.pap ? `, PAP:${report.pap.toUpperCase()}` : ''}${report.investigation === undefined ? '' : `, investigation ${report.investigation}`}\n`,
  );
  if (report.summary) ctx.out.write(`\n${report.summary}\n`);
  ctx.out.write(`\n${report.body}\n\n`);
  const { indicators, malware, actors, campaigns, objects } = report.links;
  if (indicators.length) ctx.out.write(`indicators: ${indicators.map((item) => `${item.type}:${item.value}`).join(', ')}\n`);
  if (malware.length) ctx.out.write(`malware: ${malware.join(', ')}\n`);
  if (actors.length) ctx.out.write(`actors: ${actors.join(', ')}\n`);
  if (campaigns.length) ctx.out.write(`campaigns: ${campaigns.join(', ')}\n`);
  if (objects.length) ctx.out.write(`objects: ${objects.join(', ')}\n`);
  for (const attachment of report.attachments) ctx.out.write(`attachment: ${attachment.name} (${attachment.size} bytes, sha256 ${attachment.sha256})\n`);
}

export function registerReport(program: Command, ctx: CliContext): void {
  const report = program.command('report').description('research reports: Markdown write-ups with linked indicators, malware, actors and campaigns, versioned');
  report
    .command('create')
    .description('publish a report for an organisation (the body is sanitised: raw HTML escaped, unsafe links blocked)')
    .requiredOption('--org <org>', 'the owner organisation')
    .requiredOption('--title <title>')
    .requiredOption('--body <file>', 'the Markdown body (- for stdin)')
    .option('--summary <text>')
    .option('--tlp <level>', 'TLP 2.0 level', 'amber')
    .option('--pap <level>', 'PAP level')
    .option('--agreement <names>', 'agreements to share it under, comma-separated')
    .option('--indicators <values>', 'values to link, comma-separated')
    .option('--indicators-from <file>', 'link every indicator found in this text file')
    .option('--malware <names>', 'names or STIX ids, comma-separated')
    .option('--actors <names>', 'names or STIX ids, comma-separated')
    .option('--campaigns <names>', 'names or STIX ids, comma-separated')
    .option('--attach <files>', 'files to attach (4 MiB each at most), comma-separated')
    .action(async (flags: Record<string, string | undefined>) => {
      const now = ctx.now();
      const created = await ctx.withStore(async (store) => {
        const owner = await requireOrg(store, flags.org!);
        const agreements: number[] = [];
        for (const name of list(flags.agreement)) {
          const agreement = await store.findAgreement(name);
          if (!agreement || !agreement.members.includes(owner.id)) throw new ConfigError(`--agreement: no agreement "${name}" that ${owner.name} is a member of`);
          agreements.push(agreement.id);
        }
        const prepared = prepareReport(
          {
            title: flags.title!,
            body: readText(flags.body!),
            ...(flags.summary ? { summary: flags.summary } : {}),
            indicators: list(flags.indicators).map((value) => ({ value })),
            ...(flags.indicatorsFrom ? { indicatorText: readText(flags.indicatorsFrom) } : {}),
            malware: list(flags.malware),
            actors: list(flags.actors),
            campaigns: list(flags.campaigns),
            attachments: list(flags.attach).map((file) => ({ name: file.split('/').pop()!, content: readFileSync(file) })),
          },
          now,
        );
        const distribution = await store.distribution({ owner: owner.id, agreements: agreements.sort((a, b) => a - b), recipientOrgs: [], recipientUsers: [] });
        const made = await store.createReport(
          { owner: owner.id, distribution: distribution.id, tlp: parseTlpOption(flags.tlp!), ...(flags.pap ? { pap: parsePapOption(flags.pap) } : {}), content: prepared.content, blobs: prepared.blobs, createdAt: now },
          await readerOf(store, owner, now),
        );
        await store.appendAudit({ at: now, action: 'write:report', target: 'cli', detail: { id: made.id, owner: owner.id }, count: 1 });
        return { made, neutralised: prepared.neutralised };
      });
      ctx.out.write(`report ${created.made.id} created (${created.made.stixId}), ${created.made.links.indicators.length} indicator(s) linked\n`);
      if (created.neutralised.length) ctx.err.write(`neutralised in the body: ${created.neutralised.join('; ')}\n`);
    });

  report
    .command('list')
    .description('reports, newest first (with --as: only those the organisation may read)')
    .option('--as <org>', 'list as this organisation reads them')
    .option('--value <value>', 'only reports linking this value')
    .option('-n, --limit <n>', 'at most this many', '50')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { as?: string; value?: string; limit: string; output: string }) => {
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['id', 'title', 'owner', 'tlp', 'version', 'published', 'indicators']);
      const items = await ctx.withStore(async (store) => {
        const reader = flags.as ? await readerOf(store, await requireOrg(store, flags.as), ctx.now()) : undefined;
        let indicator;
        if (flags.value) {
          const result = normalise(flags.value);
          if (!result.ok) throw new ConfigError(`--value: ${result.reason}`);
          indicator = { type: result.type, value: result.value };
        }
        return (await store.listReports({ ...(reader ? { reader } : {}), ...(indicator ? { indicator } : {}), limit: Number(flags.limit) || 50 })).items;
      });
      for (const item of items) writer.row([item.id, item.title, item.ownerName, item.tlp, item.version, isoDate(item.publishedAt), item.links.indicators.length], item);
      writer.end();
    });

  report
    .command('show')
    .argument('<id>', 'a report id or STIX id')
    .option('--version <n>', 'this version rather than the current one')
    .option('--diff', 'what changed from the version before')
    .action(async (id: string, flags: { version?: string; diff?: boolean }) => {
      const ref = parseReportId(id);
      const version = flags.version ? Number(flags.version) : undefined;
      const [shown, previous] = await ctx.withStore(async (store) => {
        const found = await store.getReport(ref, undefined, version);
        if (!found) throw new NotFoundError(`no report ${id}${version ? ` version ${version}` : ''}`);
        return [found, flags.diff && found.version > 1 ? await store.getReport(ref, undefined, found.version - 1) : undefined] as const;
      });
      if (flags.diff) {
        if (!previous) ctx.out.write('the first version: nothing to compare\n');
        else ctx.out.write(`version ${previous.version} → ${shown.version}\n${formatDiff(diffLines(previous.body, shown.body))}\n`);
        return;
      }
      printReport(ctx, shown);
    });

  report
    .command('export')
    .argument('<id>', 'a report id or STIX id')
    .option('-f, --format <format>', 'stix (a STIX 2.1 bundle) or misp (a MISP event with an event report)', 'stix')
    .option('-o, --output <file>', 'write it here (default: stdout)')
    .action(async (id: string, flags: { format: string; output?: string }) => {
      if (flags.format !== 'stix' && flags.format !== 'misp') throw new ConfigError(`--format: "${flags.format}" is not stix or misp`);
      const found = await ctx.withStore((store) => store.getReport(parseReportId(id)));
      if (!found) throw new NotFoundError(`no report ${id}`);
      const text = `${JSON.stringify(flags.format === 'misp' ? reportEvent(found) : reportBundle(found), null, 2)}\n`;
      if (flags.output) writeFileSync(flags.output, text);
      else ctx.out.write(text);
    });

  report
    .command('import')
    .argument('<file>', 'a STIX 2.1 bundle holding report objects')
    .requiredOption('--org <org>', 'the organisation that owns the imported reports')
    .option('--tlp <level>', 'TLP 2.0 level (default: the report\'s marking, else amber)')
    .action(async (file: string, flags: { org: string; tlp?: string }) => {
      const now = ctx.now();
      const document = JSON.parse(readText(file)) as unknown;
      const made = await ctx.withStore(async (store) => {
        const owner = await requireOrg(store, flags.org);
        const distribution = await store.distribution({ owner: owner.id, agreements: [], recipientOrgs: [], recipientUsers: [] });
        const reader = await readerOf(store, owner, now);
        const ids: number[] = [];
        for (const imported of reportsFromStix(document)) {
          const prepared = prepareReport(imported.draft, now);
          const tlp = flags.tlp ? parseTlpOption(flags.tlp) : (imported.tlp ?? 'amber');
          ids.push((await store.createReport({ owner: owner.id, distribution: distribution.id, tlp, ...(imported.pap ? { pap: imported.pap } : {}), stixId: imported.stixId, content: prepared.content, blobs: prepared.blobs, createdAt: now }, reader)).id);
        }
        return ids;
      });
      ctx.out.write(`${made.length} report(s) imported: ${made.join(', ')}\n`);
    });
}
