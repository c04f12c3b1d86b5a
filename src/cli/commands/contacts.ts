import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildDirectory, CONTACT_ROLES, CONTACT_SCOPES, contactKey, readContactsCsv, resolveContacts, type Contact, type ContactRole, type ContactScope } from '../../contacts/index.ts';
import { lookupIp } from '../../enrich/index.ts';
import { ConfigError, InputError } from '../../errors.ts';
import { formatIssue } from '../../model/index.ts';
import { normaliseIp } from '../../normalise/index.ts';
import { loadTables } from '../../ops/enrich-data.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseOutputFormat, RowWriter } from '../output.ts';

export function registerContacts(program: Command, ctx: CliContext): void {
  const contacts = program.command('contacts').description('who to notify per country, AS and CIDR: police units, CERTs, abuse desks (the most specific entry wins)');

  contacts
    .command('import')
    .description('add or replace contacts from a CSV (scope,value,role,name,email); broken or conflicting rows are reported and skipped')
    .argument('<file>', 'the CSV file')
    .action(async (file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new InputError('TIX_INPUT_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
      }
      const read = readContactsCsv(text.split('\n'), file);
      for (const issue of read.issues) ctx.err.write(`${formatIssue(issue)}\n`);
      const stored = await ctx.withStore((store) => store.putContacts(read.contacts, ctx.now()));
      ctx.out.write(`imported ${stored} contacts, rejected ${read.issues.length} rows\n`);
      if (read.issues.length) ctx.setExitCode(EXIT.partial);
    });

  contacts
    .command('add')
    .description('add a manual entry; it overrides an imported one for the same scope, value and role')
    .requiredOption('--scope <scope>', CONTACT_SCOPES.join(', '))
    .requiredOption('--value <value>', 'country code, AS number or CIDR')
    .requiredOption('--role <role>', CONTACT_ROLES.join(', '))
    .requiredOption('--name <name>', 'organisation or desk')
    .option('--email <address>', 'where notifications go')
    .action(async (flags: { scope: string; value: string; role: string; name: string; email?: string }) => {
      if (!(CONTACT_SCOPES as readonly string[]).includes(flags.scope)) throw new ConfigError(`--scope must be one of ${CONTACT_SCOPES.join(', ')}`);
      if (!(CONTACT_ROLES as readonly string[]).includes(flags.role)) throw new ConfigError(`--role must be one of ${CONTACT_ROLES.join(', ')}`);
      const key = contactKey(flags.scope as ContactScope, flags.value);
      if (!key.ok) throw new ConfigError(`--value: ${key.reason}`);
      const contact: Contact = { scope: flags.scope as ContactScope, key: key.key, role: flags.role as ContactRole, name: flags.name, manual: true, ...(flags.email ? { email: flags.email } : {}) };
      await ctx.withStore((store) => store.putContacts([contact], ctx.now()));
      ctx.out.write(`${contact.scope} ${contact.key} ${contact.role}: ${contact.name} (manual)\n`);
    });

  contacts
    .command('list')
    .description('every entry, imported and manual')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { output: string }) => {
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['scope', 'value', 'role', 'name', 'email', 'manual', 'origin'], 48);
      for (const c of await ctx.withStore((store) => store.listContacts())) {
        writer.row([c.scope, c.key, c.role, c.name, c.email, c.manual ? 'yes' : '', c.origin], c);
      }
      writer.end();
    });

  contacts
    .command('resolve')
    .description('who to notify about an IP address: its country and AS (offline data), then the most specific contact per role')
    .argument('<ip>', 'an IPv4 or IPv6 address')
    .action(async (ip: string) => {
      const address = normaliseIp(ip);
      if (!address.ok) throw new ConfigError(`"${ip.slice(0, 60)}" is not an IP address: ${address.reason}`);
      const { tables } = loadTables({ cacheDir: join(ctx.dataDir(), 'enrich') });
      const located = lookupIp(tables, address.value);
      const resolution = resolveContacts(buildDirectory(await ctx.withStore((store) => store.listContacts())), address.value, located);
      ctx.out.write(`${address.value}: country ${located.country ?? 'unknown'}, ${located.asn === undefined ? 'AS unknown' : `AS${located.asn} ${located.asOrg ?? ''}`.trim()}\n`);
      let any = false;
      for (const role of CONTACT_ROLES) {
        const match = resolution[role];
        if (!match) continue;
        any = true;
        ctx.out.write(`  ${role}: ${match.contact.name}${match.contact.email ? ` <${match.contact.email}>` : ''} (by ${match.matchedBy}${match.contact.manual ? ', manual' : ''})\n`);
      }
      if (!any) {
        ctx.out.write('  no contact\n');
        ctx.setExitCode(EXIT.partial);
      }
    });
}
