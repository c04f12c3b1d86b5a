import type { Command } from 'commander';
import { generateApiKey, hashPassword } from '../../auth/index.ts';
import { ConfigError, NotFoundError } from '../../errors.ts';
import { auditContent, OrgKindSchema, RoleSchema, verifyChain, type OrgKind, type Role } from '../../policy/index.ts';
import { EvaluationSchema } from '../../model/index.ts';
import type { Organisation, User } from '../../store/access.ts';
import type { Store } from '../../store/store.ts';
import { EXIT, type CliContext } from '../context.ts';
import { parseMailAddress } from '../../mail/address.ts';
import { parseSince, parseTlpOption, parseWhen } from '../options.ts';
import { isoDate, parseOutputFormat, RowWriter } from '../output.ts';

function parseKind(text: string): OrgKind {
  const parsed = OrgKindSchema.safeParse(text);
  if (!parsed.success) throw new ConfigError(`--kind: "${text}" is not one of ${OrgKindSchema.options.join(', ')}`);
  return parsed.data;
}

function parseRole(text: string): Role {
  const parsed = RoleSchema.safeParse(text);
  if (!parsed.success) throw new ConfigError(`--role: "${text}" is not one of ${RoleSchema.options.join(', ')}`);
  return parsed.data;
}

function parseCountry(text: string): string {
  if (!/^[A-Za-z]{2}$/.test(text)) throw new ConfigError(`country "${text}": use an ISO 3166-1 alpha-2 code such as NG or FR`);
  return text.toUpperCase();
}

async function requireOrg(store: Store, name: string): Promise<Organisation> {
  const org = await store.findOrganisation(/^\d+$/.test(name) ? Number(name) : name);
  if (!org) throw new NotFoundError(`no organisation "${name}" (see tix org list)`);
  return org;
}

async function requireUser(store: Store, name: string): Promise<User> {
  const user = await store.findUser(name);
  if (!user) throw new NotFoundError(`no user "${name}" (see tix user list)`);
  return user;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function list(values: string | undefined): string[] {
  return values ? values.split(',').map((value) => value.trim()).filter(Boolean) : [];
}

export function registerAccess(program: Command, ctx: CliContext): void {
  const org = program.command('org').description('organisations that share and read data');
  org
    .command('add')
    .argument('<name>')
    .requiredOption('--kind <kind>', `one of ${OrgKindSchema.options.join(', ')}`)
    .option('--country <cc>', 'ISO 3166-1 alpha-2 country code')
    .action(async (name: string, flags: { kind: string; country?: string }) => {
      const created = await ctx.withStore((store) =>
        store.createOrganisation({ name, kind: parseKind(flags.kind), createdAt: ctx.now(), ...(flags.country ? { country: parseCountry(flags.country) } : {}) }),
      );
      ctx.out.write(`organisation ${created.name} (${created.kind}) added, id ${created.id}\n`);
    });
  org
    .command('list')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { output: string }) => {
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['id', 'name', 'kind', 'country']);
      for (const item of await ctx.withStore((store) => store.listOrganisations())) writer.row([item.id, item.name, item.kind, item.country], item);
      writer.end();
    });

  const user = program.command('user').description('people who sign in (HTTP Basic) and act for an organisation');
  user
    .command('add')
    .argument('<name>')
    .requiredOption('--org <org>', 'the organisation the user belongs to')
    .option('--role <role>', `one of ${RoleSchema.options.join(', ')}`, 'analyst')
    .option('--password-stdin', 'read the password from stdin (else one is generated and printed once)')
    .option('--email <address>', 'where the user is told of requests for information (when `tix serve --smtp` sends mail)')
    .action(async (name: string, flags: { org: string; role: string; passwordStdin?: boolean; email?: string }) => {
      const role = parseRole(flags.role);
      const email = flags.email === undefined ? undefined : mailAddressOption(flags.email, '--email');
      const password = flags.passwordStdin ? await readStdin() : generateApiKey().token.slice(-20);
      if (password.length < 12) throw new ConfigError('the password must have at least 12 characters');
      const passwordHash = await hashPassword(password);
      await ctx.withStore(async (store) => {
        const owner = await requireOrg(store, flags.org);
        await store.createUser({ name, org: owner.id, role, passwordHash, createdAt: ctx.now(), ...(email ? { email } : {}) });
      });
      ctx.out.write(`user ${name} added (${role})${flags.passwordStdin ? '' : `; password (shown once): ${password}`}\n`);
    });
  user
    .command('list')
    .option('--org <org>', 'only this organisation\'s users')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { org?: string; output: string }) => {
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['id', 'name', 'org', 'role', 'email', 'created']);
      await ctx.withStore(async (store) => {
        const scope = flags.org ? (await requireOrg(store, flags.org)).id : undefined;
        for (const item of await store.listUsers(scope)) writer.row([item.id, item.name, item.org, item.role, item.email, isoDate(item.createdAt)], item);
      });
      writer.end();
    });
  user
    .command('email')
    .description('set the address a user is told of requests for information at, or clear it with "none"')
    .argument('<name>')
    .argument('<address>', 'an e-mail address, or none')
    .action(async (name: string, address: string) => {
      const email = address === 'none' ? undefined : mailAddressOption(address, 'address');
      const changed = await ctx.withStore((store) => store.setUserEmail(name, email));
      if (!changed) throw new NotFoundError(`no user "${name}"`);
      ctx.out.write(email ? `user ${name} is told of requests at ${email}\n` : `user ${name} has no e-mail address now\n`);
    });

  const key = program.command('key').description('API keys (Bearer tokens) for programs: stored hashed, shown once');
  key
    .command('create')
    .requiredOption('--org <org>', 'the organisation the key acts for')
    .option('--user <name>', 'the user the key acts as (needed to read TLP:RED addressed to that user)')
    .option('--role <role>', `one of ${RoleSchema.options.join(', ')}`, 'reader')
    .option('--expires <age|date>', 'when the key stops working: an age (90d) or a date')
    .option('--label <text>', 'what the key is for')
    .action(async (flags: { org: string; user?: string; role: string; expires?: string; label?: string }) => {
      const role = parseRole(flags.role);
      const now = ctx.now();
      const expiresAt = flags.expires === undefined ? undefined : parseWhen(flags.expires, now, '--expires');
      if (expiresAt !== undefined && expiresAt <= now) throw new ConfigError('--expires: the key would already have expired');
      const fresh = generateApiKey();
      await ctx.withStore(async (store) => {
        const owner = await requireOrg(store, flags.org);
        const holder = flags.user ? await requireUser(store, flags.user) : undefined;
        if (holder && holder.org !== owner.id) throw new ConfigError(`user ${holder.name} is not in organisation ${owner.name}`);
        await store.createApiKey({
          prefix: fresh.prefix,
          hash: fresh.hash,
          org: owner.id,
          role,
          createdAt: now,
          ...(holder ? { user: holder.id } : {}),
          ...(expiresAt === undefined ? {} : { expiresAt }),
          ...(flags.label ? { label: flags.label } : {}),
        });
        await store.appendAudit({ at: now, action: 'write:key', target: fresh.prefix, detail: { org: owner.name, role, via: 'cli' } });
      });
      ctx.err.write('the key is shown once; store it now:\n');
      ctx.out.write(`${fresh.token}\n`);
    });
  key
    .command('list')
    .option('--org <org>')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { org?: string; output: string }) => {
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['prefix', 'org', 'user', 'role', 'label', 'created', 'expires', 'revoked', 'last_used']);
      await ctx.withStore(async (store) => {
        const scope = flags.org ? (await requireOrg(store, flags.org)).id : undefined;
        for (const item of await store.listApiKeys(scope)) {
          writer.row([item.prefix, item.org, item.user, item.role, item.label, isoDate(item.createdAt), isoDate(item.expiresAt), isoDate(item.revokedAt), isoDate(item.lastUsedAt)], item);
        }
      });
      writer.end();
    });
  key
    .command('revoke')
    .argument('<prefix>', 'the key\'s prefix (tix key list), or the whole key')
    .action(async (text: string) => {
      const prefix = /^tix_([0-9a-f]{12})_/.exec(text)?.[1] ?? text;
      const revoked = await ctx.withStore(async (store) => {
        const done = await store.revokeApiKey(prefix, ctx.now());
        if (done) await store.appendAudit({ at: ctx.now(), action: 'write:key-revoke', target: prefix, detail: { via: 'cli' } });
        return done;
      });
      if (!revoked) throw new NotFoundError(`no active key with prefix ${prefix}`);
      ctx.out.write(`key ${prefix} revoked\n`);
    });

  const agreement = program.command('agreement').description('data-sharing agreements: members, countries, dates, highest TLP');
  agreement
    .command('add')
    .argument('<name>')
    .requiredOption('--members <orgs>', 'member organisations, comma-separated')
    .option('--countries <ccs>', 'countries it covers, comma-separated ISO codes')
    .option('--purpose <text>', 'what the data may be used for', '')
    .option('--from <date>', 'start (default: now)')
    .option('--until <date|span>', 'end, a date or a span from now (90d): nothing is readable through it after this')
    .option('--max-tlp <level>', 'the most restrictive TLP it carries', 'amber')
    .option('--onward', 'members may pass the data on')
    .action(async (name: string, flags: { members: string; countries?: string; purpose: string; from?: string; until?: string; maxTlp: string; onward?: boolean }) => {
      const now = ctx.now();
      const startsAt = flags.from ? parseSince(flags.from, now, '--from') : now;
      const endsAt = flags.until ? parseWhen(flags.until, now, '--until') : undefined;
      if (endsAt !== undefined && endsAt <= startsAt) throw new ConfigError('--until must be after --from');
      const created = await ctx.withStore(async (store) => {
        const members = await Promise.all(list(flags.members).map((member) => requireOrg(store, member)));
        return store.createAgreement(
          {
            name,
            members: members.map((member) => member.id),
            countries: list(flags.countries).map(parseCountry),
            purpose: flags.purpose,
            startsAt,
            maxTlp: parseTlpOption(flags.maxTlp, '--max-tlp'),
            mayShareOnward: flags.onward === true,
            ...(endsAt === undefined ? {} : { endsAt }),
          },
          now,
        );
      });
      ctx.out.write(`agreement ${created.name} added: ${created.members.length} members, up to TLP:${created.maxTlp.toUpperCase()}${created.endsAt ? `, until ${isoDate(created.endsAt)}` : ''}\n`);
    });
  agreement
    .command('list')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { output: string }) => {
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['id', 'name', 'members', 'countries', 'from', 'until', 'max_tlp', 'onward']);
      for (const item of await ctx.withStore((store) => store.listAgreements())) {
        writer.row([item.id, item.name, item.members.join(' '), item.countries.join(' '), isoDate(item.startsAt), isoDate(item.endsAt), item.maxTlp, item.mayShareOnward ? 'yes' : 'no'], item);
      }
      writer.end();
    });

  program
    .command('share')
    .description('share a source (everything it reported) under an owner, agreements and named recipients')
    .argument('<source>', 'the source name (tix stats lists them)')
    .requiredOption('--owner <org>', 'the organisation that owns the data')
    .option('--agreement <names>', 'agreements it is shared under, comma-separated')
    .option('--recipient-orgs <orgs>', 'organisations named as recipients (AMBER, AMBER+STRICT)')
    .option('--recipient-users <users>', 'users named as recipients (RED)')
    .action(async (source: string, flags: { owner: string; agreement?: string; recipientOrgs?: string; recipientUsers?: string }) => {
      await ctx.withStore(async (store) => {
        const owner = await requireOrg(store, flags.owner);
        const agreements = await Promise.all(
          list(flags.agreement).map(async (name) => {
            const found = await store.findAgreement(name);
            if (!found) throw new NotFoundError(`no agreement "${name}"`);
            return found.id;
          }),
        );
        const recipientOrgs = await Promise.all(list(flags.recipientOrgs).map(async (name) => (await requireOrg(store, name)).id));
        const recipientUsers = await Promise.all(list(flags.recipientUsers).map(async (name) => (await requireUser(store, name)).id));
        const distribution = await store.distribution({ owner: owner.id, agreements, recipientOrgs, recipientUsers });
        if (!(await store.setSourceDistribution(source, distribution.id))) throw new NotFoundError(`no source "${source}"`);
        await store.appendAudit({ at: ctx.now(), action: 'write:share', target: source, detail: { owner: owner.name, agreements, recipientOrgs, recipientUsers, via: 'cli' } });
      });
      ctx.out.write(`source ${source} is now owned by ${flags.owner}${flags.agreement ? ` and shared under ${flags.agreement}` : ''}\n`);
    });

  program
    .command('grade')
    .description('grade a source: PAP, source reliability (A, B, C, X), information accuracy (1-4), handling code (H0-H3)')
    .argument('<source>', 'the source name (tix stats lists them)')
    .option('--pap <level>', 'clear, green, amber or red')
    .option('--reliability <grade>', 'A, B, C or X')
    .option('--accuracy <n>', '1 to 4')
    .option('--handling <code>', 'H0 to H3')
    .action(async (source: string, flags: { pap?: string; reliability?: string; accuracy?: string; handling?: string }) => {
      const parsed = EvaluationSchema.safeParse({
        ...(flags.pap ? { pap: flags.pap.toLowerCase() } : {}),
        ...(flags.reliability ? { reliability: flags.reliability.toUpperCase() } : {}),
        ...(flags.accuracy ? { accuracy: Number(flags.accuracy) } : {}),
        ...(flags.handling ? { handling: flags.handling.toUpperCase() } : {}),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ConfigError(`--${String(issue.path[0])}: ${issue.message}`);
      }
      await ctx.withStore(async (store) => {
        if (!(await store.setSourceEvaluation(source, parsed.data))) throw new NotFoundError(`no source "${source}"`);
        await store.appendAudit({ at: ctx.now(), action: 'write:grade', target: source, detail: { ...parsed.data, via: 'cli' } });
      });
      ctx.out.write(`source ${source} graded: ${Object.entries(parsed.data).map(([key, value]) => `${key} ${String(value)}`).join(', ') || 'no grading'}\n`);
    });

  const audit = program.command('audit').description('the append-only, hash-chained log of who read and wrote what');
  audit
    .command('list')
    .option('--after <seq>', 'entries after this sequence number', '0')
    .option('-n, --limit <n>', 'at most this many', '100')
    .option('-o, --output <format>', 'table, jsonl or csv', 'table')
    .action(async (flags: { after: string; limit: string; output: string }) => {
      const writer = new RowWriter(ctx.out, parseOutputFormat(flags.output), ['seq', 'at', 'org', 'user', 'key', 'action', 'target', 'count', 'detail']);
      const entries = await ctx.withStore((store) => store.listAudit({ after: Number(flags.after) || 0, limit: Number(flags.limit) || 100 }));
      for (const entry of entries) {
        writer.row([entry.seq, isoDate(entry.at), entry.org, entry.user, entry.key, entry.action, entry.target, entry.count, JSON.stringify(entry.detail)], entry);
      }
      writer.end();
    });
  audit
    .command('verify')
    .description('check the hash chain from the first entry to the last')
    .action(async () => {
      const result = await ctx.withStore(async (store) => {
        let checked = 0;
        let start = { seq: 0, hash: '0'.repeat(64) };
        for (;;) {
          const page = await store.listAudit({ after: start.seq, limit: 10_000 });
          if (!page.length) return { checked };
          const broken = verifyChain(
            page.map(({ seq, prevHash, hash, ...entry }) => ({ seq, prevHash, hash, entry: auditContent(entry) })),
            start,
          );
          if (broken) return { checked, broken };
          checked += page.length;
          const last = page[page.length - 1]!;
          start = { seq: last.seq, hash: last.hash };
        }
      });
      if (result.broken) {
        ctx.out.write(`audit log BROKEN at entry ${result.broken.seq}: ${result.broken.reason} (${result.checked} entries before it are intact)\n`);
        ctx.setExitCode(EXIT.error);
        return;
      }
      ctx.out.write(`audit log intact: ${result.checked} entries\n`);
    });
}

function mailAddressOption(input: string, label: string): string {
  const parsed = parseMailAddress(input);
  if (!parsed.ok) throw new ConfigError(`${label}: ${parsed.reason}`);
  return parsed.address;
}
